package tornadio

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/socketio"
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
// Threading: the callbacks registered with On and OnDisconnect run on the
// socket's event loop (or its worker, with WithWorkers), one at a time. Emit,
// Send, Disconnect, ID, Request and Transport are safe from any goroutine;
// On and OnDisconnect too, though registering inside OnConnection is the
// only way to be sure no event is missed.
type Socket struct {
	id     string
	ns     *Namespace
	client *client
	req    *Request
	worker int

	mu           sync.Mutex
	handlers     map[string]*callback
	onDisconnect []func(DisconnectReason)

	nextAck atomic.Int64
	gone    atomic.Bool

	// On the session's loop only.
	connected bool
	acks      map[int64]*callback
}

func newSocket(ns *Namespace, c *client) *Socket {
	s := &Socket{ns: ns, client: c}
	if c.sio >= 5 {
		s.id = engineio.NewSID()
	} else if ns.name == "/" {
		s.id = c.sess.ID()
	} else {
		s.id = ns.name + "#" + c.sess.ID()
	}
	if ns.srv.workers != nil {
		s.worker = ns.srv.workers.pick()
	}
	return s
}

// ID is the socket's id (the "sid" of its CONNECT answer).
func (s *Socket) ID() string { return s.id }

// Namespace is the namespace the socket is connected to.
func (s *Socket) Namespace() *Namespace { return s.ns }

// Request describes the connection: headers, query, remote address, auth.
func (s *Socket) Request() *Request { return s.req }

// Transport is the session's current transport: "polling" or "websocket".
func (s *Socket) Transport() string { return s.client.sess.TransportName() }

// Connected reports whether the socket is still connected.
func (s *Socket) Connected() bool { return !s.gone.Load() }

// On registers fn for the event. fn's parameters receive the event's
// arguments decoded from JSON ([]byte parameters receive binary
// attachments); a final Ack parameter answers the client's acknowledgement.
// func(Args, Ack) receives the raw arguments. On panics if fn is not a
// function, like http.HandleFunc with a nil handler.
func (s *Socket) On(event string, fn any) {
	cb, err := newCallback(fn)
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	if s.handlers == nil {
		s.handlers = make(map[string]*callback)
	}
	s.handlers[event] = cb
	s.mu.Unlock()
}

// OnDisconnect registers fn to run once when the socket disconnects.
func (s *Socket) OnDisconnect(fn func(reason DisconnectReason)) {
	s.mu.Lock()
	s.onDisconnect = append(s.onDisconnect, fn)
	s.mu.Unlock()
}

func (s *Socket) handler(event string) *callback {
	s.mu.Lock()
	cb := s.handlers[event]
	s.mu.Unlock()
	return cb
}

// Emit sends an event to the client. []byte arguments travel as binary
// attachments. When the last argument is a function, it is an ack callback:
// the client's answer is decoded into its parameters, as for On.
func (s *Socket) Emit(event string, args ...any) error {
	if err := checkEvent(event); err != nil {
		return err
	}
	if s.gone.Load() {
		return ErrDisconnected
	}
	var cb *callback
	if n := len(args); n > 0 && args[n-1] != nil && reflect.TypeOf(args[n-1]).Kind() == reflect.Func {
		var err error
		if cb, err = newCallback(args[n-1]); err != nil {
			return err
		}
		args = args[:n-1]
	}
	raw, atts, err := encodeArgs(args)
	if err != nil {
		return err
	}
	id := int64(-1)
	if cb != nil {
		id = s.nextAck.Add(1) - 1
	}
	pkt := socketio.AppendEvent(nil, s.ns.name, id, len(atts), event, raw...)
	s.client.sess.Post(func() {
		if !s.connected {
			return
		}
		if cb != nil {
			if s.acks == nil {
				s.acks = make(map[int64]*callback)
			}
			s.acks[id] = cb
		}
		s.writePacket(pkt, atts)
	})
	return nil
}

// Send emits a "message" event with v, the seed's send.
func (s *Socket) Send(v any) error { return s.Emit("message", v) }

