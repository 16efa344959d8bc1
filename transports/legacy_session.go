package transports

import (
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/legacy"
)

// The legacy road, session side: everything here runs on the session's
// home loop. The legacy.Session machine decides; this file writes what it
// says and keeps its deadline in the loop's timer heap.

func (s *LegacySession) node() *timerNode { return &s.tn }

// arm schedules tick for the machine's deadline.
func (s *LegacySession) arm() {
	if d := s.m.Deadline(); !d.IsZero() {
		s.srv.scheduleOn(s.loop, s, s.srv.nanos(d))
	}
}

// tick runs the machine's timer: a heartbeat to write, a poll to answer
// empty, or the end.
func (s *LegacySession) tick(due int64) {
	if s.closed {
		return
	}
	switch s.m.Tick(s.srv.timeAt(due)) {
	case legacy.EventHeartbeat:
		s.flushStream()
		if s.closed {
			return
		}
	case legacy.EventPollExpired:
		// The machine has moved on to its close timeout already.
		if s.poll != nil {
			s.respondPoll(nil, false)
		}
	case legacy.EventClosed:
		s.end(legacyReason(s.m.Reason()))
		return
	}
	s.arm()
}

// end releases the session and tells the application. A held poll is
// answered with "Connection: close", a stream closed.
func (s *LegacySession) end(reason string) {
	if s.closed {
		return
	}
	s.closed = true
	s.srv.countEnded(s.loop, legacyKind(s.transport), reason)
	s.srv.unschedule(s.loop, s)
	s.srv.unregisterLegacy(s)
	s.srv.releaseAdmission(s.hs.RemoteAddr())
	_ = s.m.Close(s.srv.timeOn(s.loop)) // no-op when the machine ended it
	if s.poll != nil {
		s.respondPoll(nil, true)
	}
	if c := s.stream; c != nil {
		s.stream, s.live = nil, false
		switch s.kind {
		case streamHTMLFile:
			c.send(s.loop, []byte("0\r\n\r\n"))
			c.kill(s.loop)
		case streamHixie76:
			if c.loop() != s.loop || !c.awaitingKey3() {
				c.send(s.loop, []byte(frames.HixieCloseFrame))
			}
			c.kill(s.loop)
		case streamRFC6455:
			c.sendClose(s.loop, frames.StatusNormalClosure)
		default:
			c.kill(s.loop)
		}
	}
	s.srv.leg.app.LegacyClose(s, reason)
}

// connectStream attaches the stream (its handshake complete) to the machine
// and writes the session id and whatever was queued.
func (s *LegacySession) connectStream() {
	if s.closed {
		return
	}
	if err := s.m.Connect(s.transport, s.srv.timeOn(s.loop)); err != nil {
		s.end(ReasonTransportError)
		return
	}
	s.live = true
	s.flushStream()
	if !s.closed {
		s.arm()
	}
}

// sent follows a Send: a stream is written at once (one part, chunk or
// frames per Send, as N writes each message); a held poll is answered at
// the end of this loop turn, so that messages sent together leave together.
func (s *LegacySession) sent() {
	switch {
	case s.stream != nil:
		s.flushStream()
	case s.poll != nil && !s.flushPosted:
		s.flushPosted = true
		s.Post(s.flushPoll)
	}
}

// flushNow writes what is queued to a live stream or a held poll.
func (s *LegacySession) flushNow() {
	if s.stream != nil {
		s.flushStream()
	} else if s.poll != nil && s.m.Pending() > 0 {
		s.respondPoll(s.m.Flush(s.srv.bodyBuf(s.loop)), true)
	}
}

func (s *LegacySession) flushPoll() {
	s.flushPosted = false
	if s.closed || s.poll == nil || s.m.Pending() == 0 {
		return
	}
	s.answerPoll()
}

// flushStream writes the queued messages to the live stream: each message
// in its own websocket frame, or everything in one xhr-multipart part or
// one htmlfile script chunk.
func (s *LegacySession) flushStream() {
	c := s.stream
	if !s.live || c == nil || s.m.Pending() == 0 {
		return
	}
	srv := s.srv
	b := srv.frameBuf(s.loop)
	switch s.kind {
	case streamHixie75, streamHixie76:
		for {
			mark := len(b)
			var ok bool
			if b, ok = s.m.FlushOne(append(b, 0x00)); !ok {
				b = b[:mark]
				break
			}
			b = append(b, 0xFF)
		}
	case streamRFC6455:
		for {
			msg, ok := s.m.FlushOne(srv.bodyBuf(s.loop))
			if !ok {
				break
			}
			b = frames.AppendFrameHeader(b, frames.OpText, true, len(msg))
			b = append(b, msg...)
			srv.keepBodyBuf(s.loop, msg)
		}
	case streamMultipart:
		body := s.m.Flush(srv.bodyBuf(s.loop))
		b = legacy.AppendMultipartPart(b, body)
		srv.keepBodyBuf(s.loop, body)
	case streamHTMLFile:
		body := s.m.Flush(srv.bodyBuf(s.loop))
		script := legacy.AppendHTMLFileScript(srv.wrapBuf(s.loop), body)
		b = appendChunk(b, script)
		srv.keepBodyBuf(s.loop, body)
		srv.keepWrapBuf(s.loop, script)
	}
	ok := c.send(s.loop, b)
	srv.keepFrameBuf(s.loop, b)
	if !ok {
		// Refused as a slow consumer's: the connection is closing.
		s.stream, s.live = nil, false
		s.end(ReasonSlowConsumer)
	}
}

