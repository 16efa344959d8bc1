package tornadio

import (
	"time"

	"github.com/tornadio/tornadio/transports"
)

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
	at int64 // deadline, UnixNano on the loops' clock
}

// watchConnect closes c's session if it has joined no namespace within
// ConnectTimeout. On c's loop.
func (s *Server) watchConnect(c *client) {
	loop := c.sess.Loop()
	cq := &s.scratch(loop).connects
	d := s.opts.ConnectTimeout
	cq.q = append(cq.q, pendingConnect{c: c, at: s.tp.Now().Add(d).UnixNano()})
	if !cq.armed {
		cq.armed = true
		s.tp.AfterFunc(loop, d, func() { s.sweepConnects(loop) })
	}
}

// sweepConnects closes the sessions whose deadline has passed and waits for
// the next deadline. On loop.
func (s *Server) sweepConnects(loop int) {
	cq := &s.scratch(loop).connects
	now := s.tp.Now().UnixNano()
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
	s.tp.AfterFunc(loop, time.Duration(cq.q[cq.head].at-now), func() { s.sweepConnects(loop) })
}