// Disconnect disconnects the socket from its namespace: the client is told
// ("io server disconnect") and the handlers see
// ReasonServerNamespaceDisconnect.
func (s *Socket) Disconnect() error {
	if s.gone.Load() {
		return ErrDisconnected
	}
	s.client.sess.Post(func() {
		if !s.connected {
			return
		}
		s.writePacket(socketio.AppendPacket(nil, socketio.Packet{Type: socketio.Disconnect, Namespace: []byte(s.ns.name), ID: -1}), nil)
		s.close(ReasonServerNamespaceDisconnect)
	})
	return nil
}

// writePacket sends an encoded packet and its attachments. On the loop.
func (s *Socket) writePacket(pkt []byte, atts [][]byte) {
	sess := s.client.sess
	sess.Send(pkt, false)
	for _, a := range atts {
		sess.Send(a, true)
	}
}

// close ends the socket with reason. On the loop.
func (s *Socket) close(reason DisconnectReason) {
	if !s.connected {
		return
	}
	s.connected = false
	s.gone.Store(true)
	c := s.client
	delete(c.sockets, s.ns.name)
	delete(s.ns.loops[c.sess.Loop()], s)
	s.acks = nil
	_, h := s.ns.hooks()
	s.mu.Lock()
	fns := s.onDisconnect
	s.mu.Unlock()
	s.ns.srv.run(s, func() {
		for _, fn := range fns {
			fn(reason)
		}
		if h != nil {
			h.OnClose(s, reason)
		}
	}, nil)
}

// onEvent dispatches an EVENT packet. On the loop; raw and atts are views
// valid during the call.
func (s *Socket) onEvent(p socketio.Packet, atts [][]byte) {
	c := s.client
	var err error
	c.args, err = socketio.SplitArray(p.Data, c.args[:0])
	if err != nil || len(c.args) == 0 {
		c.sess.Close(transportsParseError)
		return
	}
	name, err := socketio.EventName(c.args[0])
	if err != nil {
		c.sess.Close(transportsParseError)
		return
	}
	cb := s.handler(name)
	_, h := s.ns.hooks()
	isMessage := name == "message" && h != nil
	if cb == nil && !isMessage {
		return
	}
	args := Args{raw: c.args[1:], attachments: atts}
	if s.ns.srv.workers != nil {
		args = args.clone()
	}
	var ack Ack
	if p.ID >= 0 {
		ack = s.ackFunc(p.ID)
	}
	s.ns.srv.run(s, func() {
		if cb != nil {
			if err := cb.call(args, ack); err != nil {
				s.ns.srv.opts.Logger.Warn("tornadio: event handler", "event", name, "err", err)
			}
		}
		if isMessage {
			vals, err := args.Values()
			if err != nil {
				s.ns.srv.opts.Logger.Warn("tornadio: message", "err", err)
				return
			}
			m := Message{Args: vals}
			if len(vals) > 0 {
				m.Data = vals[0]
			}
			h.OnMessage(s, m)
		}
	}, nil)
}

// ackFunc returns the Ack that answers the client's ack id.
func (s *Socket) ackFunc(id int64) Ack {
	var once atomic.Bool
	return func(args ...any) {
		if !once.CompareAndSwap(false, true) {
			return
		}
		raw, atts, err := encodeArgs(args)
		if err != nil {
			s.ns.srv.opts.Logger.Warn("tornadio: ack", "err", err)
			return
		}
		pkt := socketio.AppendAck(nil, s.ns.name, id, len(atts), raw...)
		s.client.sess.Post(func() {
			if s.connected {
				s.writePacket(pkt, atts)
			}
		})
	}
}

// onAck runs the callback waiting for an ACK packet. On the loop.
func (s *Socket) onAck(p socketio.Packet, atts [][]byte) {
	cb := s.acks[p.ID]
	if cb == nil {
		return
	}
	delete(s.acks, p.ID)
	c := s.client
	var err error
	c.args, err = socketio.SplitArray(p.Data, c.args[:0])
	if err != nil {
		c.sess.Close(transportsParseError)
		return
	}
	args := Args{raw: c.args, attachments: atts}
	if s.ns.srv.workers != nil {
		args = args.clone()
	}
	s.ns.srv.run(s, func() {
		if err := cb.call(args, nil); err != nil {
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
