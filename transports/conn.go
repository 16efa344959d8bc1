package transports

import (
	"errors"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/httpparse"
)

type connMode uint8

const (
	modeHTTP connMode = iota
	modeWS
	modeLegacy // a legacy stream or websocket (legacy_conn.go)
)

// Conn is the protocol machine of one TCP connection. All its methods run on
// the connection's loop.
type Conn struct {
	srv *Server
	io  IO

	// sess is, in modeHTTP, the session whose GET is parked on the
	// connection; in modeWS, the session the websocket carries or probes.
	sess *Session

	// tn holds the loop and, in modeHTTP, the idle deadline: the
	// connection is closed if no request is complete by tn.at (see idle).
	tn timerNode

	// The rest fits one word, so that Conn is 56 bytes: what it does not
	// need while idle lives with its loop (loopState), and so does the
	// state of the legacy road, which few connections take (legacy).
	gen     exchange
	deflate uint8 // permessage-deflate agreed: the server's window bits (8-15), else 0 (deflate.go)
	mode    connMode
	busy    bool        // an HTTP response is owed and not yet written
	persist persistence // what follows the owed response (answer.go)
	closing bool        // Close was asked of the edge; ignore input and writes
	sniff   policySniff // look for a Flash policy request first (legacy_conn.go)
	failure failure
}

// exchange numbers a connection's request/response exchanges, so that an
// answer that comes too late is dropped. It may wrap: a connection has one
// exchange outstanding at a time, so a late answer is a few numbers behind
// at most.
type exchange uint8

// failure is why the machine closes a connection, as a byte rather than a
// reason string: every idle websocket holds one.
type failure uint8

const (
	failNone failure = iota
	failTransport
	failParse
	failSlow
)

// reason is the close reason of f; def when f is failNone.
func (f failure) reason(def string) string {
	switch f {
	case failTransport:
		return ReasonTransportError
	case failParse:
		return ReasonParseError
	case failSlow:
		return ReasonSlowConsumer
	}
	return def
}

func (c *Conn) node() *timerNode { return &c.tn }

// loop is the connection's loop.
func (c *Conn) loop() int { return int(c.tn.loop) }

// Loop is the index of the connection's loop.
func (c *Conn) Loop() int { return c.loop() }

// req is the request being handled: the loop's, valid during the call that
// handles it only (see loopState).
func (c *Conn) req() *httpparse.Request { return &c.srv.loopState[c.loop()].req }

// idle starts the wait for the next request: a connection that completes
// none within IdleTimeout (a slow or silent client) is closed.
func (c *Conn) idle() {
	if c.closing || c.mode != modeHTTP || c.busy {
		return
	}
	c.srv.timers[c.loop()].set(c, c.srv.now()+int64(c.srv.cfg.IdleTimeout))
}

// tick runs when the idle deadline has passed: the connection is queued for
// one deadline only, moved by each idle call.
func (c *Conn) tick(int64) {
	if c.closing || c.mode != modeHTTP || c.busy {
		return
	}
	c.close()
}

// Feed consumes complete requests or frames from p and returns how many bytes
// it used; the edge discards them and keeps the rest for the next call. Views
// into p are not kept past the call.
func (c *Conn) Feed(p []byte) int {
	if c.closing {
		return len(p)
	}
	ls := &c.srv.loopState[c.loop()]
	outer := ls.feeding // nil unless a Feed runs within another's call
	if outer != nil {
		outer.uncork(ls)
	}
	ls.feeding = c
	defer func() {
		c.uncork(ls)
		ls.feeding = outer
		if ob := c.outboxOf(ls); ob != nil && !c.closing {
			c.pump(ls, c.io.(WritableIO), ob) // the client is active: its edge may have room
		}
	}()
	n := 0
	for n < len(p) && !c.closing {
		switch c.mode {
		case modeHTTP:
			if c.busy {
				return n
			}
			if c.sniff != sniffNone {
				if m, wait := c.sniffPolicy(p[n:]); wait || c.closing {
					return n + m
				}
			}
			m, err := ls.parser.Parse(p[n:], &ls.req)
			if errors.Is(err, httpparse.ErrNeedMore) {
				return n
			}
			if err != nil {
				status := httpparse.StatusOf(err)
				if status == 413 {
					c.endOversized()
				}
				c.plainError(status)
				return len(p)
			}
			c.persist = persistenceOf(&ls.req)
			c.gen++
			c.handleRequest()
			n += m
		case modeWS:
			msg, m, err := c.decode(p[n:], int(c.srv.cfg.MaxPayload))
			if errors.Is(err, frames.ErrNeedMore) {
				return n
			}
			compressed := msg.Compressed
			if err == nil {
				msg, err = c.inflate(msg, int(c.srv.cfg.MaxPayload))
			}
			if err != nil {
				c.failure = failTransport
				c.sendClose(c.loop(), frames.CloseCodeOf(err))
				return len(p)
			}
			n += m
			if compressed {
				c.handleInflated(msg)
			} else {
				c.handleFrame(msg)
			}
		case modeLegacy:
			m := c.legacyFeed(p[n:])
			if m == 0 {
				return n
			}
			n += m
		}
	}
	return n
}

