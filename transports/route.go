package transports

import (
	"errors"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/httpparse"
)

// handleRequest routes one parsed request. c.req is valid during the call only.
func (c *Conn) handleRequest() {
	r := c.req()
	srv := c.srv
	if srv.leg.on && c.legacyRequest() {
		return
	}
	if !srv.isEnginePath(r.Path) {
		c.fallback()
		return
	}
	cors, ok := srv.corsHeaders(r.Header("Origin"))
	if !ok {
		c.replyError(engineio.Forbidden, cors)
		return
	}
	if string(r.Method) == "OPTIONS" {
		c.preflight(cors)
		return
	}
	var version int
	switch v, _ := httpparse.QueryValue(r.RawQuery, "EIO"); string(v) {
	case "4":
		version = 4
	case "3":
		if srv.cfg.RefuseEIO3 {
			c.replyError(engineio.UnsupportedProtocolVersion, cors)
			return
		}
		version = 3
	default:
		c.replyError(engineio.UnsupportedProtocolVersion, cors)
		return
	}
	transport, _ := httpparse.QueryValue(r.RawQuery, "transport")
	sid, _ := httpparse.QueryValue(r.RawQuery, "sid")
	switch {
	case string(transport) == WebSocket && srv.cfg.WebSocket:
		if !r.Upgrade || !equalFold(string(r.Header("Upgrade")), "websocket") {
			c.replyError(engineio.BadRequest, cors)
			return
		}
		c.upgrade(version, sid, cors)
	case string(transport) == Polling && srv.cfg.Polling:
		c.polling(version, sid, cors)
	default:
		c.replyError(engineio.UnknownTransport, cors)
	}
}

func (srv *Server) isEnginePath(path []byte) bool {
	p := srv.cfg.Path
	return string(path) == p || string(path) == p[:len(p)-1]
}

// preflight answers a CORS OPTIONS request.
func (c *Conn) preflight(cors string) {
	if cors != "" {
		cors += "Access-Control-Allow-Methods: GET,HEAD,PUT,PATCH,POST,DELETE\r\n"
		if h := c.req().Header("Access-Control-Request-Headers"); len(h) > 0 && validHeaderList(h) {
			cors += "Access-Control-Allow-Headers: " + string(h) + "\r\n"
		}
	}
	b := appendResponse(c.srv.frameBuf(c.loop()), 204, "", cors, nil)
	c.reply(b)
	c.srv.keepFrameBuf(c.loop(), b)
}

func validHeaderList(h []byte) bool {
	for _, ch := range h {
		if ch < 0x20 || ch == 0x7f {
			return false
		}
	}
	return true
}

// polling handles the handshake, GETs and POSTs of the polling transport.
func (c *Conn) polling(version int, sid []byte, cors string) {
	r := c.req()
	method := string(r.Method)
	j, jsonp := httpparse.QueryValue(r.RawQuery, "j")
	if jsonp && !validJSONPIndex(j) {
		c.replyError(engineio.BadRequest, cors)
		return
	}
	if len(sid) == 0 {
		if method != "GET" {
			c.replyError(engineio.BadHandshakeMethod, cors)
			return
		}
		if !jsonp {
			j = nil
		}
		c.handshakePolling(version, j, cors)
		return
	}
	s := c.srv.Lookup(string(sid))
	if s == nil {
		s = c.srv.lookupDraining(string(sid))
	}
	if s == nil || s.Version() != version {
		c.replyError(engineio.UnknownSID, cors)
		return
	}
	if method != "GET" && method != "POST" {
		c.replyError(engineio.BadRequest, cors)
		return
	}
	c.busy = true
	gen := c.gen
	// In read order (order.go). A closure is made only when the session
	// lives on another loop or an earlier event of it is still on its way,
	// which spares a polling session garbage on every request.
	t := s.take()
	now := s.Loop() == c.loop() && s.inTurn(t)
	if method == "GET" {
		c.sess = s // parked
		coding := c.srv.answerCoding(r)
		if now {
			s.onPoll(c, gen, cors, coding)
			s.ran()
		} else {
			s.deliver(c.loop(), t, func() { s.onPoll(c, gen, cors, coding) })
		}
		return
	}
	if now {
		s.onPost(c, gen, r.Body, cors)
		s.ran()
	} else {
		body := append([]byte(nil), r.Body...)
		s.deliver(c.loop(), t, func() { s.onPost(c, gen, body, cors) })
	}
}

