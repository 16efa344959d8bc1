package transports

import (
	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
)

// attachProbe starts an upgrade: c is a new WebSocket for polling session s.
func (s *Session) attachProbe(c *Conn) {
	if !s.eio.Probe(&s.srv.eioCfg, s.srv.now()) {
		c.kill(s.Loop())
		return
	}
	s.ps().probe = c
	s.rearm()
}

// onWSPacket handles a packet that arrived on WebSocket c: the session's
// transport, or the probe of its upgrade (see engineio.Session.ProbePacket).
func (s *Session) onWSPacket(c *Conn, p engineio.Packet) {
	if c == s.ws {
		s.receive(p, s.srv.now())
		return
	}
	ps := s.ps()
	if ps == nil || c != ps.probe {
		return
	}
	step, answerGET := s.eio.ProbePacket(&p)
	switch step {
	case engineio.ProbePong:
		s.writeWS(c, engineio.Pong, false, nil, engineio.ProbeData())
		if answerGET {
			s.flushPoll()
		}
	case engineio.ProbeUpgrade:
		s.srv.countUpgraded(s.Loop())
		ps.probe = nil
		s.ws = c
		if g := ps.poll; answerGET && g != nil {
			ps.poll = nil
			s.srv.respond(s.Loop(), g, ps.pollGen, s.srv.errorResponse(engineio.BadRequest, ps.pollCORS))
		}
		s.flushQueueWS()
		if s.ws != nil {
			// Polling is over for good (GETs and POSTs for the session are
			// refused from now on): let its state go.
			s.eio.DropPolling()
		}
	case engineio.ProbeUpgradeEnded:
		// The client has stopped polling to upgrade, so what was queued for
		// it (DISCONNECT packets, say, then the close packet) can only reach
		// it over the websocket, followed by a close frame.
		ps.probe = nil
		for _, q := range s.eio.Queued() {
			if !s.writeWSFrame(c, q.Type, q.Binary, !q.NoCompress, nil, q.Data) {
				break
			}
		}
		c.sendClose(s.Loop(), 0)
		s.stopDraining()
	case engineio.ProbeFail:
		ps.probe = nil
		c.sendClose(s.Loop(), frames.StatusProtocolError)
		if s.eio.Closed() {
			s.stopDraining()
		}
	}
}

// flushQueueWS writes what was queued over the WebSocket.
func (s *Session) flushQueueWS() {
	for _, p := range s.eio.Queued() {
		if !s.writeWSFrame(s.ws, p.Type, p.Binary, !p.NoCompress, nil, p.Data) || s.ws == nil {
			return // the session ended
		}
	}
}

// wsGone is told that WebSocket c closed.
func (s *Session) wsGone(c *Conn, reason string) {
	switch {
	case c == s.ws:
		s.ws = nil
		s.end(reason)
	case s.ps() != nil && c == s.ps().probe:
		s.ps().probe = nil
		s.eio.ProbeGone()
	}
}