// decode decodes the frame at the start of p (see frames.Decoder.Next),
// with messages up to max bytes. It uses the loop's decoder, or the
// connection's own while one of its fragmented messages is in progress
// (kept by the loop too: an idle websocket holds no decoder).
func (c *Conn) decode(p []byte, max int) (frames.Message, int, error) {
	ls := &c.srv.loopState[c.loop()]
	d, own := ls.frag[c] // a lookup in an empty map, nearly always
	if !own {
		d = &ls.dec
		d.MaxMessageSize = max
		d.Deflate = c.deflate != 0
	}
	m, n, err := d.Next(p)
	switch {
	case own:
		if !d.InMessage() {
			delete(ls.frag, c) // m may still be a view into its buffer
		}
	case err != nil:
		d.Reset() // the loop's, after a failure: ready for other connections
	case d.InMessage():
		if ls.frag == nil {
			ls.frag = make(map[*Conn]*frames.Decoder)
		}
		ls.frag[c] = d.Detach()
	}
	return m, n, err
}

// endOversized ends the session a too large POST was meant for, as Node
// does: its data is lost, so the session cannot go on ("transport error").
// The parser fills the request line before it refuses the body.
func (c *Conn) endOversized() {
	r := c.req()
	if !c.srv.isEnginePath(r.Path) {
		return
	}
	sid, _ := httpparse.QueryValue(r.RawQuery, "sid")
	if len(sid) == 0 {
		return
	}
	if s := c.srv.Lookup(string(sid)); s != nil {
		s.deliver(c.loop(), s.take(), func() { s.end(ReasonTransportError) })
	}
}

// OnClose tells the machine that the connection is gone.
func (c *Conn) OnClose() {
	c.closing = true
	c.srv.countConn(c.loop(), -1)
	c.srv.unschedule(c.loop(), c)
	delete(c.srv.loopState[c.loop()].frag, c)
	c.dropOutbox(&c.srv.loopState[c.loop()])
	// No closure when the session is on this loop and nothing of it is on
	// its way there: every disconnection would make garbage.
	if s := c.sess; s != nil && c.mode == modeWS {
		reason := c.failure.reason(ReasonTransportClose)
		if t := s.take(); s.Loop() == c.loop() && s.inTurn(t) {
			s.wsGone(c, reason)
			s.ran()
		} else {
			s.deliver(c.loop(), t, func() { s.wsGone(c, reason) })
		}
	} else if s != nil {
		c.sess = nil
		gen := c.gen
		if t := s.take(); s.Loop() == c.loop() && s.inTurn(t) {
			s.pollGone(c, gen)
			s.ran()
		} else {
			s.deliver(c.loop(), t, func() { s.pollGone(c, gen) })
		}
	}
	if l := c.legacy(); l != nil {
		c.legacyGone(l)
		delete(c.srv.loopState[c.loop()].legacy, c)
	}
}

// onLoopOf runs fn on s's home loop: now when it is this loop, else later.
func (c *Conn) onLoopOf(s *Session, fn func()) {
	if s.Loop() == c.loop() {
		fn()
		return
	}
	c.srv.loops.Post(s.Loop(), fn)
}

// finish writes the response owed for exchange gen.
func (c *Conn) finish(gen exchange, resp []byte) {
	if c.closing || !c.busy || c.gen != gen {
		return
	}
	c.sess = nil // the parked GET's
	c.busy = false
	c.reply(resp)
	if !c.closing && c.srv.loopState[c.loop()].feeding != c {
		c.io.Wake() // a pipelined request may wait in the edge's buffer
	}
}

