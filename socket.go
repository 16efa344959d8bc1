package tornadio

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

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
	client *client      // the modern road's session state; nil on the legacy road
	fixed  *socketFixed // what some sockets carry from the start; nil for most
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

	acks map[int64]*pendingAck // on the session's loop only
}

// attached reports whether the socket is connected to its namespace: in
// its rooms, receiving broadcasts. On the loop.
func (s *Socket) attached() bool { return s.rooms.Attached() }

// handlerEntry is one On registration.
type handlerEntry struct {
	event string
	cb    callback
}

// socketFixed is what some sockets carry from their creation: set before
// the socket is shared and never changed after, so read without a lock.
type socketFixed struct {
	pid       string     // private session id, for connection state recovery
	auth      []byte     // the CONNECT auth payload (a copy), for Request
	leg       legacyWire // the legacy (0.6) session; nil on the modern road
	recovered bool       // restored by connection state recovery
}

// fix returns s.fixed, allocating it. Only before s is shared.
func (s *Socket) fix() *socketFixed {
	if s.fixed == nil {
		s.fixed = &socketFixed{}
	}
	return s.fixed
}

// legacy is the legacy (0.6) session, or nil on the modern road.
func (s *Socket) legacy() legacyWire {
	if s.fixed == nil {
		return nil
	}
	return s.fixed.leg
}

// pid is the private session id of connection state recovery, or "".
func (s *Socket) pid() string {
	if s.fixed == nil {
		return ""
	}
	return s.fixed.pid
}

// socketExt holds what few sockets use, so that the common socket stays
// small: the listener lists (under Socket.mu) and the legacy road's
// encoding scratch (loop only).
type socketExt struct {
	onAny           []func(event string, args Args)
	onAnyOutgoing   []func(event string, args Args)
	onDisconnecting []func(DisconnectReason)
	onDisconnect    []func(DisconnectReason)

	legacyArgs [][]byte
	legacyBuf  []byte
}

// extLocked returns s.ext, allocating it; s.mu is held or s is not shared.
func (s *Socket) extLocked() *socketExt {
	if s.ext == nil {
		s.ext = &socketExt{}
	}
	return s.ext
}

// pendingAck waits for the client's answer to one emit.
type pendingAck struct {
	cb    callback
	timer *transports.Timer
	bcast func(args, atts [][]byte)
}

