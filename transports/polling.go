package transports

import (
	"time"

	"github.com/tornadio/tornadio/engineio"
)

// onPoll handles a polling GET on the session's home loop: it is answered at
// once when packets are waiting, and parked otherwise.
func (s *Session) onPoll(c *Conn, gen exchange, cors string) {
	s.runDue()
	srv := s.srv
	ps := s.ps
	switch {
	case ps == nil:
		s.refuse(c, gen, cors) // a websocket session
		return
	case s.eio.Closed() && ps.draining && len(ps.queue) > 0:
		// The last packets of a session closed by the server.
		ps.poll, ps.pollGen, ps.pollCORS = c, gen, cors
		s.flushPoll()
		if ps.closeNext {
			ps.closeNext = false
			s.enqueue(engineio.Packet{Type: engineio.Close})
			return
		}
		s.stopDraining()
		return
	case s.refuse(c, gen, cors):
		return
	case ps.poll != nil:
		// A second GET while one waits breaks the protocol: refuse it and
		// end the session, answering the first GET with a close packet.
		srv.respond(s.Loop(), c, gen, srv.errorResponse(engineio.BadRequest, cors))
		s.end(ReasonTransportError)
		return
	}
	ps.poll, ps.pollGen, ps.pollCORS = c, gen, cors
	if len(ps.queue) == 0 && ps.upgrading {
		// The client pauses polling to upgrade: this GET gets a noop to
		// return with, but after upgradeNoopDelay, as Node's upgrade check
		// does. A client sends "5" only once its GETs are answered, so a
		// GET read while "5" is on its way (on another loop, say) was sent
		// after it: when the "5" comes first, the GET is refused as one
		// after the upgrade (see onWSPacket).
		ps.noopBy = s.srv.clock(s.Loop()) + int64(upgradeNoopDelay)
		s.rearm()
	}
	if len(ps.queue) > 0 {
		s.flushPoll()
	}
}

// upgradeNoopDelay is how long a GET made during an upgrade waits for the
// noop that releases it (Node's engine.io checks every 100 ms).
const upgradeNoopDelay = 100 * time.Millisecond

// flushPoll answers the parked GET with every queued packet.
func (s *Session) flushPoll() {
	ps := s.ps
	if ps == nil {
		return
	}
	ps.flushPosted = false
	if ps.poll == nil || len(ps.queue) == 0 {
		return
	}
	resp := s.pollResponse(ps.pollCORS)
	c := ps.poll
	ps.poll = nil
	s.srv.respond(s.Loop(), c, ps.pollGen, resp)
	s.keepPollResponse()
}

// pollResponse encodes the queued packets as the answer to a polling GET
// and empties the queue. The response lives in the home loop's scratch
// buffers: write or copy it, then call keepPollResponse.
func (s *Session) pollResponse(cors string) []byte {
	srv := s.srv
	ps := s.ps
	v := s.Version()
	body := engineio.AppendPayload(srv.buf2(s.Loop()), v, ps.binaryOK, ps.queue)
	srv.scratch2[s.Loop()] = body
	ctype := contentTypeText
	if engineio.PayloadIsBinary(v, ps.binaryOK, ps.queue) {
		ctype = contentTypeBinary
	}
	if s.jsonp {
		body = appendJSONP(srv.buf3(s.Loop()), ps.jsonpIdx, body)
		srv.scratch3[s.Loop()] = body
		ctype = contentTypeJS
	}
	s.clearQueue()
	resp := appendResponse(srv.buf(s.Loop()), 200, ctype, cors, body)
	srv.scratch[s.Loop()] = resp
	return resp
}

// keepPollResponse keeps the scratch buffers grown by pollResponse, unless
// they grew too big to hold on to.
func (s *Session) keepPollResponse() {
	srv := s.srv
	for _, b := range [...]*[]byte{&srv.scratch[s.Loop()], &srv.scratch2[s.Loop()], &srv.scratch3[s.Loop()]} {
		if cap(*b) > 1<<20 {
			*b = nil
		}
	}
}

// onPost handles a polling POST on the session's home loop. body is owned by
// the callee for the duration of the call.
func (s *Session) onPost(c *Conn, gen exchange, body []byte, cors string) {
	s.runDue()
	srv := s.srv
	ps := s.ps
	switch {
	case ps == nil:
		s.refuse(c, gen, cors) // a websocket session
		return
	case s.eio.Closed() && ps.draining && !ps.byClient:
		// Closed by the server, with a GET still to come: like Node, take
		// the packets and ignore them.
		srv.respond(s.Loop(), c, gen, appendResponse(srv.buf(s.Loop()), 200, contentTypeHTML, cors, okBody))
		return
	case s.refuse(c, gen, cors):
		return
	}
	if s.jsonp {
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
			srv.respond(s.Loop(), c, gen, appendResponse(srv.buf(s.Loop()), 200, contentTypeHTML, cors, okBody))
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
	srv.respond(s.Loop(), c, gen, appendResponse(srv.buf(s.Loop()), 200, contentTypeHTML, cors, okBody))
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
	if ps := s.ps; ps.poll == c && ps.pollGen == gen {
		ps.poll = nil
	}
	s.end(ReasonTransportClose)
}

var okBody = []byte("ok")

// refuse answers a polling request that the session can no longer take: it
// has ended (unknown sid) or moved to websocket (bad request).
func (s *Session) refuse(c *Conn, gen exchange, cors string) bool {
	switch {
	case s.eio.Closed():
		s.srv.respond(s.Loop(), c, gen, s.srv.errorResponse(engineio.UnknownSID, cors))
	case !s.polling():
		s.srv.respond(s.Loop(), c, gen, s.srv.errorResponse(engineio.BadRequest, cors))
	default:
		return false
	}
	return true
}
