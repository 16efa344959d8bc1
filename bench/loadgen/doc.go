// Package loadgen is tornadio's load generator: simulated Socket.IO v5 /
// Engine.IO v4 clients over websocket or long-polling, or raw websocket
// clients for the gnet+gobwas baseline, driven by a few epoll loops.
//
// # Model
//
// A process runs Config.Loops epoll loops, each on a locked OS thread
// (golang.org/x/sys/unix: non-blocking sockets, epoll, an eventfd for
// commands). Every simulated client belongs to one loop and is a small
// struct: its sockets, a parse position and a few counters. There is no
// goroutine per client, no net.Conn and no timer per client; a loop's only
// timers are the pacing of openings and broadcast sends. Inbound bytes are
// read into the loop's shared 64 KiB buffer and parsed in place; only a
// partial frame or response is copied aside. Outbound frames are built in a
// loop scratch buffer (client frames masked with frames.AppendMaskedFrame)
// and written at once; only what the socket refuses is queued.
//
// Clients are bound to source addresses 127.0.0.2, 127.0.0.3, …
// (Config.SrcIPs) with IP_BIND_ADDRESS_NO_PORT, so each address has the
// whole ephemeral range. A run needing more sockets than Config.MaxFDs is
// split over processes by Orchestrate; each runs RunWorker and the parent
// merges their histograms.
//
// # Protocol
//
// Websocket: GET path?EIO=4&transport=websocket upgrade, then the open
// packet "0{…}", CONNECT "40", the answer "40{…}"; server pings "2" are
// answered "3". Polling: a handshake GET, then a GET always in flight on one
// keep-alive connection and POSTs (one at a time, queued packets joined by
// 0x1E) on another. Raw mode (websocket only) skips Engine.IO and Socket.IO:
// a session is ready at the 101 and the text frames sent are the same bytes
// a Socket.IO client sends.
//
// With Deflate the upgrade offers permessage-deflate as Chromium and ws do
// (deflate.go), a server that does not accept it fails the session,
// compressed messages are inflated (keeping the server's window when it
// keeps its context) and messages from DeflateThreshold bytes are sent
// compressed, each on its own, by the loop's one compressor.
//
// # Scenarios
//
//   - conns: open Clients sessions at Rate per second, hold them Hold;
//     connect latency, how many connected and stayed connected. Over
//     websocket, or over long-polling with Transport "polling".
//   - echo: Clients sessions, each emitting `42<id>["echo","x…"]` (Payload
//     bytes) in a closed loop with Window echoes in flight; acks per second
//     and ack latency. The default window of 1 is the browser-like pattern
//     (the next emit leaves when the previous ack arrives); a larger one
//     pipelines, answering the acks of one read with one write.
//   - broadcast: Clients receivers and one sender emitting
//     `42["broadcast","<unix ns> x…"]` at Rate per second; deliveries per
//     second, delivery latency from the timestamp, and the delivery ratio
//     delivered / (sent × receivers). With MaxRate the sender runs a
//     closed loop instead: the next broadcast leaves as soon as fewer than
//     Window broadcasts are undelivered.
//   - polling-echo: echo over long-polling.
//
// A comma-separated Target spreads the clients over the nodes of a
// cluster, in turn; the broadcast sender connects to the first node.
//
// The server's side of the contract: "echo" is acknowledged with its
// arguments, "broadcast" is re-emitted as "broadcast" with the same
// arguments to every socket of "/".
package loadgen
