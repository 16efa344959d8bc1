package tornadio

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/transports"
)

// Ack answers an event that asked for an acknowledgement. Calling it more
// than once sends only the first answer. Safe from any goroutine.
type Ack func(args ...any)

// ErrReservedEvent is returned when emitting an event name the protocol
// reserves (connect, connect_error, disconnect, disconnecting, newListener,
// removeListener).
var ErrReservedEvent = errors.New("tornadio: reserved event name")

// ErrDisconnected is returned by Socket methods once the socket is gone.
var ErrDisconnected = errors.New("tornadio: socket disconnected")

// Socket is one client connected to one namespace.
//
// Threading: the callbacks registered with On, OnAny, OnAnyOutgoing,
// OnDisconnecting and OnDisconnect run on the socket's event loop (or its
// worker, with WithWorkers), one at a time. Every method is safe from any
// goroutine; register handlers inside OnConnection to be sure no event is
// missed.
type Socket struct {
	id     string
	ns     *Namespace
	client *client       // the modern road's session state; nil on the legacy road
	origin *socketOrigin // what some sockets carry from their creation; nil for most
	req    atomic.Pointer[Request]
	worker int32
	gone   atomic.Bool

	mu       sync.Mutex
	handlers []handlerEntry // few per socket: a slice beats a map in size and speed
	ext      *socketExt     // listeners beyond On; nil until the first one

	// The socket's rooms and its place in the namespace's indexes: changed
	// at once by whoever joins or leaves, so that Rooms and FetchSockets
	// see every change made before them (see adapter.Membership).
	rooms adapter.Membership
}

// attached reports whether the socket is connected to its namespace: in
// its rooms, receiving broadcasts. On the loop.
func (s *Socket) attached() bool { return s.rooms.Attached() }

// handlerEntry is one On (or Once) registration.
type handlerEntry struct {
	event string
	cb    callback
	once  bool // removed when an event finds it
}

// socketOrigin is what some sockets carry from their creation: set before
// the socket is shared and never changed after, so read without a lock.
type socketOrigin struct {
	pid       string     // private session id, for connection state recovery
	auth      []byte     // the CONNECT auth payload (a copy), for Request
	leg       legacyWire // the legacy (0.6) session; nil on the modern road
	recovered bool       // restored by connection state recovery
}

// originForInit returns s.origin, allocating it. Only while s is being
// made, before it is shared.
func (s *Socket) originForInit() *socketOrigin {
	if s.origin == nil {
		s.origin = &socketOrigin{}
	}
	return s.origin
}

// legacy is the legacy (0.6) session, or nil on the modern road.
func (s *Socket) legacy() legacyWire {
	if s.origin == nil {
		return nil
	}
	return s.origin.leg
}

// pid is the private session id of connection state recovery, or "".
func (s *Socket) pid() string {
	if s.origin == nil {
		return ""
	}
	return s.origin.pid
}

// socketExt holds what few sockets use, so that the common socket stays
// small: the listener lists (under Socket.mu), and on the socket's loop
// only the emits waiting for the client's ack and the legacy road's
// encoding scratch.
type socketExt struct {
	onAny           []func(event string, args Args)
	onAnyOutgoing   []func(event string, args Args)
	onDisconnecting []func(DisconnectReason)
	onDisconnect    []func(DisconnectReason)

	data any // SetData's value (under Socket.mu)

	acks       map[int64]*pendingAck // by ack id
	legacyArgs [][]byte
	legacyBuf  []byte
}

// loopExt returns s.ext, allocating it, for the fields only the socket's
// loop touches. On the loop.
func (s *Socket) loopExt() *socketExt {
	s.mu.Lock()
	x := s.extLocked()
	s.mu.Unlock()
	return x
}

// extLocked returns s.ext, allocating it; s.mu is held or s is not shared.
func (s *Socket) extLocked() *socketExt {
	if s.ext == nil {
		s.ext = &socketExt{}
	}
	return s.ext
}

func newSocket(ns *Namespace, c *client, restored *persistedSession) *Socket {
	s := &Socket{ns: ns, client: c}
	s.rooms.Bind(s.member())
	switch {
	case restored != nil:
		s.id = restored.sid
		s.originForInit().pid, s.origin.recovered = restored.pid, true
		ns.local.Join(&s.rooms, restored.rooms...)
		if restored.data != nil {
			s.extLocked().data = restored.data
		}
	case c.Protocol() >= 5:
		s.id = engineio.NewSID()
		if ns.recovery != nil {
			s.originForInit().pid = engineio.NewSID()
		}
	case ns.name == "/":
		s.id = c.Sess.ID()
	default:
		s.id = ns.name + "#" + c.Sess.ID()
	}
	if ns.srv.workers != nil {
		s.worker = int32(ns.srv.workers.Pick())
	}
	return s
}