func (c *Conn) close() {
	if !c.closing {
		c.closing = true
		c.srv.unschedule(c.loop(), c)
		ls := &c.srv.loopState[c.loop()]
		if ls.feeding == c {
			c.uncork(ls) // what was written before the close leaves first
		}
		c.settleOutbox(ls)
		c.io.Close()
	}
}

// send writes b (a complete frame) from loop from. A frame that would take
// what the connection holds for output (held) past MaxBuffered, when it
// holds something already, is not written: the connection is closed as a
// slow consumer's. send reports false when it did that on loop from; on
// another loop it reports true, and the session learns it from OnClose.
func (c *Conn) send(from int, b []byte) bool {
	if c.loop() == from {
		return c.write(b, false)
	}
	cp := append([]byte(nil), b...)
	c.srv.loops.Post(c.loop(), func() { c.write(cp, false) })
	return true
}

// write writes frame b, unless the peer is a slow consumer (see send);
// shared says that b is a Shared frame (see emitFrame).
func (c *Conn) write(b []byte, shared bool) bool {
	if c.closing {
		return true
	}
	if n := c.held(); n > 0 && n+len(b) > c.srv.cfg.MaxBuffered {
		c.failure = failSlow
		c.close()
		return false
	}
	c.emitFrame(b, shared)
	return true
}

// sendClose writes a close frame with code and closes, from loop from.
func (c *Conn) sendClose(from int, code frames.StatusCode) {
	do := func() {
		if c.closing {
			return
		}
		b := frames.AppendClose(c.srv.frameBuf(c.loop()), code, "")
		c.emit(b)
		c.srv.keepFrameBuf(c.loop(), b)
		c.close()
	}
	if c.loop() == from {
		do()
		return
	}
	c.srv.loops.Post(c.loop(), do)
}

// kill closes the connection from loop from, without a close frame.
func (c *Conn) kill(from int) {
	if c.loop() == from {
		c.close()
		return
	}
	c.srv.loops.Post(c.loop(), c.close)
}

// plainError answers a request the parser refused, then closes.
func (c *Conn) plainError(status int) {
	body := httpparse.StatusText(status)
	b := appendResponse(c.srv.frameBuf(c.loop()), status, "text/plain; charset=utf-8", "", []byte(body))
	c.persist = closeAfter
	c.reply(b)
	c.srv.keepFrameBuf(c.loop(), b)
}

// reply writes resp, the answer to the current exchange, with the
// Connection field c.persist calls for (see writeAnswer), then closes the
// connection or waits for the next request.
func (c *Conn) reply(resp []byte) {
	c.writeAnswer(resp)
	if c.persist == closeAfter {
		c.close()
		return
	}
	c.idle()
}

func (c *Conn) replyError(code engineio.ErrorCode, cors string) {
	c.countErrorReply(code)
	c.reply(c.srv.errorResponse(code, cors))
}

func (c *Conn) handleFrame(m frames.Message) {
	switch m.Op {
	case frames.OpPing:
		b := frames.AppendFrame(c.srv.frameBuf(c.loop()), frames.OpPong, m.Payload)
		c.emit(b)
		c.srv.keepFrameBuf(c.loop(), b)
		return
	case frames.OpClose:
		code := m.CloseCode
		if code == frames.StatusNoStatusRcvd {
			code = frames.StatusNormalClosure
		}
		c.sendClose(c.loop(), code)
		return
	case frames.OpText, frames.OpBinary:
	default:
		return
	}
	s := c.sess
	if s == nil {
		return
	}
	var p engineio.Packet
	var err error
	if m.Op == frames.OpText {
		p, c.srv.decode[c.loop()], err = engineio.ParseTextFrame(m.Payload, s.Version(), c.srv.decode[c.loop()][:0])
	} else {
		p, err = engineio.ParseBinaryFrame(m.Payload, s.Version())
	}
	if err != nil {
		c.failure = failParse
		c.sendClose(c.loop(), frames.StatusProtocolError)
		return
	}
	if t := s.take(); s.Loop() == c.loop() && s.inTurn(t) {
		s.onWSPacket(c, p)
		s.ran()
	} else {
		p.Data = append([]byte(nil), p.Data...)
		s.deliver(c.loop(), t, func() { s.onWSPacket(c, p) })
	}
}
