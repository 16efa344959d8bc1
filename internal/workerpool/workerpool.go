// Package workerpool runs user callbacks off the event loops (the server's
// WithWorkers option). A pool is a fixed set of goroutines, each draining
// its own queue in order; a caller binds each socket to one worker, so that
// socket's callbacks keep their order while a slow one holds up only the
// sockets sharing its worker.
//
// It holds no Socket.IO or Engine.IO knowledge and decides nothing about
// which loop a callback comes back to: the server does that.
package workerpool

import "sync/atomic"

// queueLen is how many callbacks a worker holds before Run blocks its
// caller.
const queueLen = 1024

// Pool is a fixed set of workers.
type Pool struct {
	queues []chan func()
	next   atomic.Uint32
}

// New starts n workers (n > 0).
func New(n int) *Pool {
	p := &Pool{queues: make([]chan func(), n)}
	for i := range p.queues {
		q := make(chan func(), queueLen)
		p.queues[i] = q
		go func() {
			for fn := range q {
				fn()
			}
		}()
	}
	return p
}

// Size is the number of workers.
func (p *Pool) Size() int { return len(p.queues) }

// Pick returns the worker for a new socket, in turn. Any goroutine.
func (p *Pool) Pick() int { return int(p.next.Add(1)-1) % len(p.queues) }

// Run queues fn on worker i (modulo the pool's size); it runs after every
// function queued there before it. Run blocks while that worker's queue is
// full. Any goroutine, until Stop.
func (p *Pool) Run(i int, fn func()) { p.queues[i%len(p.queues)] <- fn }

// Stop lets each worker finish what is queued and end. Run must not be
// called after Stop.
func (p *Pool) Stop() {
	for _, q := range p.queues {
		close(q)
	}
}
