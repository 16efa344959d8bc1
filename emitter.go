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
	_, err := e.emit(event, args, nil)
	return err
}

// emit sends the event. pa, when not nil, waits for the client's answer
// (EmitWithAck); else a final func among args is the ack callback. It
// returns the ack id (-1 without one).
func (e *Emitter) emit(event string, args []any, pa *pendingAck) (int64, error) {
	s := e.s
	if err := checkEvent(event); err != nil {
		return -1, err
	}
	if s.gone.Load() {
		return -1, ErrDisconnected
	}
	if s.client == nil {
		if pa != nil {
			return -1, ErrLegacyAck
		}
		return -1, s.emitLegacy(event, args)
	}
	if pa == nil {
		cb, rest, err := e.ackCallback(args)
		if err != nil {
			return -1, err
		}
		if cb.valid() {
			pa = &pendingAck{cb: cb}
		}
		args = rest
	}
	raw, atts, err := encodeArgs(args)
	if err != nil {
		return -1, err
	}
	ns := s.ns
	if pa == nil && !e.volatile && ns.recovery != nil {
		return -1, s.emitRecorded(event, raw, atts, e.noCompress)
	}
	id := int64(-1)
	if pa != nil {
		id = ns.local.NextAckID()
	}
	parser := ns.srv.opts.parser()
	enc, err := parser.AppendEvent(nil, ns.name, id, event, raw, atts)
	if err != nil {
		return -1, fmt.Errorf("tornadio: encode %q: %w", event, err)
	}
	out := &adapter.Message{
		Encoded:      enc,
		Binary:       parser.Binary(),
		Attachments:  atts,
		Event:        event,
		Args:         raw,
		Volatile:     e.volatile,
		Uncompressed: e.noCompress,
	}
	timeout := e.timeout
	s.post(func() { s.sendAwaitingAck(out, id, pa, timeout) })
	return id, nil
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
// only. An error is the parser's, refusing the arguments.
func (s *Socket) emitRecorded(event string, raw, atts [][]byte, noCompress bool) error {
	ns := s.ns
	p := &adapter.Packet{Nsp: ns.name, Event: event, Args: raw, Attachments: atts}
	out := ns.local.Encode(p, &adapter.Options{Rooms: []string{s.id}, Flags: adapter.Flags{NoCompress: noCompress}})
	if out.Failed() {
		// The parser refused the arguments: its error, for the caller.
		_, err := ns.srv.opts.parser().AppendEvent(nil, ns.name, -1, event, raw, atts)
		return fmt.Errorf("tornadio: encode %q: %w", event, err)
	}
	s.post(func() { s.deliver(out) })
	return nil
}

// sendAwaitingAck writes out and, when pa is not nil, makes it wait for the
// client's answer to ack id, for timeout when it is positive; a socket that
// is gone fails pa with ErrDisconnected. On the socket's loop.
func (s *Socket) sendAwaitingAck(out *adapter.Message, id int64, pa *pendingAck, timeout time.Duration) {
	if !s.deliver(out) {
		if pa != nil {
			pa.fail(s, ErrDisconnected)
		}
		return
	}
	if pa == nil {
		return
	}
	pa.event = out.Event
	if timeout > 0 {
		pa.timer = s.ns.srv.tp.AfterFunc(s.loop(), timeout, func() {
			if s.waitingAck(id) != pa {
				return
			}
			s.dropAck(id)
			s.count().ackTimeouts.Add(1)
			pa.fail(s, ErrAckTimeout)
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
// attachments, and an Args argument stands for the arguments it holds
// (see Args). When the last argument is a function, it is an ack callback:
// the client's answer is decoded into its parameters, as for On
// (func(Args) and, with a Timeout, func(error, Args) receive it raw).
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
		return s.notReady(m)
	}
	if s.rooms.WatchesOutgoing() && t.Session != nil {
		s.notifyOutgoing(m.Event, m.Args, m.Attachments)
	}
	t.Write(m)
	s.count().eventsOut.Add(1)
	return true
}

func (s *Socket) notifyOutgoing(event string, raw, atts [][]byte) {
	s.mu.Lock()
	var fns []func(string, Args)
	if s.ext != nil {
		fns = s.ext.onAnyOutgoing
	}
	s.mu.Unlock()
	if len(fns) == 0 {
		return // removed by OffAnyOutgoing
	}
	args := Args{raw: raw, attachments: atts}
	s.ns.srv.run(s, func() {
		for _, fn := range fns {
			fn(event, args)
		}
	}, nil)
}

// writePacket sends a packet the server's parser encoded and, when the
// parser writes them apart, its attachments. On the loop.
func (s *Socket) writePacket(pkt []byte, atts [][]byte) {
	sess := s.client.Sess
	if s.ns.srv.opts.parser().Binary() {
		sess.Send(pkt, true) // the attachments are inside
		return
	}
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