// ID is the socket's id (the "sid" of its CONNECT answer); it is also the
// name of a room that holds only this socket.
func (s *Socket) ID() string { return s.id }

// Namespace is the namespace the socket is connected to.
func (s *Socket) Namespace() *Namespace { return s.ns }

// Request describes the connection: headers, query, remote address, auth.
// It is built on first use from the session's handshake, so that sockets
// whose handlers never look cost no header maps.
func (s *Socket) Request() *Request {
	if r := s.req.Load(); r != nil {
		return r
	}
	var r *Request
	if leg := s.legacy(); leg != nil {
		r = newLegacyRequest(leg)
	} else {
		var auth []byte
		if s.origin != nil {
			auth = s.origin.auth
		}
		r = newRequest(s.client.Sess, auth)
	}
	if s.req.CompareAndSwap(nil, r) {
		return r
	}
	return s.req.Load()
}

// Transport is the session's current transport: "polling" or "websocket".
func (s *Socket) Transport() string {
	if leg := s.legacy(); leg != nil {
		return leg.Transport()
	}
	return s.client.Sess.TransportName()
}

// post runs fn on the socket's loop.
func (s *Socket) post(fn func()) {
	if leg := s.legacy(); leg != nil {
		leg.Post(fn)
		return
	}
	s.client.Sess.Post(fn)
}

// loop is the index of the socket's event loop.
func (s *Socket) loop() int {
	if leg := s.legacy(); leg != nil {
		return leg.Loop()
	}
	return s.client.Sess.Loop()
}

// Connected reports whether the socket is still connected.
func (s *Socket) Connected() bool { return !s.gone.Load() }

// Recovered reports whether the socket was restored by connection state
// recovery: same id and rooms as before, missed packets delivered.
func (s *Socket) Recovered() bool { return s.origin != nil && s.origin.recovered }

// On registers fn for the event. fn's parameters receive the event's
// arguments decoded from JSON ([]byte parameters receive binary
// attachments); a final Ack parameter answers the client's acknowledgement.
// func(Args, Ack) receives the raw arguments. On panics if fn is not a
// function, as http.HandleFunc does with a nil handler.
//
// An event has one handler: On replaces the one registered before for the
// same event, by On or Once.
func (s *Socket) On(event string, fn any) { s.addHandler(event, fn, false) }

// Once registers fn for the next occurrence of the event only, as On does;
// the handler is removed when that event arrives, before fn runs.
func (s *Socket) Once(event string, fn any) { s.addHandler(event, fn, true) }

func (s *Socket) addHandler(event string, fn any, once bool) {
	cb, err := newCallback(fn)
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.handlers {
		if s.handlers[i].event == event {
			s.handlers[i].cb, s.handlers[i].once = cb, once
			return
		}
	}
	if s.handlers == nil {
		// Most sockets register a couple of handlers: one allocation.
		s.handlers = make([]handlerEntry, 0, 2)
	}
	s.handlers = append(s.handlers, handlerEntry{event: event, cb: cb, once: once})
}

// Off removes the handler of the event registered with On or Once (an
// event has at most one). Events that arrive after Off returns do not run
// it; OnAny listeners are not affected.
func (s *Socket) Off(event string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.handlers {
		if s.handlers[i].event == event {
			s.removeHandlerLocked(i)
			return
		}
	}
}

// removeHandlerLocked removes handler i, keeping the others' order. s.mu
// is held.
func (s *Socket) removeHandlerLocked(i int) {
	s.handlers = append(s.handlers[:i], s.handlers[i+1:]...)
}

// OffAny removes every listener registered with OnAny. (Go funcs cannot be
// compared, so there is no removing one of them, as Node's offAny(fn)
// does.)
func (s *Socket) OffAny() {
	s.mu.Lock()
	if s.ext != nil {
		s.ext.onAny = nil
	}
	s.mu.Unlock()
}

// OffAnyOutgoing removes every listener registered with OnAnyOutgoing.
func (s *Socket) OffAnyOutgoing() {
	s.mu.Lock()
	if s.ext != nil {
		s.ext.onAnyOutgoing = nil
	}
	s.mu.Unlock()
}

