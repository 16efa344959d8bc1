package loop

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// Backpressure: a mailbox is bounded for the goroutines that can wait. A
// post from a goroutine that is neither an event loop nor one the loops
// wait for (MarkNoWait: the workers) — a user's goroutine broadcasting, a
// net/http handler, a cluster adapter's subscriber — waits, once its
// function is queued, while the mailbox holds more than MailboxHighWater
// functions or more than MailboxHighBytes of what they will write
// (PostSized), until the loop has run them down to half of that. So a
// goroutine posting in a tight loop cannot grow a mailbox without bound.
//
// The bytes matter beyond memory: a loop runs its whole mailbox in one
// turn, without writing to the sockets in between (gnet flushes what it
// holds once the turn is over), so what one turn writes to one client must
// fit in what the client may hold (MaxBufferedBytes): a client that reads
// fast would otherwise be cut as a slow consumer by a burst.
//
// Loops never wait: a loop that waited for another (or for itself) could
// never be woken. Neither do the goroutines a loop may wait for. Nothing
// else can hold a waiter forever either:
//   - the wait ends when the engine stops (Stop, Shutdown, gnet.Run
//     returning), and never starts once the loop refuses work;
//   - the wait ends when the loop has run nothing for MailboxStall: a loop
//     blocked (on a lock or a channel the waiting goroutine holds, say)
//     cannot drain, so the poster goes on rather than close a cycle. A
//     blocked loop is thus fed at most one function per waiting goroutine
//     per MailboxStall.
//
// The function is queued before the wait, so waiting changes nothing of
// what runs or in which order: it only delays the poster's return.
const (
	// MailboxHighWater is the number of functions queued on a loop past
	// which a poster that may wait waits.
	MailboxHighWater = 1024
	// MailboxLowWater is the number of queued functions at or below which
	// the waiting posters go on.
	MailboxLowWater = MailboxHighWater / 2
	// MailboxHighBytes is the number of bytes to write (PostSized) queued
	// on a loop past which a poster that may wait waits; it goes on at
	// half of it. Keep MaxBufferedBytes well above it (see above).
	MailboxHighBytes = 256 << 10
	// MailboxStall is how long a waiting poster lets a loop run nothing
	// before it stops waiting for it.
	MailboxStall = 100 * time.Millisecond
)

// mailbox queues functions for one event loop. Any goroutine may post; the
// loop drains. At most one Execute is in flight per mailbox, however many
// functions are posted.
type mailbox struct {
	el   gnet.EventLoop
	done <-chan struct{} // closed once the engine has stopped; nil: never

	mu      sync.Mutex
	q       []func()
	pending int // functions posted and not run yet: q and the batch being run
	qBytes  int // bytes to write of the functions in q (PostSized)
	bytes   int // bytes to write of the functions posted and not run yet
	running int // bytes to write of the batch being run
	// room is closed, and set to nil, once pending and bytes are down to
	// half their high-water marks (or the loop refuses work); made by the
	// first poster that finds either past its mark.
	room    chan struct{}
	refused bool // Execute failed: the engine is stopping, nothing will run

	stall     time.Duration // MailboxStall; tests set it
	spare     []func()      // on the loop
	ran       atomic.Uint64 // functions run, for waiters to tell a loop that moves
	scheduled atomic.Bool
	run       gnet.Runnable
}

func newMailbox(el gnet.EventLoop) *mailbox {
	m := &mailbox{el: el, stall: MailboxStall}
	m.run = gnet.RunnableFunc(func(context.Context) error {
		m.drain()
		return nil
	})
	return m
}

// newLoopMailbox is the mailbox of the engine's loop el, made on that loop:
// it notes the calling goroutine as a loop (OnLoop), whose posts never
// wait, and stops its waits once the engine has stopped.
func (e *Engine) newLoopMailbox(el gnet.EventLoop) *mailbox {
	markLoop()
	m := newMailbox(el)
	m.done = e.done
	return m
}

// PostSized is Post for work that writes about size bytes: the loop's
// backpressure counts them (MailboxHighBytes). Safe from any goroutine.
func (e *Engine) PostSized(i int, fn func(), size int) {
	if m := e.loops[i].Load(); m != nil {
		m.postSized(fn, size)
	}
}

// post queues fn; from a goroutine that may wait, it then waits while the
// mailbox is past its high-water marks (see above).
func (m *mailbox) post(fn func()) { m.postSized(fn, 0) }

// postSized is post for fn that writes about size bytes.
func (m *mailbox) postSized(fn func(), size int) {
	m.mu.Lock()
	m.q = append(m.q, fn)
	m.pending++
	m.qBytes += size
	m.bytes += size
	var room chan struct{}
	if (m.pending > MailboxHighWater || m.bytes > MailboxHighBytes) && !m.refused {
		if m.room == nil {
			m.room = make(chan struct{})
		}
		room = m.room
	}
	m.mu.Unlock()
	if m.scheduled.CompareAndSwap(false, true) {
		if err := m.el.Execute(context.Background(), m.run); err != nil {
			// The engine is shutting down: nothing will run any more.
			m.scheduled.Store(false)
			m.refuse()
			return
		}
	}
	if room != nil && mayWait() {
		m.wait(room)
	}
}

// wait returns once room is closed, the engine has stopped, or the loop
// has run nothing for MailboxStall.
func (m *mailbox) wait(room chan struct{}) {
	t := time.NewTimer(m.stall)
	defer t.Stop()
	last := m.ran.Load()
	for {
		select {
		case <-room:
			return
		case <-m.done:
			return
		case <-t.C:
			now := m.ran.Load()
			if now == last {
				return // the loop is stuck, perhaps on this goroutine
			}
			last = now
			t.Reset(m.stall)
		}
	}
}

// refuse notes that the loop takes no more work and lets the waiters go.
func (m *mailbox) refuse() {
	m.mu.Lock()
	m.refused = true
	m.releaseLocked()
	m.mu.Unlock()
}

// releaseLocked lets the waiting posters go; m.mu is held.
func (m *mailbox) releaseLocked() {
	if m.room != nil {
		close(m.room)
		m.room = nil
	}
}

// depth is the number of functions posted and not run yet. Any goroutine.
func (m *mailbox) depth() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pending
}

// drain runs on the loop.
func (m *mailbox) drain() {
	for {
		m.mu.Lock()
		q := m.q
		m.q = m.spare[:0]
		m.running, m.qBytes = m.qBytes, 0
		m.mu.Unlock()
		for i, fn := range q {
			fn()
			q[i] = nil
			m.ran.Add(1)
		}
		m.spare = q[:0]
		m.scheduled.Store(false)
		m.mu.Lock()
		m.pending -= len(q)
		m.bytes -= m.running
		m.running = 0
		if m.pending <= MailboxLowWater && m.bytes <= MailboxHighBytes/2 {
			m.releaseLocked()
		}
		empty := len(m.q) == 0
		m.mu.Unlock()
		if empty || !m.scheduled.CompareAndSwap(false, true) {
			return
		}
	}
}
