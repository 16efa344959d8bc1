package loop

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/panjf2000/gnet/v2"
)

// mailbox queues functions for one event loop. Any goroutine may post; the
// loop drains. At most one Execute is in flight per mailbox, however many
// functions are posted.
type mailbox struct {
	el        gnet.EventLoop
	mu        sync.Mutex
	q         []func()
	spare     []func()
	scheduled atomic.Bool
	run       gnet.Runnable
}

func newMailbox(el gnet.EventLoop) *mailbox {
	m := &mailbox{el: el}
	m.run = gnet.RunnableFunc(func(context.Context) error {
		m.drain()
		return nil
	})
	return m
}

func (m *mailbox) post(fn func()) {
	m.mu.Lock()
	m.q = append(m.q, fn)
	m.mu.Unlock()
	if m.scheduled.CompareAndSwap(false, true) {
		if err := m.el.Execute(context.Background(), m.run); err != nil {
			// The engine is shutting down: nothing will run any more.
			m.scheduled.Store(false)
		}
	}
}

// drain runs on the loop.
func (m *mailbox) drain() {
	for {
		m.mu.Lock()
		q := m.q
		m.q = m.spare[:0]
		m.mu.Unlock()
		for i, fn := range q {
			fn()
			q[i] = nil
		}
		m.spare = q[:0]
		m.scheduled.Store(false)
		m.mu.Lock()
		empty := len(m.q) == 0
		m.mu.Unlock()
		if empty || !m.scheduled.CompareAndSwap(false, true) {
			return
		}
	}
}
