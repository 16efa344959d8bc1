package transports

// flushList collects, on one loop, the polling sessions whose parked GET
// is to be answered at the end of the loop's turn, so that packets sent
// together leave together. One function posted per turn runs them all:
// posting each session's own s.flushPoll would allocate a closure (a
// method value) on every message sent over polling.
type flushList struct {
	ss  []*Session
	run func() // posted when the list stops being empty
}

// initFlush makes the posted function of each loop's list.
func (srv *Server) initFlush(n int) {
	srv.flushes = make([]flushList, n)
	for i := range srv.flushes {
		srv.flushes[i].run = func() { srv.runFlushes(i) }
	}
}

// postFlush arranges for s.flushPoll to run later in this turn of s's home
// loop. On that loop only.
func (srv *Server) postFlush(s *Session) {
	l := &srv.flushes[s.Loop()]
	l.ss = append(l.ss, s)
	if len(l.ss) == 1 {
		srv.loops.Post(s.Loop(), l.run)
	}
}

// runFlushes flushes the sessions listed on loop, those listed meanwhile
// included.
func (srv *Server) runFlushes(loop int) {
	l := &srv.flushes[loop]
	for i := 0; i < len(l.ss); i++ {
		s := l.ss[i]
		l.ss[i] = nil
		s.flushPoll()
	}
	l.ss = l.ss[:0]
}
