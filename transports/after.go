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
func (t *Timer) tick(time.Time) {
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
// heap (no goroutine, no runtime timer). Call it on that loop.
func (srv *Server) AfterFunc(loop int, d time.Duration, fn func()) *Timer {
	t := &Timer{fn: fn, srv: srv, tn: timerNode{loop: int32(loop)}}
	srv.scheduleOn(loop, t, max(srv.now()+int64(d), 1))
	return t
}

// Now is the loops' clock.
func (srv *Server) Now() time.Time { return srv.loops.Now() }
