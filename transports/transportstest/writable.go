package transportstest

import (
	"strconv"

	"github.com/tornadio/tornadio/transports"
)

// WritableConn is a Conn whose edge says when its outbound buffer runs low
// (transports.WritableIO), as the gnet edge does: the machine then hands
// it a bounded amount at a time and keeps the rest in the connection's
// outbox. Its Footprint is what Buffered counts, rounded by Round when set.
type WritableConn struct {
	*Conn
	// Round, when set, is the memory the fake edge holds for n buffered
	// bytes (gnet rounds up); Footprint reports Round(max).
	Round func(n int) int

	waiting bool // WaitWritable was asked and OnWritable is not yet queued
	low     int
	// Asks counts the calls to WaitWritable.
	Asks int
}

var _ transports.WritableIO = (*WritableConn)(nil)

// DialWritable is Dial for a WritableConn.
func (h *Harness) DialWritable(loop int) *WritableConn {
	c := &Conn{L: h.Loops, Loop: loop, remote: "192.0.2.1:" + strconv.Itoa(40000+len(h.conns))}
	w := &WritableConn{Conn: c}
	h.Loops.On(loop, func() { c.M = h.Server.NewConn(w, loop) })
	h.conns = append(h.conns, c)
	return w
}

// WaitWritable implements transports.WritableIO: OnWritable is queued on
// the connection's loop once Buffered is under low (see Read, Drain).
func (w *WritableConn) WaitWritable(low int) {
	w.check("WaitWritable")
	w.Asks++
	w.low = low
	if w.Buffered() < low {
		w.notify()
		return
	}
	w.waiting = true
}

// Footprint implements transports.WritableIO.
func (w *WritableConn) Footprint(max int) int {
	w.check("Footprint")
	if w.Buffered() == 0 {
		return 0
	}
	if w.Round != nil {
		return w.Round(max)
	}
	return max
}

// Drain makes the peer read everything the edge holds, and read again from
// now on; a WaitWritable asked is answered.
func (w *WritableConn) Drain() {
	w.Conn.Drain()
	w.wake()
}

// Read makes a stalled peer read n of the bytes the edge holds (all of them
// when fewer); a WaitWritable asked is answered once Buffered is under its
// mark.
func (w *WritableConn) Read(n int) {
	w.mu.Lock()
	w.buffered -= min(n, w.buffered)
	w.mu.Unlock()
	w.wake()
}

// Waiting reports whether a WaitWritable is outstanding.
func (w *WritableConn) Waiting() bool { return w.waiting }

func (w *WritableConn) wake() {
	if w.waiting && w.Stalled() < w.low {
		w.waiting = false
		w.notify()
	}
}

func (w *WritableConn) notify() {
	w.L.PostIO(w.Loop, func() {
		if !w.Gone() {
			w.M.OnWritable()
		}
	})
}
