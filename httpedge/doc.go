// Package httpedge is tornadio's net/http edge: it serves the sans-IO
// machine (package transports) to requests that net/http has parsed, so
// that a server can be mounted in an http.ServeMux, behind TLS and over
// HTTP/2. It imports no gnet: the event loops it uses come through the
// Loops interface, and hijacked connections go back to them through
// Bridge.Handoff.
//
// Every request but an upgrade is one exchange: the bridge turns the
// *http.Request into the HTTP/1.1 bytes the machine already parses (the
// body read first, on the handler's goroutine, with a cap of MaxPayload+1:
// a longer body is not read on but declared by its length, which the
// machine refuses with 413 and, for a polling POST, ends its session, as
// Node does), feeds them to a transports.Conn made for that exchange on a
// loop, and writes the machine's answer through the ResponseWriter (with
// no write deadline: a long-poll GET is held up to the ping interval, and
// the machine bounds that wait itself): status,
// fields (less those about the connection, which net/http owns), and the
// body, taken out of its chunks, flushed piece by piece (the legacy
// streaming transports answer a piece at a time). A request whose context
// ends (the client is gone) tells the machine, as a closed connection does:
// a parked long-poll GET is released. The machine cannot tell this edge
// from its own: the same routing, answers and sessions serve both, and a
// session's requests may come by either.
//
// An upgrade (HTTP/1.x, "Connection: upgrade") leaves net/http: its
// connection is hijacked, the deadlines http.Server set are cleared, and it
// is handed over with the request's bytes plus what net/http had read past
// them, which are the machine's first input (a hixie-76 handshake's key
// follows its head). loop.Engine.Handoff serves a plain TCP connection on
// the event loops, without a goroutine, and a TLS one with a goroutine
// pair.
//
// # Cost per session
//
// Resident memory per idle websocket session, 5 000 sessions per edge,
// each edge measured in a process of its own in one run (TestEdgeCost in
// the root package, 2 event loops, amd64, Go 1.26), as a ratio to the gnet
// edge:
//
//	edge                                    RSS/session  ratio
//	gnet edge (Start: the loops accept)       0.96 KiB   1.00
//	net/http, hijacked TCP (gnet enroll)      1.33 KiB   1.38
//	net/http, hijacked TLS (goroutines)      15.79 KiB  16.4
//
// A hijacked TCP connection is served exactly as an accepted one; its
// extra is gnet's keeping the Go connection's addresses for an enrolled
// descriptor and what net/http's connection leaves in Go's pools. A TLS
// connection costs crypto/tls's state and buffers (about 11 KB of heap
// per connection) and the reader goroutine blocked in its Read (about
// 4 KB of stack); its writer goroutine runs only while something waits
// to be written. So behind a TLS-terminating proxy, or with Serve on a
// plain listener, an idle session costs what it does on the gnet edge.
package httpedge
