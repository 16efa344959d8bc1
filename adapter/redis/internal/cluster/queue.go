package cluster

import (
	"context"
	"sync"
	"time"
)

// Queue runs Redis work on one goroutine of its own, in the order it was
// queued, so that no caller (an event loop above all) waits for Redis and
// the other nodes see one node's messages in the order it issued them. The
// queue is unbounded: while Redis is unreachable each job fails after its
// own timeout and the jobs behind it wait.
type Queue struct {
	mu     sync.Mutex
	jobs   []func(ctx context.Context)
	closed bool
	wake   chan struct{}
	exited chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
}

// NewQueue starts a queue's goroutine; Close ends it.
func NewQueue() *Queue {
	q := &Queue{wake: make(chan struct{}, 1), exited: make(chan struct{})}
	q.ctx, q.cancel = context.WithCancel(context.Background())
	go q.run()
	return q
}

// Push queues job, which gets a context cancelled when Close gives up
// waiting; false once the queue is closed. Never blocks.
func (q *Queue) Push(job func(ctx context.Context)) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	q.jobs = append(q.jobs, job)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

func (q *Queue) run() {
	defer close(q.exited)
	var batch []func(ctx context.Context)
	for {
		q.mu.Lock()
		batch, q.jobs = q.jobs, batch[:0]
		closed := q.closed
		q.mu.Unlock()
		for i, job := range batch {
			job(q.ctx)
			batch[i] = nil
		}
		if len(batch) > 0 {
			continue
		}
		if closed {
			return
		}
		<-q.wake
	}
}

// Close stops taking jobs and lets the queued ones run for up to grace,
// then cancels the ones still running and waits for the goroutine's end.
func (q *Queue) Close(grace time.Duration) {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	select {
	case <-q.exited:
	case <-time.After(grace):
		q.cancel()
		<-q.exited
	}
	q.cancel()
}
