package transports

import "time"

// Timer is a function scheduled on a loop with AfterFunc.
type Timer struct {
	fn  func()
	srv *Server
	tn  timerNode // and the loop
}

func (t *Timer) node() *timerNode { return &t.tn }

// tick runs fn: the timer is queued once, for its deadline, so it is due.
func (t *Timer) tick(int64) {
	fn := t.fn
	t.fn = nil
	if fn != nil {
		fn()
	}
}

// Stop cancels the timer; it reports whether fn had not run yet. Call it on
// the timer's loop. A stopped timer leaves the loop's heap at once, so that
// timers set and stopped per connection or per acknowledgement cost nothing
// until they would have expired.
func (t *Timer) Stop() bool {
	pending := t.fn != nil
	t.fn = nil
	t.srv.unschedule(int(t.tn.loop), t)
	return pending
}

// AfterFunc runs fn on loop once d has passed, driven by the loop's timer
// heap (no goroutine, no runtime timer per call). Call it on that loop.
// Called from a timer's function, d counts from when that timer was due, so
// that a timer set again and again does not drift.
func (srv *Server) AfterFunc(loop int, d time.Duration, fn func()) *Timer {
	return srv.AtFunc(loop, srv.Clock(loop)+int64(d), fn)
}

// AtFunc runs fn on loop at deadline at, a Clock reading plus a duration.
// Call it on that loop.
func (srv *Server) AtFunc(loop int, at int64, fn func()) *Timer {
	t := &Timer{fn: fn, srv: srv, tn: timerNode{loop: int32(loop)}}
	srv.scheduleOn(loop, t, max(at, 1))
	return t
}

// Clock is loop's clock as a deadline for AtFunc: nanoseconds since an
// origin of the server's, read on the loops' clock (Loops.Now), except in a
// timer's function, where it is when that timer was due. Call it on loop.
func (srv *Server) Clock(loop int) int64 { return srv.clock(loop) }

// Now is the loops' clock.
func (srv *Server) Now() time.Time { return srv.loops.Now() }
