package transports

// Inbound order across loops.
//
// A session's requests and frames can reach it on connections of different
// loops: a polling GET on one, the POST beside it on another, the upgrading
// websocket on a third. Each loop hands what it read to the session's home
// loop, and hand-overs from different loops, or a hand-over and a request
// read on the home loop itself, can overtake one another there. Where the
// protocol's meaning depends on the order (a parked GET, then a POST
// carrying a close packet, which must release that GET with a noop; a "5"
// upgrade packet on the websocket, then a GET, which must be refused), that
// would change the answer.
//
// So every inbound event of a session takes a ticket, on the loop that read
// it, at the moment it was read, and the home loop runs the events in ticket
// order: an event whose predecessors have not all run yet is held (by the
// home loop, see loopState.held) until they have. Every ticket taken is
// handed over, so a held event always runs. Arrival order here is read order:
// the order in which the loops took the bytes from their sockets.

// ticket numbers a session's inbound events in the order they were read. It
// wraps; fewer than 2^31 events are ever in flight for one session.
type ticket uint32

// heldEvent is an event that reached the home loop before its turn.
type heldEvent struct {
	t  ticket
	fn func()
}

// take draws the ticket of an event just read. Safe from any goroutine.
func (s *Session) take() ticket { return ticket(s.issued.Add(1)) }

// inTurn reports whether t is the next event to run. Home loop only.
func (s *Session) inTurn(t ticket) bool { return t == s.served+1 }

// ran records that the event whose turn it was has run, then runs the held
// events whose turn has come. Home loop only.
func (s *Session) ran() {
	s.served++
	if held := s.srv.loopState[s.Loop()].held; len(held) > 0 {
		if _, ok := held[s]; ok {
			s.runHeld()
		}
	}
}

// inOrder runs fn, the event of ticket t, now if its turn has come, and
// holds it otherwise. Home loop only.
func (s *Session) inOrder(t ticket, fn func()) {
	if !s.inTurn(t) {
		s.hold(t, fn)
		return
	}
	fn()
	s.ran()
}

// hold keeps fn until the events before ticket t have run.
func (s *Session) hold(t ticket, fn func()) {
	ls := &s.srv.loopState[s.Loop()]
	if ls.held == nil {
		ls.held = make(map[*Session][]heldEvent)
	}
	ls.held[s] = append(ls.held[s], heldEvent{t, fn})
}

// runHeld runs, in order, the held events of s whose turn has come.
func (s *Session) runHeld() {
	ls := &s.srv.loopState[s.Loop()]
	for {
		hs := ls.held[s]
		i := 0
		for i < len(hs) && !s.inTurn(hs[i].t) {
			i++
		}
		if i == len(hs) {
			return
		}
		fn := hs[i].fn
		hs = append(hs[:i], hs[i+1:]...)
		if len(hs) == 0 {
			delete(ls.held, s)
		} else {
			ls.held[s] = hs
		}
		fn()
		s.served++
	}
}

// deliver runs fn, the event of ticket t read on loop from, on s's home
// loop in ticket order: now when from is the home loop, else posted there.
func (s *Session) deliver(from int, t ticket, fn func()) {
	if s.Loop() == from {
		s.inOrder(t, fn)
		return
	}
	s.srv.loops.Post(s.Loop(), func() { s.inOrder(t, fn) })
}
