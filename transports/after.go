package transports

import "time"

// Timer is a function scheduled on a loop with AfterFunc.
type Timer struct {
	fn     func()
	at     time.Time
	heapAt time.Time
	srv    *Server
	loop   int
}

func (t *Timer) slot() *time.Time { return &t.heapAt }

func (t *Timer) tick(now time.Time) {
	if t.fn == nil {
		return
	}
	if now.Before(t.at) {
		t.srv.scheduleOn(t.loop, t, t.at)
		return
	}
	fn := t.fn
	t.fn = nil
	fn()
}

// Stop cancels the timer; it reports whether fn had not run yet. Call it on
// the timer's loop.
func (t *Timer) Stop() bool {
	pending := t.fn != nil
	t.fn = nil
	return pending
}

// AfterFunc runs fn on loop once d has passed, driven by the loop's timer
// heap (no goroutine, no runtime timer). Call it on that loop.
func (srv *Server) AfterFunc(loop int, d time.Duration, fn func()) *Timer {
	t := &Timer{fn: fn, at: srv.loops.Now().Add(d), srv: srv, loop: loop}
	srv.scheduleOn(loop, t, t.at)
	return t
}

// Now is the loops' clock.
func (srv *Server) Now() time.Time { return srv.loops.Now() }
