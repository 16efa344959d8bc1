package loop

import (
	"time"
)

// The writable notification (transports.WritableIO): the machine hands
// gnet a bounded amount of a connection's output at a time and keeps the
// rest in the connection's outbox (transports/outbox.go), so it must hear
// when gnet's outbound buffer has run low. gnet has no callback for that:
// its loop writes the buffer on EPOLLOUT without calling any handler
// (eventloop_unix.go: write). So a connection that waits joins its loop's
// writable set, and a pass that a runtime timer of the loop posts every
// Options.WritablePoll looks at each: one whose buffer went under the mark
// it asked for leaves the set and gets Conn.OnWritable, which hands gnet
// more. The timer runs only while the set is not empty: a loop whose
// clients keep up never arms it. A pass that finds no connection ready
// doubles the wait before the next, up to writableBackoff times
// Options.WritablePoll, so that clients that stopped reading for good (cut
// at the bound or at the ping timeout, later) cost few passes; a pass that
// finds one ready, or a connection that starts waiting, brings it back to
// Options.WritablePoll. The machine also refills on every write
// to the connection and every read from it, so a pass matters only for a
// connection nothing else happens on.
//
// A connection waits only while gnet holds at least half a handoff for it
// and so while the kernel's send buffer is full (gnet buffers only what
// the socket refused): the client has that much to read before the next
// pass can starve it.
//
// What gnet holds for a connection is charged at Footprint: gnet v2.9.7's
// outbound buffer (pkg/buffer/elastic) is a ring that takes its array from
// a pool of powers of two (pkg/pool/byteslice) and grows by doubling
// under 4 KiB, by quarters above (pkg/buffer/ring: grow), and turns to a
// list of pooled power-of-two arrays only past 64 KiB buffered
// (pkg/buffer/linkedlist). The machine never lets it hold more than a
// handoff (64 KiB at most), so it stays a ring whose array is under twice
// the power of two at or above what it holds; an array the ring had from
// the pool already is the pool's memory, not this connection's.

// writableBackoff bounds the wait between writable passes that find no
// connection ready, in units of Options.WritablePoll.
const writableBackoff = 16

// minFootprint is gnet's ring's first array (ring.DefaultBufferSize).
const minFootprint = 1 << 10

// gnetFootprint is the most gnet allocates for an outbound buffer that
// never holds more than max bytes (see above).
func gnetFootprint(max int) int {
	n := minFootprint
	for n < max {
		n <<= 1
	}
	return 2 * n
}

// WaitWritable is transports.WritableIO's: x joins its loop's writable set.
func (x *conn) WaitWritable(low int) { x.e.waitWritable(x, low) }

// Footprint is transports.WritableIO's (see gnetFootprint).
func (x *conn) Footprint(max int) int {
	if x.c.OutboundBuffered() == 0 {
		return 0
	}
	return gnetFootprint(max)
}

// initWritables makes each loop's writable timer, stopped, whose expiry
// posts the loop's writable pass. Called by Bind.
func (e *Engine) initWritables() {
	e.writers = make([]map[*conn]int, e.opts.Loops)
	e.writeTm = e.passTimers(func(i int) func() { return func() { e.writablePass(i) } })
	e.writeArmed = make([]bool, e.opts.Loops)
	e.writeEvery = make([]time.Duration, e.opts.Loops)
}

// waitWritable puts x in its loop's writable set, to be told once gnet
// holds under low bytes for it; on x's loop.
func (e *Engine) waitWritable(x *conn, low int) {
	i := x.m.Loop()
	set := e.writers[i]
	if set == nil {
		set = make(map[*conn]int)
		e.writers[i] = set
	}
	if _, ok := set[x]; !ok {
		e.writeEvery[i] = e.opts.WritablePoll // a newcomer may be a fast reader
	}
	set[x] = low
	if !e.writeArmed[i] {
		e.writeArmed[i] = true
		e.writeTm[i].Reset(e.writeEvery[i])
	}
}

// leaveWritable takes x out of its loop's writable set: its connection is
// closing or gone; on x's loop.
func (e *Engine) leaveWritable(x *conn) {
	if set := e.writers[x.m.Loop()]; len(set) > 0 {
		delete(set, x)
	}
}

// writablePass tells the connections of loop i whose gnet buffer went
// under their mark, and arms the timer again while others still wait; on
// loop i.
func (e *Engine) writablePass(i int) {
	e.writeArmed[i] = false
	set := e.writers[i]
	ready := false
	for x, low := range set {
		if x.c.Context() != x {
			delete(set, x) // closed meanwhile
			continue
		}
		if x.c.OutboundBuffered() < low {
			ready = true
			delete(set, x)
			x.m.OnWritable() // may put x back, still waiting
		}
	}
	if ready {
		e.writeEvery[i] = e.opts.WritablePoll
	} else {
		e.writeEvery[i] = min(2*e.writeEvery[i], writableBackoff*e.opts.WritablePoll)
	}
	if len(set) > 0 && !e.writeArmed[i] {
		e.writeArmed[i] = true
		e.writeTm[i].Reset(e.writeEvery[i])
	}
}
