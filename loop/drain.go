package loop

import (
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// The graceful close: every byte written before a close is delivered.
//
// gnet v2.9.7's close (eventloop_unix.go: close) writes what the
// connection's outbound buffer holds with one writev loop that stops at the
// first error, EAGAIN included, then closes the fd: whatever a slow reader
// had not made room for is dropped. Write and Writev never block either:
// what the socket does not take goes to that buffer, and the loop writes
// it on EPOLLOUT (eventloop_unix.go: write) without calling any handler.
//
// So when the machine closes a connection while gnet still holds outbound
// bytes, the engine does not close it yet. The connection goes to its
// loop's draining set, its context becomes a *draining, and:
//
//   - the machine is told (OnClose) at once, on a later turn of the loop as
//     gnet's own Close would: it is done with the connection, sessions learn
//     it now rather than when the last byte leaves;
//   - its input is read and thrown away, never fed to the machine;
//   - once gnet's buffer is empty, the write side is shut down (FIN after
//     the last byte the kernel holds) and the connection waits for the
//     peer to close its end, which gnet sees as EOF and closes on;
//   - Options.DrainTimeout after the close, it is closed whatever is left.
//
// The state is checked whenever gnet calls back for the connection
// (OnTraffic), and on a drain pass (drainPass) that a runtime timer of the
// loop posts: gnet has no callback for "outbound buffer empty", so while
// some connection of the loop still has bytes in gnet's buffer the pass
// comes every Options.DrainPoll, and otherwise at the earliest deadline of
// the set. A loop that drains nothing has no drain timer armed. OnClose,
// from the peer's end, the deadline or Engine.Stop, takes a connection out
// of the set.
//
// Why shut down and wait rather than close once gnet's buffer is empty: the
// kernel's send buffer may still hold megabytes then (it grows to
// net.ipv4.tcp_wmem's maximum, 4 MiB by default). close(2) would orphan
// them, and an orphaned socket that receives anything, or still has unread
// input, answers with a reset that discards what was not sent yet; the
// kernel also kills orphans under memory pressure or after a few window
// probes to a reader that stopped. After shutdown(SHUT_WR) the socket stays
// ours, input keeps being read (so no reset), the FIN follows the last
// byte (the client sees EOF as soon as it has read everything, no later
// than with close), and the wait stays under the drain deadline.
//
// A close with nothing in gnet's buffer lingers (as Apache's lingering
// close and Go's net/http closeWriteAndWait do): the write side is shut
// down at once, so the peer sees the end as soon as it has read the
// answer, and input is read and thrown away until the peer closes, for
// at most Options.LingerTimeout. close(2) on a socket with unread input,
// or input that arrives after it, makes the kernel send a reset: the peer
// may lose the answer it has not read yet, and a peer still sending fails
// its write (nginx answers its client 502 where the machine said 413).
// Which closes may leave input coming cannot be told from here: the
// machine closes after a refused request (a 413 as soon as the headers
// are in, a parse error, a refused upgrade) with the rest of the request
// unread or still on its way, and gnet's inbound buffer is not empty
// during Feed even for a request the machine used whole. So every close
// lingers. The cost: a connection closed after a Connection: close answer
// lives until the peer's FIN, which a client that read the answer to its
// end sends at once (one round trip more, a small context and an entry in
// the loop's draining set); a peer that never closes holds its file and
// its place under MaxConns for LingerTimeout. A connection that drained
// keeps its drain deadline once shut, not the linger bound: the kernel
// may still hold megabytes for a slow reader then.
//
// The engine's own cut at MaxInbound lingers too: the peer is still
// sending.
//
// Slow-consumer cuts (transports: a frame refused at Config.MaxBuffered)
// drain too. What such a connection holds is under that bound already and
// a closing machine writes nothing more, so the drain keeps no more memory
// than the connection held a moment before, for DrainTimeout at most; and
// the client gets whole frames, then the end, rather than a frame cut
// anywhere.
//
// gnet still ends a connection at once when the peer half-closes or resets
// it (connection_linux.go: processIO), dropping what it holds: the peer
// said it is gone.

// draining is the context of a connection that its machine closed and
// whose outbound bytes are still being delivered, or that lingers for the
// peer's end. Only its loop touches it.
type draining struct {
	x    *conn
	loop int
	by   time.Time // the drain deadline, or the linger deadline
	shut bool      // gnet's buffer went empty and the write side is shut down
	told bool      // the machine has had OnClose
}

// tell gives the machine its OnClose, once.
func (d *draining) tell() {
	if !d.told {
		d.told = true
		d.x.m.OnClose()
	}
}

// closeConn is IO.Close, on x's loop: gracefully (see above), lingering
// when gnet holds nothing to write for x.
func (e *Engine) closeConn(x *conn) {
	c := x.c
	if _, ok := c.Context().(*draining); ok {
		return
	}
	now := time.Now()
	i := e.loopIndex(c)
	e.leaveWritable(x)
	d := &draining{x: x, loop: i, by: now.Add(e.opts.DrainTimeout)}
	if c.OutboundBuffered() == 0 {
		if err := syscall.Shutdown(c.Fd(), syscall.SHUT_WR); err != nil {
			_ = c.Close() // the peer is gone: nothing to linger for
			return
		}
		d.shut = true
		d.by = now.Add(e.opts.LingerTimeout)
	}
	c.SetContext(d)
	if e.drains[i] == nil {
		e.drains[i] = make(map[*draining]struct{})
	}
	e.drains[i][d] = struct{}{}
	e.armDrain(i, e.nextDrainCheck(d, now))
	// The mailbox exists: its loop serves this connection. If the engine
	// is stopping, the post is dropped and OnClose tells the machine.
	e.loops[i].Load().post(d.tell)
}

// drainStep moves d on at now: it shuts the write side down once gnet's
// buffer is empty, and says Close when the deadline has passed (or the
// shutdown failed: the peer is gone).
func drainStep(d *draining, now time.Time) gnet.Action {
	c := d.x.c
	if !d.shut && c.OutboundBuffered() == 0 {
		d.shut = true
		if err := syscall.Shutdown(c.Fd(), syscall.SHUT_WR); err != nil {
			return gnet.Close
		}
	}
	if !now.Before(d.by) {
		return gnet.Close
	}
	return gnet.None
}

// initDrains makes each loop's drain timer, stopped, whose expiry posts
// the loop's drain pass. Called by Bind.
func (e *Engine) initDrains() {
	e.drainTm = e.passTimers(func(i int) func() { return func() { e.drainPass(i) } })
	e.drainAt = make([]time.Time, e.opts.Loops)
}

// nextDrainCheck is when d must be looked at again if no event comes for
// it: after Options.DrainPoll while gnet still holds bytes for it, else at
// its deadline.
func (e *Engine) nextDrainCheck(d *draining, now time.Time) time.Time {
	if !d.shut {
		if poll := now.Add(e.opts.DrainPoll); poll.Before(d.by) {
			return poll
		}
	}
	return d.by
}

// armDrain makes loop i's drain pass run at at, unless it is armed for
// earlier already; on loop i. A pass armed too early finds nothing to do
// and arms the timer again for what the set needs.
func (e *Engine) armDrain(i int, at time.Time) {
	if armed := e.drainAt[i]; !armed.IsZero() && !at.Before(armed) {
		return
	}
	e.drainAt[i] = at
	e.drainTm[i].Reset(time.Until(at))
}

// drainPass checks loop i's draining connections, closes those past their
// deadline and arms the drain timer for what the others need next; on
// loop i. With none left it arms nothing.
func (e *Engine) drainPass(i int) {
	e.drainAt[i] = time.Time{} // the timer has fired
	now := time.Now()
	var next time.Time
	for d := range e.drains[i] {
		if drainStep(d, now) == gnet.Close {
			delete(e.drains[i], d)
			c := d.x.c
			_ = c.EventLoop().Close(c) // OnClose runs now
			continue
		}
		if at := e.nextDrainCheck(d, now); next.IsZero() || at.Before(next) {
			next = at
		}
	}
	if next.IsZero() {
		e.drainTm[i].Stop() // in case a close re-armed it after it fired
		return
	}
	e.armDrain(i, next)
}

// drainTraffic handles input on a draining connection: thrown away.
func drainTraffic(c gnet.Conn, d *draining) gnet.Action {
	_, _ = c.Discard(-1)
	return drainStep(d, time.Now())
}

// drainClosed forgets d, now that gnet has closed its connection, and
// disarms the loop's drain timer when nothing is left to drain.
func (e *Engine) drainClosed(d *draining) {
	delete(e.drains[d.loop], d)
	if len(e.drains[d.loop]) == 0 && !e.drainAt[d.loop].IsZero() {
		e.drainAt[d.loop] = time.Time{}
		e.drainTm[d.loop].Stop()
	}
	e.limit.release()
	d.tell()
}
