package loop

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// startFakeLoop runs a fake loop until the test ends and returns a mailbox
// on it that waits for no stall (tests that want the stall set it back).
func startFakeLoop(t *testing.T) (*fakeLoop, *mailbox) {
	t.Helper()
	fl := &fakeLoop{ch: make(chan gnet.Runnable, 1<<16)}
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go fl.run(done)
	m := newMailbox(fl)
	m.stall = time.Hour
	return fl, m
}

// spin busies the loop for about d, so that a poster outruns it.
func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

// TestMailboxBackpressure: a goroutine posting far faster than its loop
// runs the functions never finds more than MailboxHighWater of them queued
// (plus one per stall of a loaded machine), and every function runs once,
// in order.
func TestMailboxBackpressure(t *testing.T) {
	_, m := startFakeLoop(t)
	m.stall = MailboxStall // a descheduled loop may let the poster go: counted in the slack
	const n = 3 * MailboxHighWater
	next := 0
	bad := make(chan int, 1)
	maxDepth := 0
	for i := 0; i < n; i++ {
		m.post(func() {
			if next != i {
				select {
				case bad <- i:
				default:
				}
			}
			next = i + 1
			spin(2 * time.Microsecond)
		})
		if d := m.depth(); d > maxDepth {
			maxDepth = d
		}
	}
	if maxDepth > MailboxHighWater+100 {
		t.Fatalf("the mailbox held %d functions; a waiting poster keeps it at %d", maxDepth, MailboxHighWater+1)
	}
	if maxDepth <= MailboxLowWater {
		t.Fatalf("the mailbox never held more than %d functions: the test did not outrun the loop", maxDepth)
	}
	waitFor(t, func() bool { return m.depth() == 0 })
	select {
	case i := <-bad:
		t.Fatalf("function %d ran out of order", i)
	default:
	}
}

// TestMailboxNoWaitGoroutines: a loop (or a worker, MarkNoWait) posting to
// a mailbox past its high-water mark never waits, even when the loop does
// not move.
func TestMailboxNoWaitGoroutines(t *testing.T) {
	_, m := startFakeLoop(t)
	gate := make(chan struct{})
	m.post(func() { <-gate }) // the loop is stuck until the end
	defer close(gate)
	returned := postMany(m, MailboxHighWater+100, MarkNoWait)
	mustClose(t, returned, "a no-wait goroutine waited for a mailbox")
}

// TestMailboxWaitEnds: a poster past the high-water mark waits until the
// loop runs the mailbox down to the low-water mark, and no longer.
func TestMailboxWaitEnds(t *testing.T) {
	_, m := startFakeLoop(t)
	gate := make(chan struct{})
	m.post(func() { <-gate })
	for i := 0; i < MailboxHighWater-1; i++ {
		m.post(func() {}) // not past the mark yet: returns
	}
	returned := postMany(m, 1, nil) // past it: waits
	waitFor(t, func() bool { return m.depth() == MailboxHighWater+1 })
	mustNotClose(t, returned, "a post past the high-water mark did not wait")
	close(gate)
	mustClose(t, returned, "the poster still waits once the loop has run the mailbox down")
}

// TestMailboxWaitEndsOnStall: a loop that runs nothing for MailboxStall
// (blocked, perhaps on the waiting goroutine) lets its posters go.
func TestMailboxWaitEndsOnStall(t *testing.T) {
	_, m := startFakeLoop(t)
	m.stall = 20 * time.Millisecond
	gate := make(chan struct{})
	defer close(gate)
	m.post(func() { <-gate })
	returned := postMany(m, MailboxHighWater+5, nil)
	mustClose(t, returned, "posters still wait for a loop that runs nothing")
}

// TestMailboxWaitEndsWhenEngineStops: the engine stopping (done closed)
// lets the waiting posters go, and a loop that refuses work makes no one
// wait.
func TestMailboxWaitEndsWhenEngineStops(t *testing.T) {
	_, m := startFakeLoop(t)
	done := make(chan struct{})
	m.done = done
	gate := make(chan struct{})
	defer close(gate)
	m.post(func() { <-gate })
	returned := postMany(m, MailboxHighWater+5, nil)
	waitFor(t, func() bool { return m.depth() > MailboxHighWater })
	close(done)
	mustClose(t, returned, "posters still wait once the engine has stopped")

	refused := newMailbox(refusingLoop{&fakeLoop{}})
	refused.stall = time.Hour
	finished := postMany(refused, MailboxHighWater+5, nil)
	mustClose(t, finished, "posters wait for a loop that refuses work")
}

// refusingLoop is a loop that has stopped: Execute fails.
type refusingLoop struct{ *fakeLoop }

func (refusingLoop) Execute(context.Context, gnet.Runnable) error { return errors.New("stopped") }

// postMany posts n empty functions to m from a new goroutine, which first
// calls mark if it is not nil, and returns a channel closed once every post
// has returned.
func postMany(m *mailbox, n int, mark func()) <-chan struct{} {
	returned := make(chan struct{})
	go func() {
		if mark != nil {
			mark()
		}
		for range n {
			m.post(func() {})
		}
		close(returned)
	}()
	return returned
}

// mustClose fails the test with msg unless ch closes within 30 seconds.
func mustClose(t *testing.T, ch <-chan struct{}, msg string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatal(msg)
	}
}

// mustNotClose fails the test with msg if ch has closed already.
func mustNotClose(t *testing.T, ch <-chan struct{}, msg string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatal(msg)
	default:
	}
}

// waitFor polls cond for up to 30 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 30s")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestMailboxWaitsForBytes: posts that write much (PostSized) wait past
// MailboxHighBytes however few they are, and go on once the loop has run
// them down to half of it.
func TestMailboxWaitsForBytes(t *testing.T) {
	_, m := startFakeLoop(t)
	gate := make(chan struct{})
	m.post(func() { <-gate })
	const size = MailboxHighBytes / 4
	for range 4 {
		m.postSized(func() {}, size) // at the mark, not past it: returns
	}
	returned := make(chan struct{})
	go func() {
		m.postSized(func() {}, 1) // past it: waits
		close(returned)
	}()
	waitFor(t, func() bool { return m.depth() == 6 })
	mustNotClose(t, returned, "a post past MailboxHighBytes did not wait")
	close(gate)
	mustClose(t, returned, "the poster still waits once the loop has run the mailbox down")
}
