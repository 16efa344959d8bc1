package transports

import (
	"github.com/tornadio/tornadio/engineio"
)

// onPoll handles a polling GET on the session's home loop: it is answered at
// once when packets are waiting, and parked otherwise (see
// engineio.Session.Poll).
func (s *Session) onPoll(c *Conn, gen exchange, cors string, coding contentCoding) {
	s.runDue()
	srv := s.srv
	deadline := s.eio.Deadline()
	switch s.eio.Poll(srv.clock(s.Loop())) {
	case engineio.PollUnknownSID:
		srv.respond(s.Loop(), c, gen, srv.errorResponse(engineio.UnknownSID, cors))
	case engineio.PollBadRequest:
		srv.respond(s.Loop(), c, gen, srv.errorResponse(engineio.BadRequest, cors))
	case engineio.PollSecond:
		// A second GET while one waits breaks the protocol: refuse it and
		// end the session, answering the first GET with a close packet.
		srv.respond(s.Loop(), c, gen, srv.errorResponse(engineio.BadRequest, cors))
		s.end(ReasonTransportError)
	case engineio.PollLast:
		// The last packets of a session closed by the server.
		s.park(c, gen, cors, coding)
		s.flushPoll()
		if s.eio.Drained() {
			s.stopDraining()
		}
	case engineio.PollParked:
		s.park(c, gen, cors, coding)
		if s.eio.Deadline() != deadline {
			s.rearm() // during an upgrade, the noop's
		}
	case engineio.PollAnswer:
		s.park(c, gen, cors, coding)
		s.flushPoll()
	}
}

// park keeps GET c (exchange gen) to answer later, with the CORS lines and
// in the coding it allows.
func (s *Session) park(c *Conn, gen exchange, cors string, coding contentCoding) {
	ps := s.ps()
	ps.poll, ps.pollGen, ps.pollCORS, ps.pollCoding = c, gen, cors, coding
}

// flushPoll answers the parked GET with every queued packet.
func (s *Session) flushPoll() {
	ps := s.ps()
	if ps == nil {
		return
	}
	ps.flushPosted = false
	if ps.poll == nil || !s.eio.Answerable() {
		return
	}
	resp := s.pollResponse(ps.pollCORS, ps.pollCoding)
	c := ps.poll
	ps.poll = nil
	s.srv.respond(s.Loop(), c, ps.pollGen, resp)
	s.keepPollResponse()
}

// pollResponse encodes the queued packets as the answer to a polling GET
// that allows coding (see answerCoding) and empties the queue. The
// response lives in the home loop's scratch buffers: write or copy it,
// then call keepPollResponse.
func (s *Session) pollResponse(cors string, coding contentCoding) []byte {
	srv := s.srv
	if !s.eio.AnswerCompressible() {
		coding = codingIdentity // every packet was sent with Compress(false)
	}
	body, binary := s.eio.AppendAnswer(srv.bodyBuf(s.Loop()))
	srv.bodyScratch[s.Loop()] = body
	ctype := contentTypeText
	if binary {
		ctype = contentTypeBinary
	}
	if s.eio.JSONP() {
		body = appendJSONP(srv.wrapBuf(s.Loop()), s.ps().jsonpIdx, body)
		srv.wrapScratch[s.Loop()] = body
		ctype = contentTypeJS
	}
	resp := srv.appendPollAnswer(srv.frameBuf(s.Loop()), s.Loop(), ctype, cors, coding, body)
	srv.frameScratch[s.Loop()] = resp
	return resp
}

// keepPollResponse keeps the scratch buffers grown by pollResponse, unless
// they grew too big to hold on to.
func (s *Session) keepPollResponse() {
	srv := s.srv
	for _, b := range [...]*[]byte{&srv.frameScratch[s.Loop()], &srv.bodyScratch[s.Loop()], &srv.wrapScratch[s.Loop()]} {
		if cap(*b) > 1<<20 {
			*b = nil
		}
	}
	srv.keepCompressed(s.Loop())
}

// onPost handles a polling POST on the session's home loop. body is owned by
// the callee for the duration of the call.
func (s *Session) onPost(c *Conn, gen exchange, body []byte, cors string) {
	s.runDue()
	srv := s.srv
	switch s.eio.Post() {
	case engineio.PostUnknownSID:
		srv.respond(s.Loop(), c, gen, srv.errorResponse(engineio.UnknownSID, cors))
		return
	case engineio.PostBadRequest:
		srv.respond(s.Loop(), c, gen, srv.errorResponse(engineio.BadRequest, cors))
		return
	case engineio.PostDiscard:
		// Closed by the server, with a GET still to come: like Node, take
		// the packets and ignore them.
		srv.respond(s.Loop(), c, gen, appendResponse(srv.frameBuf(s.Loop()), 200, contentTypeHTML, cors, okBody))
		return
	}
	if s.eio.JSONP() {
		var found bool
		var err error
		body, found, err = jsonpData(body, srv.form[s.Loop()][:0])
		if cap(body) <= 1<<20 {
			srv.form[s.Loop()] = body
		}
		if err == nil && s.eio.Version() < 4 && len(body) > 0 && body[0] <= 1 {
			// Text only: not the v3 binary payload format.
			err = engineio.ErrBadPayload
		}
		if err != nil {
			srv.respond(s.Loop(), c, gen, srv.errorResponse(engineio.BadRequest, cors))
			s.end(ReasonParseError)
			return
		}
		if !found {
			// Like engine.io: no payload, nothing to do, "ok".
			srv.respond(s.Loop(), c, gen, appendResponse(srv.frameBuf(s.Loop()), 200, contentTypeHTML, cors, okBody))
			return
		}
	}
	now := srv.now()
	var err error
	srv.decode[s.Loop()], err = engineio.DecodePayload(body, s.Version(), srv.decode[s.Loop()][:0], func(p engineio.Packet) error {
		s.receive(p, now)
		return nil
	})
	if err != nil {
		srv.respond(s.Loop(), c, gen, srv.errorResponse(engineio.BadRequest, cors))
		s.end(ReasonParseError)
		return
	}
	srv.respond(s.Loop(), c, gen, appendResponse(srv.frameBuf(s.Loop()), 200, contentTypeHTML, cors, okBody))
}

// pollGone is told that the connection of a GET closed before the GET's
// response was written to it. Like Node, the session ends when that GET was
// parked, since the client can no longer be reached. It ends too when the GET
// had been answered with packets still on their way to the connection's loop
// (a GET on another loop): those packets are lost with the connection, and
// the session must not carry on as if they had been delivered. A GET refused
// with an error while the session polls has ended the session already.
func (s *Session) pollGone(c *Conn, gen exchange) {
	if s.eio.Closed() || !s.polling() {
		return
	}
	if ps := s.ps(); ps.poll == c && ps.pollGen == gen {
		ps.poll = nil
		s.eio.Unpark()
	}
	s.end(ReasonTransportClose)
}

var okBody = []byte("ok")
