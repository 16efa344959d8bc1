package tornadio

import (
	"github.com/tornadio/tornadio/internal/connectwatch"
	"github.com/tornadio/tornadio/transports"
)

// connectQueue holds one loop's sessions that have not joined a namespace
// yet, with their deadlines on the loop's timer clock
// (transports.Server.Clock); one timer per loop serves them all. A session
// leaves it as soon as it joins a namespace or closes (unwatchConnect), so
// that the queue never keeps a closed session alive.
type connectQueue = connectwatch.Queue[*client]

// reservePending counts a new session among those waiting for their first
// CONNECT, unless HandshakeLimit.MaxPending wait already: then the
// handshake is refused (503, see transports.Refusal). The count drops when
// the session leaves the connect-timeout queue (or its handshake is
// refused after all). Any loop.
func (s *Server) reservePending() error {
	n := s.pending.Add(1)
	if limit := s.opts.HandshakeLimit.MaxPending; limit > 0 && n > int64(limit) {
		s.pending.Add(-1)
		return transports.RefusedConcurrency
	}
	return nil
}

// watchConnect closes c's session if it has joined no namespace within
// ConnectTimeout. On c's loop.
func (s *Server) watchConnect(c *client) {
	loop := c.Sess.Loop()
	at := s.tp.Clock(loop) + int64(s.opts.ConnectTimeout)
	t, arm := s.scratch(loop).connects.Add(c, at)
	c.Waiting = uint32(t)
	if arm {
		s.tp.AtFunc(loop, at, func() { s.sweepConnects(loop) })
	}
}

// unwatchConnect takes c out of the connect-timeout queue, if it is there.
// On c's loop.
func (s *Server) unwatchConnect(c *client) {
	if c.Waiting != 0 {
		s.scratch(c.Sess.Loop()).connects.Remove(connectwatch.Ticket(c.Waiting))
		c.Waiting = 0
		s.pending.Add(-1)
	}
}

// sweepConnects closes the sessions whose deadline has come and waits for
// the next deadline. It runs as a timer's function on loop, so now is when
// that timer was due, and each sweep is set for the next deadline itself:
// sweeps do not drift, and after a late pass the deadlines that passed
// meanwhile are swept in the same pass, in order.
func (s *Server) sweepConnects(loop int) {
	next, ok := s.scratch(loop).connects.Sweep(s.tp.Clock(loop), s.closeUnjoined)
	if ok {
		s.tp.AtFunc(loop, next, func() { s.sweepConnects(loop) })
	}
}

// closeUnjoined closes c's session, which has joined no namespace in time.
func (s *Server) closeUnjoined(c *client) {
	c.Waiting = 0 // swept: out of the queue already
	s.pending.Add(-1)
	if !c.Joined() && !c.Sess.Closed() {
		c.Sess.Close(transports.ReasonForcedClose)
	}
}
