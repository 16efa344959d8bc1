package tornadio

import (
	"fmt"
	"reflect"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/socketio"
)

// Emitter emits to one socket with flags: Socket.Timeout, Volatile and
// Compress make one. Safe from any goroutine.
type Emitter struct {
	s        *Socket
	timeout  time.Duration
	volatile bool
	// noCompress: Compress(false), the packet goes uncompressed.
	noCompress bool
}

// Timeout sets how long an ack callback waits (see Socket.Timeout).
func (e *Emitter) Timeout(d time.Duration) *Emitter { c := *e; c.timeout = d; return &c }

// Volatile drops the packet when the transport cannot take it right now.
func (e *Emitter) Volatile() *Emitter { c := *e; c.volatile = true; return &c }

// Compress sets whether the packet may be compressed (permessage-deflate,
// when the client's websocket agreed to it and the packet reaches
// PerMessageDeflate.Threshold). It may by default, as in Node:
// Compress(false) sends it uncompressed.
func (e *Emitter) Compress(on bool) *Emitter { c := *e; c.noCompress = !on; return &c }

// Emit sends the event, as Socket.Emit does. With a Timeout, the ack
// callback's first parameter is an error: nil with the answer, or
// ErrAckTimeout (or ErrDisconnected) without one.
func (e *Emitter) Emit(event string, args ...any) error {
	s := e.s
	if err := checkEvent(event); err != nil {
		return err
	}
	if s.gone.Load() {
		return ErrDisconnected
	}
	if s.client == nil {
		return s.emitLegacy(event, args)
	}
	cb, args, err := e.ackCallback(args)
	if err != nil {
		return err
	}
	raw, atts, err := encodeArgs(args)
	if err != nil {
		return err
	}
	ns := s.ns
	if !cb.valid() && !e.volatile && ns.recovery != nil {
		s.emitRecorded(event, raw, atts, e.noCompress)
		return nil
	}
	id := int64(-1)
	if cb.valid() {
		id = ns.local.NextAckID()
	}
	out := &adapter.Message{
		Text:         socketio.AppendEvent(nil, ns.name, id, len(atts), event, raw...),
		Attachments:  atts,
		Event:        event,
		Args:         raw,
		Volatile:     e.volatile,
		Uncompressed: e.noCompress,
	}
	timeout := e.timeout
	s.post(func() { s.sendAwaitingAck(out, id, cb, timeout) })
	return nil
}

// ackCallback takes a final func argument off args: the callback of the
// client's acknowledgement, checked against the emitter's timeout (with
// one, its first parameter must be error).
func (e *Emitter) ackCallback(args []any) (callback, []any, error) {
	n := len(args)
	if n == 0 || args[n-1] == nil || reflect.TypeOf(args[n-1]).Kind() != reflect.Func {
		return callback{}, args, nil
	}
	cb, err := newCallback(args[n-1])
	if err != nil {
		return callback{}, nil, err
	}
	if e.timeout > 0 && !cb.wantsErr() {
		return callback{}, nil, errTimeoutCallback
	}
	return cb, args[:n-1], nil
}

// emitRecorded sends a plain emit with connection state recovery on: it is
// recorded like a broadcast to the socket's own room, so that it carries an
// offset and can be replayed (as in Node), and written by the socket's loop
// only.
func (s *Socket) emitRecorded(event string, raw, atts [][]byte, noCompress bool) {
	ns := s.ns
	p := &adapter.Packet{Nsp: ns.name, Event: event, Args: raw, Attachments: atts}
	out := ns.local.Encode(p, &adapter.Options{Rooms: []string{s.id}, Flags: adapter.Flags{NoCompress: noCompress}})
	s.post(func() { s.deliver(out) })
}

// sendAwaitingAck writes out and, when cb is valid, waits for the client's
// answer to ack id, for timeout when it is positive; a socket that is gone
// calls cb with ErrDisconnected. On the socket's loop.
func (s *Socket) sendAwaitingAck(out *adapter.Message, id int64, cb callback, timeout time.Duration) {
	if !s.deliver(out) {
		if cb.valid() {
			s.ns.srv.run(s, func() { cb.callErr(ErrDisconnected) }, nil)
		}
		return
	}
	if !cb.valid() {
		return
	}
	pa := &pendingAck{cb: cb}
	if timeout > 0 {
		pa.timer = s.ns.srv.tp.AfterFunc(s.loop(), timeout, func() {
			if s.waitingAck(id) != pa {
				return
			}
			s.dropAck(id)
			s.ns.srv.run(s, func() { cb.callErr(ErrAckTimeout) }, nil)
		})
	}
	s.addAck(id, pa)
}

// Timeout returns an emitter whose ack callbacks get ErrAckTimeout if the
// client has not answered within d; their first parameter must be error.
func (s *Socket) Timeout(d time.Duration) *Emitter { return &Emitter{s: s, timeout: d} }

// Volatile returns an emitter that drops the packet when the transport
// cannot take it right now.
func (s *Socket) Volatile() *Emitter { return &Emitter{s: s, volatile: true} }

// Compress returns an emitter with the compress flag set (see
// Emitter.Compress).
func (s *Socket) Compress(on bool) *Emitter { return &Emitter{s: s, noCompress: !on} }

// Emit sends an event to the client. []byte arguments travel as binary
// attachments. When the last argument is a function, it is an ack callback:
// the client's answer is decoded into its parameters, as for On.
func (s *Socket) Emit(event string, args ...any) error { return (&Emitter{s: s}).Emit(event, args...) }

// Send emits a "message" event with v, the seed's send.
func (s *Socket) Send(v any) error { return s.Emit("message", v) }

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
	sess := s.client.Sess
	sess.Send(pkt, false)
	for _, a := range atts {
		sess.Send(a, true)
	}
}

func checkEvent(event string) error {
	if socketio.IsReservedEvent(event) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	return nil
}
