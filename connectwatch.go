package tornadio

import "github.com/tornadio/tornadio/transports"

// connectQueue holds one loop's sessions that have not joined a namespace
// yet, in the order they opened. With one ConnectTimeout for all, that is
// deadline order, so one timer per loop serves every session instead of a
// timer and a closure each (an idle server holds many sessions).
type connectQueue struct {
	q     []pendingConnect
	head  int
	armed bool
}

type pendingConnect struct {
	c  *client
	at int64 // deadline on the loop's timer clock (transports.Server.Clock)
}

// watchConnect closes c's session if it has joined no namespace within
// ConnectTimeout. On c's loop.
func (s *Server) watchConnect(c *client) {
	loop := c.sess.Loop()
	cq := &s.scratch(loop).connects
	d := s.opts.ConnectTimeout
	at := s.tp.Clock(loop) + int64(d)
	cq.q = append(cq.q, pendingConnect{c: c, at: at})
	if !cq.armed {
		cq.armed = true
		s.tp.AtFunc(loop, at, func() { s.sweepConnects(loop) })
	}
}

// sweepConnects closes the sessions whose deadline has come and waits for
// the next deadline. It runs as a timer's function on loop, so now is when
// that timer was due, and each sweep is set for the next deadline itself:
// sweeps do not drift, and after a late pass the deadlines that passed
// meanwhile are swept in the same pass, in order.
func (s *Server) sweepConnects(loop int) {
	cq := &s.scratch(loop).connects
	now := s.tp.Clock(loop)
	for cq.head < len(cq.q) && cq.q[cq.head].at <= now {
		c := cq.q[cq.head].c
		cq.q[cq.head] = pendingConnect{}
		cq.head++
		if !c.joined && !c.sess.Closed() {
			c.sess.Close(transports.ReasonForcedClose)
		}
	}
	if cq.head == len(cq.q) {
		cq.head, cq.armed = 0, false
		if cap(cq.q) > 1024 {
			cq.q = nil // a crowd has passed: give its room back
		} else {
			cq.q = cq.q[:0]
		}
		return
	}
	if cq.head > len(cq.q)/2 {
		n := copy(cq.q, cq.q[cq.head:])
		clear(cq.q[n:])
		cq.q, cq.head = cq.q[:n], 0
	}
	s.tp.AtFunc(loop, cq.q[cq.head].at, func() { s.sweepConnects(loop) })
}
