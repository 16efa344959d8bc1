package tornadio

import (
	"encoding/json"
	"sync/atomic"

	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/transports"
)

// Incoming events and acknowledgements: an EVENT packet runs the
// handlers registered with On and OnAny (and the Handler's OnMessage), the
// client's answers to those that asked for one are written back, and an ACK
// packet runs what waits for the answer to an emit.

// pendingAck waits for the client's answer to one emit: for an ack
// callback (cb), an EmitWithAck (direct) or a broadcast's collector
// (bcast).
type pendingAck struct {
	cb     callback
	direct func(args Args, err error) // called on the loop, args its own
	event  string                     // the emitted event, for errors
	timer  *transports.Timer
	bcast  func(args, atts [][]byte)
}

// fail ends the wait without an answer: the callback gets err (on the
// loop, or the socket's worker), an EmitWithAck returns it. On the loop.
func (pa *pendingAck) fail(s *Socket, err error) {
	if pa.direct != nil {
		pa.direct(Args{}, err)
		return
	}
	s.ns.srv.run(s, func() { pa.cb.callErr(err) }, nil)
}

// addAck makes pa wait for the client's answer to ack id. On the loop.
func (s *Socket) addAck(id int64, pa *pendingAck) {
	x := s.loopExt()
	if x.acks == nil {
		x.acks = make(map[int64]*pendingAck)
	}
	x.acks[id] = pa
}

// waitingAck returns what waits for the answer to ack id, or nil. On the
// loop.
func (s *Socket) waitingAck(id int64) *pendingAck {
	s.mu.Lock()
	x := s.ext
	s.mu.Unlock()
	if x == nil {
		return nil
	}
	return x.acks[id]
}

// dropAck stops waiting for the answer to ack id. On the loop.
func (s *Socket) dropAck(id int64) {
	if x := s.loopExt(); x.acks != nil {
		delete(x.acks, id)
	}
}

