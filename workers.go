package tornadio

import "sync/atomic"

// workerPool runs user callbacks off the event loop (WithWorkers). Each
// socket is bound to one worker, so its callbacks keep their order.
type workerPool struct {
	chs  []chan func()
	next atomic.Uint32
}

func newWorkerPool(n int) *workerPool {
	p := &workerPool{chs: make([]chan func(), n)}
	for i := range p.chs {
		ch := make(chan func(), 1024)
		p.chs[i] = ch
		go func() {
			for fn := range ch {
				fn()
			}
		}()
	}
	return p
}

// pick returns the worker index for a new socket.
func (p *workerPool) pick() int { return int(p.next.Add(1)-1) % len(p.chs) }

func (p *workerPool) stop() {
	for _, ch := range p.chs {
		close(ch)
	}
}

// runOnWorker runs fn at once when there are no workers (on the loop that
// calls it), else on worker i (modulo the pool's size).
func (c *core) runOnWorker(i int, fn func()) {
	if c.workers == nil {
		fn()
		return
	}
	c.workers.chs[i%len(c.workers.chs)] <- fn
}

// run runs fn for socket sock: on the loop when there are no workers, else
// on the socket's worker, after which then (if any) runs on the loop.
func (s *Server) run(sock *Socket, fn func(), then func()) {
	if s.workers == nil {
		fn()
		if then != nil {
			then()
		}
		return
	}
	s.workers.chs[sock.worker] <- func() {
		fn()
		if then != nil {
			sock.post(then)
		}
	}
}
