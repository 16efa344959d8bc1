package transports

// Corking: the connection being fed collects what the machine writes to it
// while Feed runs, and the edge gets it in one Write when Feed returns. A
// client that pipelines (several events in one read, each answered with an
// ack) then costs one write(2) per read rather than one per answer, as a
// hand-written server that answers a read with one write does. Writes to
// other connections (a broadcast from a handler, a hand-over) are not held:
// they leave at once, as before.

// maxCorked bounds the bytes held for the connection being fed: past it they
// are written at once, in order, so one read cannot grow the loop's buffer
// without bound.
const maxCorked = 64 << 10

// emit hands b to the edge: held when c is being fed, written at once
// otherwise (through the outbox, outbox.go). b may be reused once emit
// returns.
func (c *Conn) emit(b []byte) { c.emitFrame(b, false) }

// emitFrame is emit, with shared telling that b is a Shared frame, which
// the outbox may keep without copying it.
func (c *Conn) emitFrame(b []byte, shared bool) {
	ls := &c.srv.loopState[c.loop()]
	if ls.feeding != c {
		c.out(b, shared)
		return
	}
	if len(ls.corked)+len(b) > maxCorked {
		c.uncork(ls)
		if len(b) > maxCorked {
			c.out(b, shared)
			return
		}
	}
	ls.corked = append(ls.corked, b...)
}

// uncork writes what c's Feed has held, in one Write. The held bytes are
// taken off the loop first: the edge may end the connection within Write
// (OnClose), and what runs then must find nothing held.
func (c *Conn) uncork(ls *loopState) {
	if len(ls.corked) == 0 {
		return
	}
	b := ls.corked
	ls.corked = nil
	c.out(b, false)
	if ls.corked == nil {
		ls.corked = b[:0]
	}
}

// corked is the number of bytes held for c.
func (c *Conn) corked() int {
	if ls := &c.srv.loopState[c.loop()]; ls.feeding == c {
		return len(ls.corked)
	}
	return 0
}