// onEvent dispatches an EVENT packet. On the loop; the packet's bytes and
// atts are valid during the call.
func (s *Socket) onEvent(p socketio.Packet, atts, elems [][]byte, split bool) {
	c := s.client
	sc := s.ns.srv.scratch(c.Sess.Loop())
	if !split {
		var err error
		if elems, err = socketio.SplitArray(p.Data, sc.sio.Args[:0]); err != nil {
			c.Sess.Close(transports.ReasonParseError)
			return
		}
		sc.sio.Args = elems
	}
	if len(elems) == 0 {
		c.Sess.Close(transports.ReasonParseError)
		return
	}
	nameB, name, err := socketio.EventNameBytes(elems[0], sc.sio.Name)
	sc.sio.Name = name
	if err != nil {
		c.Sess.Close(transports.ReasonParseError)
		return
	}
	args := Args{raw: elems[1:], attachments: atts}
	srv := s.ns.srv
	if srv.workers != nil {
		// The handlers are looked up on the socket's worker, after the
		// OnConnection callbacks queued there before: an event sent as
		// soon as the CONNECT answer came finds what they register.
		ev := string(nameB)
		args = args.Clone()
		var ack Ack
		if p.ID >= 0 {
			st := &ackState{s: s, id: p.ID}
			st.phase.Store(ackReturned) // answers are posted to the loop
			ack = st.ack
		}
		srv.run(s, func() { s.lookUpAndFire(ev, args, ack) }, nil)
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
// handler, and for "message" the Handler's OnMessage. On the loop; with
// workers, the handlers are looked up and run on the socket's worker.
func (s *Socket) fire(name string, args Args, ack Ack) {
	if s.ns.srv.workers != nil {
		s.ns.srv.run(s, func() { s.lookUpAndFire(name, args, ack) }, nil)
		return
	}
	s.lookUpAndFire(name, args, ack)
}

// lookUpAndFire finds the listeners of an event and calls them, where the
// caller runs them.
func (s *Socket) lookUpAndFire(name string, args Args, ack Ack) {
	_, cb, anys := findHandler(s, name)
	_, h, _ := s.ns.hooks()
	isMessage := name == "message" && h != nil
	if !cb.valid() && !isMessage && len(anys) == 0 {
		return
	}
	s.fireNow(name, args, ack, cb, anys, isMessage, h)
}

// fireNow calls the listeners of one event, where the caller runs them.
func (s *Socket) fireNow(name string, args Args, ack Ack, cb callback, anys []func(string, Args), isMessage bool, h Handler) {
	srv := s.ns.srv
	for _, fn := range anys {
		fn(name, args)
	}
	if cb.valid() {
		if err := cb.call(args, ack); err != nil {
			s.handlerError(name, false, err, ack)
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
	if err == nil {
		pkt, err = s.ns.srv.opts.parser().AppendAck(nil, s.ns.name, id, raw, atts)
	}
	if err != nil {
		s.ns.srv.opts.Logger.Warn("tornadio: ack", "err", err)
		return nil, nil, false
	}
	return pkt, atts, true
}

// writeAck writes the answer to ack id now. On the loop. Plain arguments
// (raw JSON, strings) are encoded into the loop's scratch; others go
// through encodeArgs.
func (s *Socket) writeAck(id int64, args []any) {
	if !s.attached() {
		return
	}
	sc := &s.ns.srv.scratch(s.loop()).sio
	// Room for every string argument quoted, each byte escaped at worst
	// as \u00XX, so that the views taken below stay put.
	need := 0
	for _, v := range args {
		switch x := v.(type) {
		case json.RawMessage:
		case string:
			need += 6*len(x) + 2
		default:
			if pkt, atts, ok := s.encodeAck(id, args); ok {
				s.writePacket(pkt, atts)
			}
			return
		}
	}
	vals := sc.Vals[:0]
	if cap(vals) < need {
		vals = make([]byte, 0, need)
	}
	raws := sc.Raws[:0]
	for _, v := range args {
		switch x := v.(type) {
		case json.RawMessage:
			raws = append(raws, x)
		case string:
			start := len(vals)
			vals = socketio.AppendJSONString(vals, x)
			raws = append(raws, vals[start:len(vals):len(vals)])
		}
	}
	sc.Vals = vals
	b, err := s.ns.srv.opts.parser().AppendAck(sc.Buf[:0], s.ns.name, id, raws, nil)
	clear(raws)
	sc.Raws = raws[:0]
	if err != nil {
		s.ns.srv.opts.Logger.Warn("tornadio: ack", "err", err)
		return
	}
	s.writePacket(b, nil)
	sc.Buf = b
}

// onAck runs what waits for an ACK packet. On the loop.
func (s *Socket) onAck(p socketio.Packet, atts, elems [][]byte, split bool) {
	pa := s.waitingAck(p.ID)
	if pa == nil {
		return
	}
	s.dropAck(p.ID)
	if pa.timer != nil {
		pa.timer.Stop()
	}
	if !split {
		c := s.client
		sc := s.ns.srv.scratch(c.Sess.Loop())
		var err error
		if elems, err = socketio.SplitArray(p.Data, sc.sio.Args[:0]); err != nil {
			c.Sess.Close(transports.ReasonParseError)
			return
		}
		sc.sio.Args = elems
	}
	if pa.bcast != nil {
		pa.bcast(elems, atts)
		return
	}
	args := Args{raw: elems, attachments: atts}
	if pa.direct != nil {
		pa.direct(args.Clone(), nil)
		return
	}
	if s.ns.srv.workers != nil {
		args = args.Clone()
	}
	s.ns.srv.run(s, func() {
		if err := pa.cb.call(args, nil); err != nil {
			err = s.handlerError(pa.event, true, err, nil)
			pa.cb.callErr(err) // a callback with an error parameter learns it
		}
	}, nil)
}
