package tornadio

// Where a user callback runs: on the loop that calls it without
// WithWorkers, else on a worker of the pool (internal/workerpool), the
// socket's own, so its callbacks keep their order.

// runOnWorker runs fn at once when there are no workers (on the loop that
// calls it), else on worker i (modulo the pool's size).
func (c *core) runOnWorker(i int, fn func()) {
	if c.workers == nil {
		fn()
		return
	}
	c.workers.Run(i, fn)
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
	s.workers.Run(int(sock.worker), func() {
		fn()
		if then != nil {
			sock.post(then)
		}
	})
}
