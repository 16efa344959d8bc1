package engineio

// ClosePolling begins a polling session's close by the server, before End.
// Like Node, what is queued leaves first (the engine waits for its buffer
// to drain before closing the transport), and the close packet comes in a
// later answer: a client handles a close at once but its Socket.IO packets
// a tick later, so a DISCONNECT sent with the close would be lost
// ("transport close" instead of "io server disconnect"). Without a GET
// parked, the session stays reachable for the client's next GETs (rather
// than "unknown sid", which clients answer by reconnecting).
//
// The caller first answers the parked GET if Answerable, then calls
// ClosePolling, and answers the parked GET again if it reports answer.
func (s *Session[P]) ClosePolling() (answer bool) {
	p := s.poll
	if s.closed || p == nil || s.websocket.Load() {
		return false
	}
	switch {
	case len(p.queue) > 0:
		p.closeNext, p.draining = true, true
	case p.parked:
		p.enqueue(Packet{Type: Close})
		return true
	default:
		p.enqueue(Packet{Type: Close})
		p.draining = true
	}
	return false
}

// ClientClosePolling begins a polling session's close by the client (a
// close packet), before End. Like Node, the client's GET is released with a
// noop rather than a close packet (or with what was queued for it):
// answered now when it is parked (answer), or when it comes, for a GET sent
// before the close may be read after it on another connection (a close
// POST does not wait for the GET beside it). That GET is awaited for
// PingTimeout from now, the time the protocol gives a client to answer; a
// later one gets "unknown sid".
func (s *Session[P]) ClientClosePolling(cfg *Config, now int64) (answer bool) {
	p := s.poll
	if s.closed || p == nil || s.websocket.Load() {
		return false
	}
	// What waits for the GET still goes (Node would have written it to a
	// parked GET already); a noop when nothing does.
	if len(p.queue) == 0 {
		p.enqueue(Packet{Type: Noop})
	}
	if p.parked {
		return true
	}
	p.draining, p.byClient, p.closeNext = true, true, false
	p.drainBy = now + int64(cfg.PingTimeout)
	return false
}

// Ended is what End answers: what the caller does as the session ends,
// besides telling the application.
type Ended uint8

const (
	// EndedAnswer: answer the parked GET (AppendAnswer): it carries a
	// close packet.
	EndedAnswer Ended = 1 << iota
	// EndedDropProbe: close the probe.
	EndedDropProbe
	// EndedDraining: the session waits, ended, for a last GET until
	// Deadline: keep it where such a GET finds it.
	EndedDraining
)

// End marks the session ended at now and stops its heartbeat and upgrade.
// ok is false when the session had ended already, so that the caller tears
// down once.
func (s *Session[P]) End(cfg *Config, now int64) (what Ended, ok bool) {
	if s.closed {
		return 0, false
	}
	s.closed = true
	s.hbAt, s.awaitPong = 0, false
	p := s.poll
	if p == nil {
		return 0, true
	}
	if p.parked {
		p.clearQueue()
		p.enqueue(Packet{Type: Close})
		what |= EndedAnswer
	}
	// A probe whose upgrade is under way is kept while a session the
	// server closed drains: see ProbeUpgradeEnded. One the client closed
	// has nothing left to say over it.
	if p.probing && !(p.draining && p.upgrading && !p.byClient) {
		p.probing = false
		what |= EndedDropProbe
	}
	if p.draining {
		if p.drainBy == 0 {
			p.drainBy = now + int64(cfg.PingInterval+cfg.PingTimeout)
		}
		what |= EndedDraining
	} else if !p.parked {
		p.queue, p.queued, p.cost = nil, 0, 0
	}
	return what, true
}

// Draining reports whether the session has ended and waits for a last GET.
func (s *Session[P]) Draining() bool { return s.poll != nil && s.poll.draining }

// StopDraining stops waiting for a last GET. wasDraining reports whether
// the session was waiting (take it from where such a GET finds it);
// dropProbe, whether a probe is left to close.
func (s *Session[P]) StopDraining() (wasDraining, dropProbe bool) {
	p := s.poll
	if p == nil {
		return false, false
	}
	if p.draining {
		wasDraining = true
		p.draining = false
		p.queue, p.queued, p.cost = nil, 0, 0
	}
	if p.probing {
		p.probing = false
		dropProbe = true
	}
	return wasDraining, dropProbe
}
