package transports

import (
	"github.com/gobwas/ws"

	"github.com/tornadio/tornadio/engineio"
)

// attachProbe starts an upgrade: c is a new WebSocket for polling session s.
func (s *Session) attachProbe(c *Conn) {
	if s.closed || s.transport != Polling || s.probe != nil {
		c.kill(s.loop)
		return
	}
	s.probe = c
	s.upgradeBy = s.srv.loops.Now().Add(s.srv.cfg.UpgradeTimeout)
	s.srv.schedule(s, s.upgradeBy)
}

// onWSPacket handles a packet that arrived on WebSocket c.
func (s *Session) onWSPacket(c *Conn, p engineio.Packet) {
	if s.closed {
		if s.draining && c == s.probe {
			s.upgradeWhileDraining(c, p)
		}
		return
	}
	if c == s.ws {
		s.receive(p, s.srv.loops.Now())
		return
	}
	if c != s.probe {
		return
	}
	switch {
	case p.Type == engineio.Ping && isProbe(p.Data):
		s.writeWS(c, engineio.Pong, false, nil, probe)
		s.upgrading = true
		if s.poll != nil && len(s.queue) == 0 {
			s.enqueue(engineio.Packet{Type: engineio.Noop})
			s.flushPoll()
		}
	case p.Type == engineio.Upgrade && s.upgrading:
		s.upgrading = false
		s.probe = nil
		s.transport = WebSocket
		s.onWS.Store(true)
		s.ws = c
		if s.poll != nil {
			// Release the GET the client may still have in flight; what was
			// queued for it now goes over the WebSocket.
			pending, queued := s.queue, s.queued
			s.queue, s.queued = nil, 0
			s.enqueue(engineio.Packet{Type: engineio.Noop})
			s.flushPoll()
			s.queue, s.queued = pending, queued
		}
		s.flushQueueWS()
	default:
		s.probe = nil
		s.upgrading = false
		c.sendClose(s.loop, ws.StatusProtocolError)
	}
}

// flushQueueWS writes what polling had queued over the WebSocket.
func (s *Session) flushQueueWS() {
	for i := range s.queue {
		p := &s.queue[i]
		if !s.writeWS(s.ws, p.Type, p.Binary, nil, p.Data) || s.ws == nil {
			return // the session ended
		}
	}
	s.clearQueue()
}

// wsGone is told that WebSocket c closed.
func (s *Session) wsGone(c *Conn, reason string) {
	switch c {
	case s.ws:
		s.ws = nil
		s.end(reason)
	case s.probe:
		s.probe = nil
		s.upgrading = false
	}
}

// upgradeWhileDraining lets an upgrade that was under way when the server
// closed the session complete, as Node does (its upgrade goes on while the
// socket is "closing"): the client has stopped polling to upgrade, so what
// was queued for it (DISCONNECT packets, say) can only reach it over the
// websocket, followed by the close packet and a close frame.
func (s *Session) upgradeWhileDraining(c *Conn, p engineio.Packet) {
	switch p.Type {
	case engineio.Ping:
		if isProbe(p.Data) {
			s.writeWS(c, engineio.Pong, false, nil, probe)
		}
	case engineio.Upgrade:
		s.probe = nil
		s.upgrading = false
		s.transport = WebSocket
		s.onWS.Store(true)
		ok := true
		for i := range s.queue {
			q := &s.queue[i]
			if ok = s.writeWS(c, q.Type, q.Binary, nil, q.Data); !ok {
				break
			}
		}
		if ok && s.closeNext {
			s.writeWS(c, engineio.Close, false, nil, nil)
		}
		s.closeNext = false
		c.sendClose(s.loop, 0)
		s.stopDraining()
	default:
		s.probe = nil
		c.sendClose(s.loop, ws.StatusProtocolError)
		s.stopDraining()
	}
}
