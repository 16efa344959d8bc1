// Package transportstest drives package transports in memory: fake event
// loops with explicit queues and a manual clock, fake connections that record
// what the machine writes, a recording App, and helpers to build client
// requests and frames and to read back responses and server frames.
//
// Nothing here touches the network or starts goroutines; a test decides when
// each loop runs its queued work, which makes cross-loop interleavings
// reproducible.
package transportstest

import (
	"fmt"
	"math/rand"
	"sync"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// Loops is a fake transports.Loops: n loops, each a FIFO queue of posted
// functions that run only when the test says so, a manual clock, and one
// timer per loop, armed by Wake like the edge's runtime timer, that runs the
// loop's timer pass (Server.Tick) when Advance or Jump moves the clock past
// it. Nothing else runs timer passes (except Tick): a deadline the machine
// does not ask a wake for never fires, as on the real edge.
type Loops struct {
	mu      sync.Mutex
	queues  [][]func()
	io      [][]bool    // beside queues: the function is a connection's I/O (PostIO)
	wakes   []time.Time // per loop: what its timer is armed for, zero if nothing
	now     time.Time
	current int

	// Server gets the timer passes. Set by New.
	Server *transports.Server
	// Ran counts the functions run per loop.
	Ran []int
	// Woken counts the Wake calls per loop.
	Woken []int
}

// Epoch is the clock's start.
var Epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// NewLoops returns n idle loops with the clock at Epoch.
func NewLoops(n int) *Loops {
	return &Loops{queues: make([][]func(), n), wakes: make([]time.Time, n), now: Epoch, current: -1, Ran: make([]int, n), Woken: make([]int, n)}
}

// N is the number of loops.
func (l *Loops) N() int { return len(l.queues) }

// Post queues fn on loop. Safe from any goroutine.
func (l *Loops) Post(loop int, fn func()) {
	if loop < 0 || loop >= len(l.queues) {
		panic(fmt.Sprintf("transportstest: post to loop %d of %d", loop, len(l.queues)))
	}
	l.post(loop, fn, false)
}

// post queues fn on loop, as a connection's I/O or as work handed over.
func (l *Loops) post(loop int, fn func(), io bool) {
	l.mu.Lock()
	if l.io == nil {
		l.io = make([][]bool, len(l.queues))
	}
	l.queues[loop] = append(l.queues[loop], fn)
	l.io[loop] = append(l.io[loop], io)
	l.mu.Unlock()
}

// Now is the manual clock.
func (l *Loops) Now() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.now
}

// Wake arms loop's timer for at, in place of what it was armed for.
func (l *Loops) Wake(loop int, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if at.IsZero() {
		panic("transportstest: wake at the zero time")
	}
	l.wakes[loop] = at
	l.Woken[loop]++
}

// WakeAt is what loop's timer is armed for, the zero time if nothing.
func (l *Loops) WakeAt(loop int) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.wakes[loop]
}

// Current is the loop whose work is running, or -1 outside any loop.
func (l *Loops) Current() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.current
}

// Pending is the number of functions queued on loop.
func (l *Loops) Pending(loop int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queues[loop])
}

// Idle reports whether every queue is empty.
func (l *Loops) Idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, q := range l.queues {
		if len(q) > 0 {
			return false
		}
	}
	return true
}

// On runs fn now as if on loop (Current reports loop during the call).
// Calls may not nest across loops.
func (l *Loops) On(loop int, fn func()) {
	l.mu.Lock()
	prev := l.current
	if prev != -1 && prev != loop {
		l.mu.Unlock()
		panic(fmt.Sprintf("transportstest: running loop %d inside loop %d", loop, prev))
	}
	l.current = loop
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.current = prev
		l.mu.Unlock()
	}()
	fn()
}

// RunOne runs the first function queued on loop and reports whether there was
// one.
func (l *Loops) RunOne(loop int) bool {
	l.mu.Lock()
	q := l.queues[loop]
	if len(q) == 0 {
		l.mu.Unlock()
		return false
	}
	fn := l.remove(loop, 0)
	l.Ran[loop]++
	l.mu.Unlock()
	l.On(loop, fn)
	return true
}

// remove takes the i-th function off loop's queue. l.mu is held.
func (l *Loops) remove(loop, i int) func() {
	q := l.queues[loop]
	fn := q[i]
	l.queues[loop] = append(q[:i:i], q[i+1:]...)
	l.io[loop] = append(l.io[loop][:i:i], l.io[loop][i+1:]...)
	return fn
}

// Run runs loop's queue until it is empty, including what is posted to it
// meanwhile, and returns how many functions ran.
func (l *Loops) Run(loop int) int {
	n := 0
	for l.RunOne(loop) {
		n++
	}
	return n
}

// RunAll runs every loop's queue, round robin, until all are empty.
func (l *Loops) RunAll() int {
	n := 0
	for {
		m := 0
		for i := range l.queues {
			m += l.Run(i)
		}
		if m == 0 {
			return n
		}
		n += m
	}
}

// RunRandom runs one queued function at a time, on a loop picked at random
// among those with work, until all queues are empty.
func (l *Loops) RunRandom(r *rand.Rand) int {
	n := 0
	var ready []int
	for {
		ready = ready[:0]
		l.mu.Lock()
		for i, q := range l.queues {
			if len(q) > 0 {
				ready = append(ready, i)
			}
		}
		l.mu.Unlock()
		if len(ready) == 0 {
			return n
		}
		l.RunOne(ready[r.Intn(len(ready))])
		n++
	}
}

// Tick runs a timer pass on every loop at the current time, whether its
// timer is armed or not (an extra pass, which must do no harm), then runs
// the queues.
func (l *Loops) Tick() {
	for i := range l.queues {
		l.pass(i)
	}
	l.RunAll()
}

// pass runs Server.Tick on loop.
func (l *Loops) pass(loop int) {
	if l.Server != nil {
		l.On(loop, func() { l.Server.Tick(loop) })
	}
}

// fire disarms the earliest timer armed for no later than until, moving the
// clock to the time it was armed for if the clock is behind it, and runs
// its pass and then the queues. It reports false when no timer is due by
// until.
func (l *Loops) fire(until time.Time) bool {
	l.mu.Lock()
	loop := -1
	for i, at := range l.wakes {
		if !at.IsZero() && !at.After(until) && (loop < 0 || at.Before(l.wakes[loop])) {
			loop = i
		}
	}
	if loop < 0 {
		l.mu.Unlock()
		return false
	}
	if at := l.wakes[loop]; at.After(l.now) {
		l.now = at
	}
	l.wakes[loop] = time.Time{}
	l.mu.Unlock()
	l.pass(loop)
	l.RunAll()
	return true
}

// Advance runs the queues, then moves the clock forward by d, stopping at
// every timer armed on the way: each loop's timer pass runs with the clock
// at exactly the time its timer was armed for, as on an edge that is never
// late, then every queue runs.
func (l *Loops) Advance(d time.Duration) {
	l.RunAll()
	l.mu.Lock()
	end := l.now.Add(d)
	l.mu.Unlock()
	for l.fire(end) {
	}
	l.mu.Lock()
	l.now = end
	l.mu.Unlock()
	l.RunAll()
}

// Jump runs the queues, then moves the clock forward by d at once and
// fires the timers armed for no later than the new time, late: their
// passes run at the new time, as on a loop that was busy when they were
// due. Then the queues run.
func (l *Loops) Jump(d time.Duration) {
	l.RunAll()
	l.mu.Lock()
	l.now = l.now.Add(d)
	end := l.now
	l.mu.Unlock()
	for l.fire(end) {
	}
	l.RunAll()
}