// onPoll handles a polling GET: answered at once when messages wait, held
// otherwise until one is sent or the poll duration ends.
func (s *LegacySession) onPoll(c *Conn, gen exchange, info pollInfo) {
	srv := s.srv
	if s.closed {
		c.kill(s.loop) // as for an unknown session id
		return
	}
	if err := s.m.Connect(s.transport, srv.timeOn(s.loop)); err != nil {
		// A second GET while one is held: refuse it, keep the first.
		srv.respond(s.loop, c, gen, appendResponse(nil, 400, "text/plain; charset=utf-8", "", []byte(httpparse.StatusText(400))))
		return
	}
	s.poll, s.pollGen, s.pollInfo = c, gen, info
	if s.m.Pending() > 0 {
		s.answerPoll()
		return
	}
	s.arm()
}

// answerPoll answers the held GET with every queued message; the close
// timeout starts.
func (s *LegacySession) answerPoll() {
	s.respondPoll(s.m.Flush(s.srv.bodyBuf(s.loop)), false)
	if ev, _ := s.m.Answered(s.srv.timeOn(s.loop)); ev == legacy.EventClosed {
		s.end(legacyReason(s.m.Reason()))
		return
	}
	s.arm()
}

// respondPoll writes the answer carrying frames to the held GET and
// forgets it; closeConn closes its connection afterwards.
func (s *LegacySession) respondPoll(frames []byte, closeConn bool) {
	srv := s.srv
	c, gen, info := s.poll, s.pollGen, &s.pollInfo
	s.poll = nil
	var resp []byte
	if s.transport == legacy.JSONPPolling {
		body := srv.wrapBuf(s.loop)
		if info.jsonpOK {
			body = legacy.AppendJSONP(body, []byte(info.index), frames)
		} else {
			body = append(body, legacy.JSONPForbidden...)
		}
		resp = appendLegacyResponse(srv.frameBuf(s.loop), 200, legacy.ContentTypeJSONP, nil, body)
		srv.keepWrapBuf(s.loop, body)
	} else {
		resp = appendLegacyResponse(srv.frameBuf(s.loop), 200, legacy.ContentTypePolling, info.cors, frames)
	}
	srv.keepBodyBuf(s.loop, frames)
	if closeConn {
		srv.respondClose(s.loop, c, gen, resp)
	} else {
		srv.respond(s.loop, c, gen, resp)
	}
	srv.keepFrameBuf(s.loop, resp)
}

// respondClose is respond, closing the connection after the response.
func (srv *Server) respondClose(from int, c *Conn, gen exchange, resp []byte) {
	do := func(b []byte) {
		if !c.closing && c.busy && c.gen == gen {
			c.persist = closeAfter
			c.finish(gen, b)
		}
	}
	if c.loop() == from {
		do(resp)
		return
	}
	b := append([]byte(nil), resp...)
	srv.loops.Post(c.loop(), func() { do(b) })
}

// pollGone is told that the connection of a GET closed. A held GET counts
// as answered: the client has the close timeout to come back.
func (s *LegacySession) pollGone(c *Conn, gen exchange) {
	if s.closed || s.poll != c || s.pollGen != gen {
		return
	}
	s.poll = nil
	if ev, _ := s.m.Disconnect(s.srv.timeOn(s.loop)); ev == legacy.EventClosed {
		s.end(legacyReason(s.m.Reason()))
		return
	}
	s.arm()
}

// onPost handles a POST carrying messages in its form field data.
func (s *LegacySession) onPost(c *Conn, gen exchange, body, hdr []byte) {
	srv := s.srv
	if s.closed {
		c.kill(s.loop)
		return
	}
	l := &srv.leg
	data, _, err := httpparse.FormValue(body, "data", l.form[s.loop][:0])
	if cap(data) <= 1<<20 {
		l.form[s.loop] = data[:0]
	}
	var msgs []legacy.Message
	if err == nil {
		msgs, err = s.m.Receive(data, srv.timeOn(s.loop))
	}
	if err != nil {
		srv.respond(s.loop, c, gen, appendResponse(nil, 400, "text/plain; charset=utf-8", "", []byte(httpparse.StatusText(400))))
		return
	}
	s.arm()
	for _, m := range msgs {
		if s.closed {
			break
		}
		srv.countIn(s.loop, len(m.Data))
		l.app.LegacyMessage(s, m)
	}
	srv.respond(s.loop, c, gen, appendLegacyResponse(srv.frameBuf(s.loop), 200, legacy.ContentTypeOK, hdr, okBody))
}

// onStreamData handles the frames of one websocket message.
func (s *LegacySession) onStreamData(c *Conn, data []byte) {
	if s.closed || s.stream != c || !s.live {
		return
	}
	msgs, err := s.m.Receive(data, s.srv.timeOn(s.loop))
	if err != nil {
		// Broken ~m~ framing: the connection goes, and the session with it.
		s.stream, s.live = nil, false
		if s.kind == streamRFC6455 {
			c.sendClose(s.loop, frames.StatusProtocolError)
		} else {
			c.kill(s.loop)
		}
		s.end(ReasonParseError)
		return
	}
	s.arm()
	for _, m := range msgs {
		if s.closed {
			break
		}
		s.srv.countIn(s.loop, len(m.Data))
		s.srv.leg.app.LegacyMessage(s, m)
	}
}

// streamGone is told that the stream's connection closed.
func (s *LegacySession) streamGone(c *Conn, reason string) {
	if s.closed || s.stream != c {
		return
	}
	s.stream, s.live = nil, false
	ev, _ := s.m.Disconnect(s.srv.timeOn(s.loop))
	if ev != legacy.EventClosed {
		s.arm() // a StreamCloseTimeout runs
		return
	}
	if reason != ReasonSlowConsumer && reason != ReasonParseError {
		reason = legacyReason(s.m.Reason())
	}
	s.end(reason)
}
