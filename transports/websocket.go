package transports

import (
	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
)

// attachProbe starts an upgrade: c is a new WebSocket for polling session s.
func (s *Session) attachProbe(c *Conn) {
	ps := s.ps
	if s.eio.Closed() || !s.polling() || ps.probe != nil {
		c.kill(s.Loop())
		return
	}
	ps.probe = c
	ps.upgradeBy = s.srv.now() + int64(s.srv.cfg.UpgradeTimeout)
	s.rearm()
}

// onWSPacket handles a packet that arrived on WebSocket c.
func (s *Session) onWSPacket(c *Conn, p engineio.Packet) {
	ps := s.ps
	if s.eio.Closed() {
		if ps != nil && ps.draining && c == ps.probe {
			s.upgradeWhileDraining(c, p)
		}
		return
	}
	if c == s.ws {
		s.receive(p, s.srv.now())
		return
	}
	if ps == nil || c != ps.probe {
		return
	}
	switch {
	case p.Type == engineio.Ping && isProbe(p.Data):
		s.writeWS(c, engineio.Pong, false, nil, probe)
		ps.upgrading = true
		if ps.poll != nil && len(ps.queue) == 0 {
			s.enqueue(engineio.Packet{Type: engineio.Noop})
			s.flushPoll()
		}
	case p.Type == engineio.Upgrade && ps.upgrading:
		ps.upgrading = false
		ps.probe = nil
		s.onWS.Store(true)
		s.ws = c
		if g := ps.poll; g != nil {
			// A GET parked since the probe, waiting for its noop: a client
			// sends "5" once its GETs are answered, so this one was sent
			// after; it is refused like any GET after the upgrade. What was
			// queued now goes over the WebSocket.
			ps.poll, ps.noopBy = nil, 0
			s.srv.respond(s.Loop(), g, ps.pollGen, s.srv.errorResponse(engineio.BadRequest, ps.pollCORS))
		}
		s.flushQueueWS()
		if s.ws != nil {
			// Polling is over for good (GETs and POSTs for the session are
			// refused from now on): let its state go.
			s.ps = nil
		}
	default:
		ps.probe = nil
		ps.upgrading = false
		c.sendClose(s.Loop(), frames.StatusProtocolError)
	}
}

// flushQueueWS writes what polling had queued over the WebSocket.
func (s *Session) flushQueueWS() {
	ps := s.ps
	if ps == nil {
		return
	}
	for i := range ps.queue {
		p := &ps.queue[i]
		if !s.writeWS(s.ws, p.Type, p.Binary, nil, p.Data) || s.ws == nil {
			return // the session ended
		}
	}
	s.clearQueue()
}

// wsGone is told that WebSocket c closed.
func (s *Session) wsGone(c *Conn, reason string) {
	switch {
	case c == s.ws:
		s.ws = nil
		s.end(reason)
	case s.ps != nil && c == s.ps.probe:
		s.ps.probe = nil
		s.ps.upgrading = false
	}
}

// upgradeWhileDraining lets an upgrade that was under way when the server
// closed the session complete, as Node does (its upgrade goes on while the
// socket is "closing"): the client has stopped polling to upgrade, so what
// was queued for it (DISCONNECT packets, say) can only reach it over the
// websocket, followed by the close packet and a close frame.
func (s *Session) upgradeWhileDraining(c *Conn, p engineio.Packet) {
	ps := s.ps
	switch p.Type {
	case engineio.Ping:
		if isProbe(p.Data) {
			s.writeWS(c, engineio.Pong, false, nil, probe)
		}
	case engineio.Upgrade:
		ps.probe = nil
		ps.upgrading = false
		s.onWS.Store(true)
		ok := true
		for i := range ps.queue {
			q := &ps.queue[i]
			if ok = s.writeWS(c, q.Type, q.Binary, nil, q.Data); !ok {
				break
			}
		}
		if ok && ps.closeNext {
			s.writeWS(c, engineio.Close, false, nil, nil)
		}
		ps.closeNext = false
		c.sendClose(s.Loop(), 0)
		s.stopDraining()
	default:
		ps.probe = nil
		c.sendClose(s.Loop(), frames.StatusProtocolError)
		s.stopDraining()
	}
}