func newSocket(ns *Namespace, c *client, restored *persistedSession) *Socket {
	s := &Socket{ns: ns, client: c}
	s.rooms.Bind(s.member())
	switch {
	case restored != nil:
		s.id = restored.sid
		s.fix().pid, s.fixed.recovered = restored.pid, true
		ns.local.Join(&s.rooms, restored.rooms...)
	case c.sio >= 5:
		s.id = engineio.NewSID()
		if ns.recovery != nil {
			s.fix().pid = engineio.NewSID()
		}
	case ns.name == "/":
		s.id = c.sess.ID()
	default:
		s.id = ns.name + "#" + c.sess.ID()
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
		if s.fixed != nil {
			auth = s.fixed.auth
		}
		r = newRequest(s.client.sess, auth)
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
	return s.client.sess.TransportName()
}

// post runs fn on the socket's loop.
func (s *Socket) post(fn func()) {
	if leg := s.legacy(); leg != nil {
		leg.Post(fn)
		return
	}
	s.client.sess.Post(fn)
}

// loop is the index of the socket's event loop.
func (s *Socket) loop() int {
	if leg := s.legacy(); leg != nil {
		return leg.Loop()
	}
	return s.client.sess.Loop()
}

// Connected reports whether the socket is still connected.
func (s *Socket) Connected() bool { return !s.gone.Load() }

// Recovered reports whether the socket was restored by connection state
// recovery: same id and rooms as before, missed packets delivered.
func (s *Socket) Recovered() bool { return s.fixed != nil && s.fixed.recovered }

// On registers fn for the event. fn's parameters receive the event's
// arguments decoded from JSON ([]byte parameters receive binary
// attachments); a final Ack parameter answers the client's acknowledgement.
// func(Args, Ack) receives the raw arguments. On panics if fn is not a
// function, as http.HandleFunc does with a nil handler.
func (s *Socket) On(event string, fn any) {
	cb, err := newCallback(fn)
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.handlers {
		if s.handlers[i].event == event {
			s.handlers[i].cb = cb
			return
		}
	}
	if s.handlers == nil {
		// Most sockets register a couple of handlers: one allocation.
		s.handlers = make([]handlerEntry, 0, 2)
	}
	s.handlers = append(s.handlers, handlerEntry{event: event, cb: cb})
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
// registered name, "" and an invalid cb when there is none) and the OnAny
// listeners. name may be the event's bytes straight from the packet: the
// comparison converts nothing.
func findHandler[S string | []byte](s *Socket, name S) (ev string, cb callback, anys []func(string, Args)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.handlers {
		if s.handlers[i].event == string(name) {
			ev, cb = s.handlers[i].event, s.handlers[i].cb
			break
		}
	}
	if s.ext != nil {
		anys = s.ext.onAny
	}
	return ev, cb, anys
}

// Join adds the socket to rooms. Rooms shows them at once; broadcasts see
// them in order with everything else posted to the socket's loop.
func (s *Socket) Join(rooms ...string) {
	s.changeRooms(rooms, true)
}

// Leave removes the socket from room.
func (s *Socket) Leave(room string) {
	s.changeRooms([]string{room}, false)
}

// changeRooms makes the socket join or leave rooms now; its loop brings
// its index in line after.
func (s *Socket) changeRooms(rooms []string, join bool) {
	if s.gone.Load() {
		return
	}
	if join {
		s.ns.local.Join(&s.rooms, rooms...)
	} else {
		s.ns.local.Leave(&s.rooms, rooms...)
	}
}

// Rooms lists the rooms the socket is in, its own id included; nothing
// once it has disconnected.
func (s *Socket) Rooms() []string { return s.rooms.Rooms() }

// To starts a broadcast to rooms that leaves this socket out.
func (s *Socket) To(rooms ...string) *BroadcastOperator {
	return s.ns.broadcast().To(rooms...).Except(s.id)
}

// In is To.
func (s *Socket) In(rooms ...string) *BroadcastOperator { return s.To(rooms...) }

// Except starts a broadcast to every socket of the namespace but this one
// and the members of rooms.
func (s *Socket) Except(rooms ...string) *BroadcastOperator {
	return s.ns.broadcast().Except(s.id).Except(rooms...)
}

// Broadcast starts a broadcast to every other socket of the namespace.
func (s *Socket) Broadcast() *BroadcastOperator { return s.ns.broadcast().Except(s.id) }

// Timeout returns an emitter whose ack callbacks get ErrAckTimeout if the
// client has not answered within d; their first parameter must be error.
func (s *Socket) Timeout(d time.Duration) *Emitter { return &Emitter{s: s, timeout: d} }

// Volatile returns an emitter that drops the packet when the transport
// cannot take it right now.
func (s *Socket) Volatile() *Emitter { return &Emitter{s: s, volatile: true} }

// Compress returns an emitter with the compress flag set.
func (s *Socket) Compress(on bool) *Emitter { return &Emitter{s: s, compress: on} }

// Emit sends an event to the client. []byte arguments travel as binary
// attachments. When the last argument is a function, it is an ack callback:
// the client's answer is decoded into its parameters, as for On.
func (s *Socket) Emit(event string, args ...any) error { return (&Emitter{s: s}).Emit(event, args...) }

// Send emits a "message" event with v, the seed's send.
func (s *Socket) Send(v any) error { return s.Emit("message", v) }

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
		for _, other := range c.socketList() {
			other.disconnectOnLoop(false)
		}
		c.sess.Close(transports.ReasonForcedClose)
		return
	}
	if !s.attached() {
		return
	}
	s.writePacket(socketio.AppendPacket(nil, socketio.Packet{Type: socketio.Disconnect, Namespace: []byte(s.ns.name), ID: -1}), nil)
	s.close(ReasonServerNamespaceDisconnect)
}

// deliver writes a packet made for this socket alone (an emit), unless it
// is volatile and the transport is busy. On the loop; it reports whether it
// wrote. Broadcasts are written by the namespace's adapter.
func (s *Socket) deliver(m *adapter.Message) bool {
	if !s.attached() {
		return false
	}
	t := s.member().Target()
	if !t.Ready(m) {
		return false
	}
	if s.rooms.WatchesOutgoing() && t.Session != nil {
		s.notifyOutgoing(m.Event, m.Args, m.Attachments)
	}
	t.Write(m)
	return true
}