// OnAny registers fn to run for every incoming event, before its handler.
func (s *Socket) OnAny(fn func(event string, args Args)) {
	s.mu.Lock()
	x := s.extLocked()
	x.onAny = append(x.onAny, fn)
	s.mu.Unlock()
}

// OnAnyOutgoing registers fn to run for every event sent to the socket,
// its own emits and broadcasts alike.
func (s *Socket) OnAnyOutgoing(fn func(event string, args Args)) {
	s.mu.Lock()
	x := s.extLocked()
	x.onAnyOutgoing = append(x.onAnyOutgoing, fn)
	s.mu.Unlock()
	s.ns.local.WatchOutgoing(&s.rooms)
}

// OnDisconnecting registers fn to run when the socket is disconnecting,
// while Rooms still lists its rooms.
func (s *Socket) OnDisconnecting(fn func(reason DisconnectReason)) {
	s.mu.Lock()
	x := s.extLocked()
	x.onDisconnecting = append(x.onDisconnecting, fn)
	s.mu.Unlock()
}

// OnDisconnect registers fn to run once when the socket has disconnected.
func (s *Socket) OnDisconnect(fn func(reason DisconnectReason)) {
	s.mu.Lock()
	x := s.extLocked()
	x.onDisconnect = append(x.onDisconnect, fn)
	s.mu.Unlock()
}

// findHandler returns the On handler registered for name (ev is its
// registered name, "" and an invalid cb when there is none), removing it
// if it was registered by Once, and the OnAny listeners. name may be the
// event's bytes straight from the packet: the comparison converts nothing.
func findHandler[S string | []byte](s *Socket, name S) (ev string, cb callback, anys []func(string, Args)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.handlers {
		if s.handlers[i].event == string(name) {
			ev, cb = s.handlers[i].event, s.handlers[i].cb
			if s.handlers[i].once {
				s.removeHandlerLocked(i)
			}
			break
		}
	}
	if s.ext != nil {
		anys = s.ext.onAny
	}
	return ev, cb, anys
}

// Disconnect disconnects the socket from its namespace: the client is told
// ("io server disconnect") and the handlers see
// ReasonServerNamespaceDisconnect.
func (s *Socket) Disconnect() error { return s.disconnect(false) }

// DisconnectAll disconnects the socket and closes its whole Engine.IO
// session, with every namespace of it.
func (s *Socket) DisconnectAll() error { return s.disconnect(true) }

func (s *Socket) disconnect(close bool) error {
	if s.gone.Load() {
		return ErrDisconnected
	}
	s.post(func() { s.disconnectOnLoop(close) })
	return nil
}

func (s *Socket) disconnectOnLoop(close bool) {
	if leg := s.legacy(); leg != nil {
		if s.attached() {
			leg.Close()
			s.close(ReasonServerNamespaceDisconnect)
		}
		return
	}
	c := s.client
	if close {
		for _, other := range c.Sockets() {
			other.disconnectOnLoop(false)
		}
		c.Sess.Close(transports.ReasonForcedClose)
		return
	}
	if !s.attached() {
		return
	}
	if pkt, err := s.ns.srv.opts.parser().AppendPacket(nil, socketio.Packet{Type: socketio.Disconnect, Namespace: []byte(s.ns.name), ID: -1}, nil); err == nil {
		s.writePacket(pkt, nil)
	}
	s.close(ReasonServerNamespaceDisconnect)
}

// close ends the socket with reason. On the loop.
func (s *Socket) close(reason DisconnectReason) {
	if !s.attached() {
		return
	}
	s.gone.Store(true)
	s.ns.srv.countDisconnect(s.loop(), reason)
	s.failDirectAcks()
	s.ns.detach(s)
	if rs := s.ns.recovery; rs != nil && recoverable(reason) && s.pid() != "" {
		if s.ns.sessions != nil {
			s.ns.persistInAdapter(s)
		} else {
			rs.persist(s)
		}
	}
	_, h, _ := s.ns.hooks()
	s.mu.Lock()
	var before, after []func(DisconnectReason)
	if s.ext != nil {
		before, after = s.ext.onDisconnecting, s.ext.onDisconnect
	}
	s.mu.Unlock()
	s.ns.srv.run(s, func() {
		for _, fn := range before {
			fn(reason)
		}
		s.rooms.Close()
		for _, fn := range after {
			fn(reason)
		}
		if h != nil {
			h.OnClose(s, reason)
		}
	}, nil)
}
