// Package transports is the per-connection protocol machine of tornadio.
//
// It sits between an I/O edge (package loop, the only code that knows gnet)
// and the protocol codecs (httpparse, frames, engineio). It owns:
//
//   - Conn: one TCP connection. It sniffs HTTP requests out of the bytes the
//     edge hands it, routes them (Engine.IO polling, WebSocket upgrade, or the
//     application's fallback), and after an upgrade decodes WebSocket frames.
//   - Session: one Engine.IO session (v3 or v4): the connections that carry
//     it (a websocket, a parked GET, an upgrade's probe) around its protocol
//     state, engineio.Session, which keeps the heartbeat, the polling queue,
//     the upgrade and the close. Session feeds it what happens and does what
//     it answers: write frames, answer GETs, close connections, tell the App.
//   - Server: configuration, the session registry and the per-loop timers,
//     and handshake admission (admission.go: rates and counts of sessions
//     per client address, checked before a session is made).
//
// Nothing here opens sockets, starts goroutines or reads a clock: the edge
// implements IO for each connection and Loops for the event loops, passes
// the time in through Loops.Now, and runs a loop's timer pass (Server.Tick)
// when the machine asks with Loops.Wake, at the loop's earliest deadline:
// timers fire when due, not on a tick.
//
// # Threading
//
// Every Conn belongs to the loop that accepted it; every Session has a home
// loop (the loop of the connection that made the handshake). A Conn's fields
// are touched only on its loop, a Session's only on its home loop. When the
// requests of one session arrive on connections of other loops, the work is
// handed over with Loops.Post: the request goes to the session's loop, and the
// response comes back to the connection's loop. Nothing is shared by locks
// except the session registry.
//
// A session runs what its connections read in the order it was read,
// whichever hand-over reaches its loop first (order.go). Where even the
// read order can differ from the order the client sent in (two loops read
// two connections at the same moment, and the one that got its bytes first
// may be scheduled last), the protocol's own slack decides, as in Node: a
// GET made during an upgrade waits 100 ms for its noop, so that a "5" sent
// before it still refuses it; a client's close releases its GET with a
// noop, even one read after the close (the next GET gets "unknown sid").
//
// # HTTP connections
//
// A connection has one answer owed at a time: requests pipelined behind it
// wait in the edge's buffer (Feed leaves them there) until it is written,
// then are taken in order, so answers never interleave. Each answer's
// Connection field follows from what becomes of the connection after it
// (answer.go): none for HTTP/1.1 keep-alive, "Connection: close" whenever
// the server closes after it (a "close" request, HTTP/1.0 by default,
// refusals, legacy stream heads), "Connection: keep-alive" to an HTTP/1.0
// client that asked for it.
//
// # Memory
//
// Servers hold tens of thousands of idle websockets, so what one keeps is
// counted. It is a Conn (56 B), a Session (96 B, its engineio.Session
// included; TestSessionSize keeps them so), one string for the session id
// and the opening request (Handshake), the session's entry in the registry
// and one entry in its loop's timer heap: about 350 B with a short request.
// Everything else belongs to the loop and is reused by all its
// connections: the HTTP parser and Request, the frame decoder (a connection
// takes its own only while a fragmented message arrives), permessage-deflate's
// compressor and decompressor (deflate.go: a connection keeps one byte for
// it, no context being taken over between messages either way), and the
// scratch buffers that answers and frames are built in. Polling and upgrade state
// (pollState here, kept in the same allocation as engineio.Session's queue)
// is allocated only for sessions opened by polling, and is dropped once
// they upgrade. Opening a websocket session allocates only what it keeps
// (alloc_test.go).
package transports