func (s *Socket) notifyOutgoing(event string, raw, atts [][]byte) {
	s.mu.Lock()
	var fns []func(string, Args)
	if s.ext != nil {
		fns = s.ext.onAnyOutgoing
	}
	s.mu.Unlock()
	args := Args{raw: raw, attachments: atts}
	s.ns.srv.run(s, func() {
		for _, fn := range fns {
			fn(event, args)
		}
	}, nil)
}

// writePacket sends an encoded packet and its attachments. On the loop.
func (s *Socket) writePacket(pkt []byte, atts [][]byte) {
	sess := s.client.sess
	sess.Send(pkt, false)
	for _, a := range atts {
		sess.Send(a, true)
	}
}

func (s *Socket) addAck(id int64, pa *pendingAck) {
	if s.acks == nil {
		s.acks = make(map[int64]*pendingAck)
	}
	s.acks[id] = pa
}

// close ends the socket with reason. On the loop.
func (s *Socket) close(reason DisconnectReason) {
	if !s.attached() {
		return
	}
	s.gone.Store(true)
	s.ns.detach(s)
	if rs := s.ns.recovery; rs != nil && recoverable(reason) && s.pid() != "" {
		rs.persist(s)
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

// onEvent dispatches an EVENT packet. On the loop; the packet's bytes and
// atts are valid during the call.
func (s *Socket) onEvent(p socketio.Packet, atts, elems [][]byte, split bool) {
	c := s.client
	sc := s.ns.srv.scratch(c.sess.Loop())
	if !split {
		var err error
		if elems, err = socketio.SplitArray(p.Data, sc.args[:0]); err != nil {
			c.sess.Close(transports.ReasonParseError)
			return
		}
		sc.args = elems
	}
	if len(elems) == 0 {
		c.sess.Close(transports.ReasonParseError)
		return
	}
	nameB, name, err := socketio.EventNameBytes(elems[0], sc.name)
	sc.name = name
	if err != nil {
		c.sess.Close(transports.ReasonParseError)
		return
	}
	// The handler is found by the name's bytes; a string is made only for
	// what needs one and has none registered (OnAny, "message").
	ev, cb, anys := findHandler(s, nameB)
	_, h, _ := s.ns.hooks()
	isMessage := h != nil && string(nameB) == "message"
	if !cb.valid() && !isMessage && len(anys) == 0 {
		return
	}
	if ev == "" {
		ev = string(nameB)
	}
	args := Args{raw: elems[1:], attachments: atts}
	srv := s.ns.srv
	if srv.workers != nil {
		args = args.clone()
		var ack Ack
		if p.ID >= 0 {
			st := &ackState{s: s, id: p.ID}
			st.phase.Store(ackReturned) // answers are posted to the loop
			ack = st.ack
		}
		srv.run(s, func() { s.fireNow(ev, args, ack, cb, anys, isMessage, h) }, nil)
		return
	}
	if p.ID < 0 {
		s.fireNow(ev, args, nil, cb, anys, isMessage, h)
		return
	}
	// On the loop: an ack answered before the handler returns is written
	// right after it, from the loop's scratch, with nothing posted.
	st := &ackState{s: s, id: p.ID}
	s.fireNow(ev, args, st.ack, cb, anys, isMessage, h)
	if !st.phase.CompareAndSwap(ackInCall, ackReturned) {
		s.writeAck(st.id, st.args)
	}
}

// fire runs the handlers of an incoming event: OnAny listeners, the On
// handler, and for "message" the Handler's OnMessage. On the loop.
func (s *Socket) fire(name string, args Args, ack Ack) {
	_, cb, anys := findHandler(s, name)
	_, h, _ := s.ns.hooks()
	isMessage := name == "message" && h != nil
	if !cb.valid() && !isMessage && len(anys) == 0 {
		return
	}
	s.ns.srv.run(s, func() { s.fireNow(name, args, ack, cb, anys, isMessage, h) }, nil)
}

// fireNow calls the listeners of one event, where the caller runs them.
func (s *Socket) fireNow(name string, args Args, ack Ack, cb callback, anys []func(string, Args), isMessage bool, h Handler) {
	srv := s.ns.srv
	for _, fn := range anys {
		fn(name, args)
	}
	if cb.valid() {
		if err := cb.call(args, ack); err != nil {
			srv.opts.Logger.Warn("tornadio: event handler", "event", name, "err", err)
		}
	}
	if isMessage {
		vals, err := args.Values()
		if err != nil {
			srv.opts.Logger.Warn("tornadio: message", "err", err)
			return
		}
		m := Message{Args: vals}
		if len(vals) > 0 {
			m.Data = vals[0]
		}
		h.OnMessage(s, m)
	}
}

// ackState answers one client ack id, once.
type ackState struct {
	s       *Socket
	id      int64
	claimed atomic.Bool  // the Ack was called
	phase   atomic.Int32 // ackInCall, ackStashed or ackReturned
	args    []any        // the answer, when stashed
}

const (
	ackInCall   = iota // the handler runs on the loop: an answer is stashed
	ackStashed         // answered during the handler: the loop writes it after
	ackReturned        // an answer is encoded and posted to the loop
)

// ack is the Ack handed to the handler. Safe from any goroutine.
func (st *ackState) ack(args ...any) {
	if !st.claimed.CompareAndSwap(false, true) {
		return
	}
	st.args = args
	if st.phase.CompareAndSwap(ackInCall, ackStashed) {
		return
	}
	s := st.s
	pkt, atts, ok := s.encodeAck(st.id, args)
	if !ok {
		return
	}
	s.post(func() {
		if s.attached() {
			s.writePacket(pkt, atts)
		}
	})
}

// encodeAck encodes the answer to ack id into a packet of its own, with its
// binary attachments; a value that cannot be encoded is logged (ok false).
func (s *Socket) encodeAck(id int64, args []any) (pkt []byte, atts [][]byte, ok bool) {
	raw, atts, err := encodeArgs(args)
	if err != nil {
		s.ns.srv.opts.Logger.Warn("tornadio: ack", "err", err)
		return nil, nil, false
	}
	return socketio.AppendAck(nil, s.ns.name, id, len(atts), raw...), atts, true
}

// writeAck writes the answer to ack id now. On the loop. Plain arguments
// (raw JSON, strings) are encoded into the loop's scratch; others go
// through encodeArgs.
func (s *Socket) writeAck(id int64, args []any) {
	if !s.attached() {
		return
	}
	sc := s.ns.srv.scratch(s.loop())
	b := socketio.AppendAckOpen(sc.buf[:0], s.ns.name, id)
	for i, v := range args {
		if i > 0 {
			b = append(b, ',')
		}
		switch x := v.(type) {
		case json.RawMessage:
			b = append(b, x...)
			continue
		case string:
			b = socketio.AppendJSONString(b, x)
			continue
		}
		sc.buf = b
		if pkt, atts, ok := s.encodeAck(id, args); ok {
			s.writePacket(pkt, atts)
		}
		return
	}
	b = append(b, ']')
	s.writePacket(b, nil)
	sc.buf = b
}

// onAck runs what waits for an ACK packet. On the loop.
func (s *Socket) onAck(p socketio.Packet, atts, elems [][]byte, split bool) {
	pa := s.acks[p.ID]
	if pa == nil {
		return
	}
	delete(s.acks, p.ID)
	if pa.timer != nil {
		pa.timer.Stop()
	}
	if !split {
		c := s.client
		sc := s.ns.srv.scratch(c.sess.Loop())
		var err error
		if elems, err = socketio.SplitArray(p.Data, sc.args[:0]); err != nil {
			c.sess.Close(transports.ReasonParseError)
			return
		}
		sc.args = elems
	}
	if pa.bcast != nil {
		pa.bcast(elems, atts)
		return
	}
	args := Args{raw: elems, attachments: atts}
	if s.ns.srv.workers != nil {
		args = args.clone()
	}
	s.ns.srv.run(s, func() {
		if err := pa.cb.call(args, nil); err != nil {
			s.ns.srv.opts.Logger.Warn("tornadio: ack callback", "err", err)
		}
	}, nil)
}

// clone copies the argument bytes, for use after the loop's call returns.
func (a Args) clone() Args {
	out := Args{raw: make([][]byte, len(a.raw)), attachments: make([][]byte, len(a.attachments))}
	for i, r := range a.raw {
		out.raw[i] = append([]byte(nil), r...)
	}
	for i, r := range a.attachments {
		out.attachments[i] = append([]byte(nil), r...)
	}
	return out
}

func checkEvent(event string) error {
	if socketio.IsReservedEvent(event) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	return nil
}
