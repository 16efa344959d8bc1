package loop

import "time"

// The machine's timers (transports.Server's timer heap, one per loop) run
// when they are due, not on a tick: each loop has one runtime timer, which
// the machine arms through Wake for its earliest deadline, and whose expiry
// posts the loop's timer pass (Server.Tick) to the loop's mailbox. The pass
// runs what is due and arms the timer again for the next deadline. The
// machine calls Wake only when its earliest deadline becomes earlier than
// the one armed, so that deadlines moving later (the common case: a pong
// moves the next ping later) cost nothing; a pass that finds nothing due
// (its deadline moved) just arms the timer for the new earliest.
//
// Nothing else wakes a loop on its own: the engine runs gnet without its
// ticker, and the drain passes and the refusal log arm timers of their own
// only while they have something to do (drain.go, connlimit.go). An idle
// engine (connections open, no deadline near) sleeps in epoll_wait.

// initWakes makes one stopped runtime timer per loop, whose expiry posts
// the loop's timer pass. Called by Bind, after e.ticks.
func (e *Engine) initWakes() {
	e.wakes = e.passTimers(func(i int) func() { return e.ticks[i] })
}

// passTimers makes one stopped runtime timer per loop, whose expiry counts
// a wakeup and posts passOf(i) to loop i: the timer pass of the loop's
// timers, drains or writable set.
func (e *Engine) passTimers(passOf func(i int) func()) []*time.Timer {
	timers := make([]*time.Timer, e.opts.Loops)
	for i := range timers {
		pass := passOf(i)
		timers[i] = time.AfterFunc(time.Hour, func() {
			e.wakeups.Add(1)
			e.Post(i, pass)
		})
		timers[i].Stop()
	}
	return timers
}

// Wake arms loop i's timer for at, in place of what it was armed for
// (transports.Loops). The machine calls it on loop i.
func (e *Engine) Wake(i int, at time.Time) {
	e.wakes[i].Reset(time.Until(at))
}

// stopAll disarms timers once the engine has stopped.
func stopAll(timers []*time.Timer) {
	for _, t := range timers {
		t.Stop()
	}
}
