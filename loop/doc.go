// Package loop is tornadio's gnet edge: the only package that imports gnet.
//
// It starts one gnet event loop per configured core, feeds each connection's
// buffered bytes to its transports.Conn (Peek, Feed, Discard), writes what the
// machine gives back, runs each loop's timer pass when the machine's earliest
// deadline is due (one runtime timer per loop, wake.go), and runs cross-loop
// work through one mailbox per loop, drained on that loop by a single gnet
// EventLoop.Execute per batch.
//
// A connection its machine closes while gnet still holds bytes for it is
// closed only once they are written and the peer has closed its end, or at
// Options.DrainTimeout (drain.go): gnet's own close drops them. One with
// nothing left to write lingers: its write side is shut down and its input
// thrown away until the peer closes, or at Options.LingerTimeout, so that
// a peer still sending gets its answer rather than a reset.
//
// The machine hands gnet a bounded amount of a connection's output at a
// time and keeps the rest in the connection's outbox; gnet has no callback
// for "outbound buffer low", so a connection waiting for that is checked
// by a per-loop pass on a runtime timer, armed only while one waits
// (writable.go). What gnet holds is charged at what it allocates.
//
// Each loop accepts on its own SO_REUSEPORT listener and caps the open
// connections (Options.MaxConns) below the file limit, because gnet stops
// the whole engine when accept(2) fails (connlimit.go, listen.go).
//
// Connections accepted elsewhere (a websocket hijacked from net/http, a
// user's listener) are handed to the loops with their first bytes
// (enroll.go): a TCP or unix connection is enrolled into a loop and served
// as one the loops accepted; any other net.Conn (TLS) is served by a
// reader goroutine, plus a writer goroutine while something waits to be
// written, its machine still on a loop (pair.go). The loops can also run
// without a listener of their own (StartLoops: gnet's client mode).
//
// No goroutine is started per client of the loops: the only goroutines are
// gnet's loops, the one that runs gnet.Run, and the runtime's timer
// callbacks (one per timer expiry, which only posts to a mailbox or logs);
// goroutine-pair connections have their own. Nothing ticks: an idle engine
// sleeps until a connection or a due deadline wakes it.
package loop
