package transports

import (
	"github.com/tornadio/tornadio/engineio"
)

// onPoll handles a polling GET on the session's home loop: it is answered at
// once when packets are waiting, and parked otherwise.
func (s *Session) onPoll(c *Conn, gen uint32, cors string) {
	srv := s.srv
	switch {
	case s.closed && s.draining && len(s.queue) > 0:
		// The last packets of a session closed by the server.
		s.poll, s.pollGen, s.pollCORS = c, gen, cors
		s.flushPoll()
		s.stopDraining()
		return
	case s.closed:
		srv.respond(s.loop, c, gen, srv.errorResponse(engineio.UnknownSID, cors))
		return
	case s.transport != Polling:
		srv.respond(s.loop, c, gen, srv.errorResponse(engineio.BadRequest, cors))
		return
	case s.poll != nil:
		// A second GET while one waits breaks the protocol: refuse it and
		// end the session, answering the first GET with a close packet.
		srv.respond(s.loop, c, gen, srv.errorResponse(engineio.BadRequest, cors))
		s.end(ReasonTransportError)
		return
	}
	s.poll, s.pollGen, s.pollCORS = c, gen, cors
	if len(s.queue) == 0 && s.upgrading {
		// The client pauses polling to upgrade; let this GET return.
		s.queue = append(s.queue, engineio.Packet{Type: engineio.Noop})
	}
	if len(s.queue) > 0 {
		s.flushPoll()
	}
}

// flushPoll answers the parked GET with every queued packet.
func (s *Session) flushPoll() {
	s.flushPosted = false
	if s.poll == nil || len(s.queue) == 0 {
		return
	}
	srv := s.srv
	body := engineio.AppendPayload(srv.buf2(s.loop), s.version, s.binaryOK, s.queue)
	ctype := contentTypeText
	if engineio.PayloadIsBinary(s.version, s.binaryOK, s.queue) {
		ctype = contentTypeBinary
	}
	resp := appendResponse(srv.buf(s.loop), 200, ctype, s.pollCORS, body, false)
	clear(s.queue)
	s.queue = s.queue[:0]
	c := s.poll
	s.poll = nil
	srv.respond(s.loop, c, s.pollGen, resp)
	srv.keep(s.loop, resp)
	srv.keep2(s.loop, body)
}

// onPost handles a polling POST on the session's home loop. body is owned by
// the callee for the duration of the call.
func (s *Session) onPost(c *Conn, gen uint32, body []byte, cors string) {
	srv := s.srv
	switch {
	case s.closed && s.draining:
		// Closed by the server, with a GET still to come: like Node, take
		// the packets and ignore them.
		srv.respond(s.loop, c, gen, appendResponse(srv.buf(s.loop), 200, contentTypeHTML, cors, okBody, false))
		return
	case s.closed:
		srv.respond(s.loop, c, gen, srv.errorResponse(engineio.UnknownSID, cors))
		return
	case s.transport != Polling:
		srv.respond(s.loop, c, gen, srv.errorResponse(engineio.BadRequest, cors))
		return
	}
	now := srv.loops.Now()
	var err error
	srv.decode[s.loop], err = engineio.DecodePayload(body, s.version, srv.decode[s.loop][:0], func(p engineio.Packet) error {
		s.receive(p, now)
		return nil
	})
	if err != nil {
		srv.respond(s.loop, c, gen, srv.errorResponse(engineio.BadRequest, cors))
		s.end(ReasonParseError)
		return
	}
	srv.respond(s.loop, c, gen, appendResponse(srv.buf(s.loop), 200, contentTypeHTML, cors, okBody, false))
}

// pollGone is told that the connection of a GET closed before the GET's
// response was written to it. Like Node, the session ends when that GET was
// parked, since the client can no longer be reached. It ends too when the GET
// had been answered with packets still on their way to the connection's loop
// (a GET on another loop): those packets are lost with the connection, and
// the session must not carry on as if they had been delivered. A GET refused
// with an error while the session polls has ended the session already.
func (s *Session) pollGone(c *Conn, gen uint32) {
	if s.closed || s.transport != Polling {
		return
	}
	if s.poll == c && s.pollGen == gen {
		s.poll = nil
	}
	s.end(ReasonTransportClose)
}

var okBody = []byte("ok")
