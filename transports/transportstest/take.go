package transportstest

import (
	"fmt"
	"math/rand"
	"time"
)

// A loop's queue holds two kinds of work: a connection's I/O (bytes that
// arrived, a hang-up, a wake-up), queued with PostIO, and work handed over
// by any loop with Post. A real event loop keeps each kind in order but
// may run either first: gnet handles a turn's ready sockets before the
// tasks queued for the loop. RunMixed and Take let a test take either way.

// PostIO queues fn, the I/O of a connection of loop. Safe from any goroutine.
func (l *Loops) PostIO(loop int, fn func()) { l.post(loop, fn, true) }

// Take removes the i-th function queued on loop and returns it, so that a
// test can hand it back with Post after others: a hand-over between loops
// overtaken by a later one.
func (l *Loops) Take(loop, i int) func() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := len(l.queues[loop]); i < 0 || i >= n {
		panic(fmt.Sprintf("transportstest: take %d of %d queued on loop %d", i, n, loop))
	}
	return l.remove(loop, i)
}

// RunMixed runs, on loop, the first queued function of one kind picked at
// random (the first I/O, or the first hand-over), and reports whether there
// was one.
func (l *Loops) RunMixed(loop int, r *rand.Rand) bool {
	l.mu.Lock()
	first := [2]int{-1, -1} // the first hand-over, the first I/O
	for i, io := range l.io[loop] {
		k := 0
		if io {
			k = 1
		}
		if first[k] < 0 {
			first[k] = i
		}
	}
	i := first[r.Intn(2)]
	if i < 0 {
		i = max(first[0], first[1])
	}
	if i < 0 {
		l.mu.Unlock()
		return false
	}
	fn := l.remove(loop, i)
	l.Ran[loop]++
	l.mu.Unlock()
	l.On(loop, fn)
	return true
}

// MoveClock moves the clock forward by d and runs nothing: the timers due
// meanwhile fire at the next Advance, Jump or Tick, as on a loop whose
// timer pass is still on its way when a request is read.
func (l *Loops) MoveClock(d time.Duration) {
	l.mu.Lock()
	l.now = l.now.Add(d)
	l.mu.Unlock()
}