// handshake opens a session, once admission (Config.HandshakeLimit) and
// App.Open let it: their refusal is the error. jsonp is the JSONP callback
// index of a JSONP polling handshake, or nil.
func (c *Conn) handshake(version int, transport string, jsonp []byte) (*Session, error) {
	r := c.req()
	remote := c.remoteAddr()
	if refusal, ok := c.srv.adm.admit(remote, c.srv.now()); !ok {
		return nil, refusal
	}
	s := newSession(c.srv, c.loop(), version, transport, r, remote)
	for !c.srv.register(s) {
		// Another live session's id has the same registry key.
		s.hs = newHandshake(newSID(), r, remote, s.hs.Issued().UnixMilli())
	}
	if transport == Polling {
		b, ok := httpparse.QueryValue(r.RawQuery, "b64")
		s.eio.SetPollingFormat(version < 4 && (!ok || len(b) == 0) && jsonp == nil, jsonp != nil)
		if jsonp != nil {
			s.ps().jsonpIdx = string(jsonp)
		}
	}
	if err := c.srv.app.Open(s); err != nil {
		s.eio.End(&c.srv.eioCfg, c.srv.now())
		c.srv.unregister(s)
		c.srv.releaseAdmission(remote)
		return nil, err
	}
	s.start(c.srv.now())
	c.srv.countOpened(c.loop(), kindOf(transport == WebSocket))
	return s, nil
}

func (c *Conn) handshakePolling(version int, jsonp []byte, cors string) {
	coding := c.srv.answerCoding(c.req())
	s, err := c.handshake(version, Polling, jsonp)
	if err != nil {
		c.refuseOpen(err, cors)
		return
	}
	open := engineio.Packet{Type: engineio.Open, Data: s.openPacket(nil)[1:]}
	s.eio.QueueFirst(open)
	c.reply(s.pollResponse(cors, coding))
	s.keepPollResponse()
}

// upgrade answers a WebSocket opening handshake, for a new session (no sid)
// or to probe an upgrade of a polling session.
func (c *Conn) upgrade(version int, sid []byte, cors string) {
	r := c.req()
	key := r.Header("Sec-WebSocket-Key")
	if status := checkUpgrade(r, key); status != 0 {
		c.countErrorReply(engineio.BadRequest)
		c.refuseUpgrade(status)
		return
	}
	var s *Session
	if len(sid) > 0 {
		s = c.srv.Lookup(string(sid))
		if s == nil || s.Version() != version {
			c.replyError(engineio.UnknownSID, cors)
			return
		}
	} else {
		var err error
		if s, err = c.handshake(version, WebSocket, nil); err != nil {
			c.refuseOpen(err, cors)
			return
		}
	}
	// The loop's scratch buffers, not arrays on the stack: what goes to
	// IO.Write escapes, and would be garbage on every connection.
	ext := c.negotiateDeflate(c.srv.wrapBuf(c.loop()), r)
	b := frames.AppendUpgradeResponse(c.srv.frameBuf(c.loop()), key, ext)
	c.emit(b)
	c.srv.keepFrameBuf(c.loop(), b)
	c.srv.keepWrapBuf(c.loop(), ext)
	c.mode = modeWS
	c.sess = s
	c.srv.unschedule(c.loop(), c) // no more HTTP: no idle timeout
	if len(sid) == 0 {
		s.ws = c
		open := s.openPacket(c.srv.bodyBuf(c.loop()))
		s.writeWS(c, engineio.Open, false, nil, open[1:])
		c.srv.keepBodyBuf(c.loop(), open)
		s.flushQueueWS()
		s.eio.DropPolling() // what App.Open sent, if anything, has gone
		return
	}
	s.deliver(c.loop(), s.take(), func() { s.attachProbe(c) })
}

// fallback hands a request outside the Engine.IO path to the application.
func (c *Conn) fallback() {
	fb := c.srv.cfg.Fallback
	if fb == nil {
		b := appendResponse(c.srv.frameBuf(c.loop()), 404, "text/plain; charset=utf-8", "", []byte("404 page not found\n"))
		c.reply(b)
		c.srv.keepFrameBuf(c.loop(), b)
		return
	}
	c.busy = true
	gen := c.gen
	loop := c.loop()
	fb(c.req(), c.remoteAddr(), func(resp []byte, close bool) {
		c.srv.loops.Post(loop, func() {
			if close {
				c.persist = closeAfter
			}
			c.finish(gen, resp)
		})
	})
}

// checkUpgrade checks the RFC 6455 opening handshake r, whose
// Sec-WebSocket-Key is key (frames.CheckUpgrade), and returns the status
// to refuse it with, or 0.
func checkUpgrade(r *httpparse.Request, key []byte) int {
	err := frames.CheckUpgrade(frames.UpgradeRequest{
		Method:    r.Method,
		Minor:     r.Minor,
		Version:   r.Header("Sec-WebSocket-Version"),
		Key:       key,
		KeyFields: r.HeaderCount("Sec-WebSocket-Key"),
	})
	if err == nil {
		return 0
	}
	var he *frames.HandshakeError
	if errors.As(err, &he) {
		return he.Status
	}
	return 400
}

// refuseUpgrade answers a bad WebSocket opening handshake with status (and
// the supported version for 426), then closes.
func (c *Conn) refuseUpgrade(status int) {
	resp := httpparse.AppendStatusLine(c.srv.frameBuf(c.loop()), status)
	if status == 426 {
		resp = httpparse.AppendHeader(resp, "Sec-WebSocket-Version", "13")
	}
	resp = append(resp, "Content-Length: 0\r\n\r\n"...)
	c.persist = closeAfter
	c.reply(resp)
	c.srv.keepFrameBuf(c.loop(), resp)
}
