package transports

import (
	"errors"
	"time"

	"github.com/gobwas/ws"

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
	srv  *Server
	io   IO
	loop int

	parser httpparse.Parser
	req    httpparse.Request
	mode   connMode

	busy       bool   // an HTTP response is owed and not yet written
	gen        uint32 // numbers the request/response exchanges
	closeAfter bool   // close once the owed response is written
	feeding    bool
	closing    bool // Close was asked of the edge; ignore input and writes
	parked     *Session

	dec        frames.Decoder
	sess       *Session // websocket: the session carried or probed
	failReason string

	idleBy time.Time // HTTP: close if no request is complete by then
	heapAt time.Time

	sniff policySniff // look for a Flash policy request first (legacy_conn.go)
	leg   *legacyConn // legacy road state, nil until a legacy request
}

func (c *Conn) slot() *time.Time { return &c.heapAt }

// idle starts the wait for the next request: a connection that completes
// none within IdleTimeout (a slow or silent client) is closed.
func (c *Conn) idle() {
	if c.closing || c.mode != modeHTTP || c.busy {
		return
	}
	c.idleBy = c.srv.loops.Now().Add(c.srv.cfg.IdleTimeout)
	c.srv.scheduleOn(c.loop, c, c.idleBy)
}

func (c *Conn) tick(now time.Time) {
	if c.closing || c.mode != modeHTTP || c.busy {
		return
	}
	if !now.Before(c.idleBy) {
		c.close()
		return
	}
	c.srv.scheduleOn(c.loop, c, c.idleBy)
}

// Feed consumes complete requests or frames from p and returns how many bytes
// it used; the edge discards them and keeps the rest for the next call. Views
// into p are not kept past the call.
func (c *Conn) Feed(p []byte) int {
	if c.closing {
		return len(p)
	}
	c.feeding = true
	defer func() { c.feeding = false }()
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
			m, err := c.parser.Parse(p[n:], &c.req)
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
			c.closeAfter = c.req.Close
			c.gen++
			c.handleRequest()
			n += m
		case modeWS:
			msg, m, err := c.dec.Next(p[n:])
			if errors.Is(err, frames.ErrNeedMore) {
				return n
			}
			if err != nil {
				c.failReason = ReasonTransportError
				c.sendClose(c.loop, frames.CloseCodeOf(err))
				return len(p)
			}
			n += m
			c.handleFrame(msg)
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

// endOversized ends the session a too large POST was meant for, as Node
// does: its data is lost, so the session cannot go on ("transport error").
// The parser fills the request line before it refuses the body.
func (c *Conn) endOversized() {
	if !c.srv.isEnginePath(c.req.Path) {
		return
	}
	sid, _ := httpparse.QueryValue(c.req.RawQuery, "sid")
	if len(sid) == 0 {
		return
	}
	if s := c.srv.Lookup(string(sid)); s != nil {
		c.onLoopOf(s, func() { s.end(ReasonTransportError) })
	}
}

// OnClose tells the machine that the connection is gone.
func (c *Conn) OnClose() {
	c.closing = true
	if s := c.parked; s != nil {
		c.parked = nil
		gen := c.gen
		c.onLoopOf(s, func() { s.pollGone(c, gen) })
	}
	if s := c.sess; s != nil {
		reason := c.failReason
		if reason == "" {
			reason = ReasonTransportClose
		}
		c.onLoopOf(s, func() { s.wsGone(c, reason) })
	}
	if c.leg != nil {
		c.legacyGone()
	}
}

// onLoopOf runs fn on s's home loop: now when it is this loop, else later.
func (c *Conn) onLoopOf(s *Session, fn func()) {
	if s.loop == c.loop {
		fn()
		return
	}
	c.srv.loops.Post(s.loop, fn)
}

// finish writes the response owed for exchange gen.
func (c *Conn) finish(gen uint32, resp []byte) {
	if c.closing || !c.busy || c.gen != gen {
		return
	}
	c.parked = nil
	c.busy = false
	c.io.Write(resp)
	if c.closeAfter {
		c.close()
		return
	}
	c.idle()
	if !c.feeding {
		c.io.Wake()
	}
}

func (c *Conn) close() {
	if !c.closing {
		c.closing = true
		c.io.Close()
	}
}

// send writes b (a complete frame) from loop from. A frame that would take
// the outbound buffer past MaxBuffered, when something is buffered already,
// is not written: the connection is closed as a slow consumer's. send
// reports false when it did that on loop from; on another loop it reports
// true, and the session learns it from OnClose.
func (c *Conn) send(from int, b []byte) bool {
	if c.loop == from {
		return c.write(b)
	}
	cp := append([]byte(nil), b...)
	c.srv.loops.Post(c.loop, func() { c.write(cp) })
	return true
}

// write writes frame b, unless the peer is a slow consumer (see send).
func (c *Conn) write(b []byte) bool {
	if c.closing {
		return true
	}
	if n := c.io.Buffered(); n > 0 && n+len(b) > c.srv.cfg.MaxBuffered {
		c.failReason = ReasonSlowConsumer
		c.close()
		return false
	}
	c.io.Write(b)
	return true
}

// sendClose writes a close frame with code and closes, from loop from.
func (c *Conn) sendClose(from int, code ws.StatusCode) {
	do := func() {
		if c.closing {
			return
		}
		var b [16]byte
		c.io.Write(frames.AppendClose(b[:0], code, ""))
		c.close()
	}
	if c.loop == from {
		do()
		return
	}
	c.srv.loops.Post(c.loop, do)
}

// kill closes the connection from loop from, without a close frame.
func (c *Conn) kill(from int) {
	if c.loop == from {
		c.close()
		return
	}
	c.srv.loops.Post(c.loop, c.close)
}

// plainError answers a request the parser refused, then closes.
func (c *Conn) plainError(status int) {
	var b [256]byte
	body := httpparse.StatusText(status)
	c.io.Write(appendResponse(b[:0], status, "text/plain; charset=utf-8", "", []byte(body), true))
	c.close()
}

// reply writes a response to the current request now.
func (c *Conn) reply(resp []byte) {
	c.io.Write(resp)
	if c.closeAfter {
		c.close()
		return
	}
	c.idle()
}

func (c *Conn) replyError(code engineio.ErrorCode, cors string) {
	c.reply(c.srv.errorResponse(code, cors))
}

func (c *Conn) handleFrame(m frames.Message) {
	switch m.Op {
	case frames.OpPing:
		var b [140]byte
		c.io.Write(frames.AppendFrame(b[:0], frames.OpPong, m.Payload))
		return
	case frames.OpClose:
		code := m.CloseCode
		if code == ws.StatusNoStatusRcvd {
			code = ws.StatusNormalClosure
		}
		c.sendClose(c.loop, code)
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
		p, c.srv.decode[c.loop], err = engineio.ParseTextFrame(m.Payload, s.version, c.srv.decode[c.loop][:0])
	} else {
		p, err = engineio.ParseBinaryFrame(m.Payload, s.version)
	}
	if err != nil {
		c.failReason = ReasonParseError
		c.sendClose(c.loop, ws.StatusProtocolError)
		return
	}
	if s.loop == c.loop {
		s.onWSPacket(c, p)
		return
	}
	p.Data = append([]byte(nil), p.Data...)
	c.srv.loops.Post(s.loop, func() { s.onWSPacket(c, p) })
}
