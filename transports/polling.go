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
		if s.closeNext {
			s.closeNext = false
			s.enqueue(engineio.Packet{Type: engineio.Close})
			return
		}
		s.stopDraining()
		return
	case s.refuse(c, gen, cors):
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
		s.enqueue(engineio.Packet{Type: engineio.Noop})
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
	resp := s.pollResponse(s.pollCORS)
	c := s.poll
	s.poll = nil
	s.srv.respond(s.loop, c, s.pollGen, resp)
	s.keepPollResponse()
}

// pollResponse encodes the queued packets as the answer to a polling GET
// and empties the queue. The response lives in the home loop's scratch
// buffers: write or copy it, then call keepPollResponse.
func (s *Session) pollResponse(cors string) []byte {
	srv := s.srv
	body := engineio.AppendPayload(srv.buf2(s.loop), s.version, s.binaryOK, s.queue)
	srv.scratch2[s.loop] = body
	ctype := contentTypeText
	if engineio.PayloadIsBinary(s.version, s.binaryOK, s.queue) {
		ctype = contentTypeBinary
	}
	if s.jsonp {
		body = appendJSONP(srv.buf3(s.loop), s.jsonpIdx, body)
		srv.scratch3[s.loop] = body
		ctype = contentTypeJS
	}
	s.clearQueue()
	resp := appendResponse(srv.buf(s.loop), 200, ctype, cors, body, false)
	srv.scratch[s.loop] = resp
	return resp
}

// keepPollResponse keeps the scratch buffers grown by pollResponse, unless
// they grew too big to hold on to.
func (s *Session) keepPollResponse() {
	srv := s.srv
	for _, b := range [...]*[]byte{&srv.scratch[s.loop], &srv.scratch2[s.loop], &srv.scratch3[s.loop]} {
		if cap(*b) > 1<<20 {
			*b = nil
		}
	}
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
	case s.refuse(c, gen, cors):
		return
	}
	if s.jsonp {
		var found bool
		var err error
		body, found, err = jsonpData(body, srv.form[s.loop][:0])
		if cap(body) <= 1<<20 {
			srv.form[s.loop] = body
		}
		if err == nil && s.version < 4 && len(body) > 0 && body[0] <= 1 {
			// Text only: not the v3 binary payload format.
			err = engineio.ErrBadPayload
		}
		if err != nil {
			srv.respond(s.loop, c, gen, srv.errorResponse(engineio.BadRequest, cors))
			s.end(ReasonParseError)
			return
		}
		if !found {
			// Like engine.io: no payload, nothing to do, "ok".
			srv.respond(s.loop, c, gen, appendResponse(srv.buf(s.loop), 200, contentTypeHTML, cors, okBody, false))
			return
		}
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

// refuse answers a polling request that the session can no longer take: it
// has ended (unknown sid) or moved to websocket (bad request).
func (s *Session) refuse(c *Conn, gen uint32, cors string) bool {
	switch {
	case s.closed:
		s.srv.respond(s.loop, c, gen, s.srv.errorResponse(engineio.UnknownSID, cors))
	case s.transport != Polling:
		s.srv.respond(s.loop, c, gen, s.srv.errorResponse(engineio.BadRequest, cors))
	default:
		return false
	}
	return true
}
