// Package tornadio is a Socket.IO server built on gnet event loops.
//
// It speaks two protocol roads on one port, told apart by the request path:
//
//   - the current protocol: Engine.IO v4 with Socket.IO v5 (socket.io-client
//     3.x and 4.x) and Engine.IO v3 with Socket.IO v4 (socket.io-client 2.x),
//     over long-polling (XHR and JSONP) and WebSocket, with the polling →
//     websocket upgrade;
//   - the legacy Socket.IO 0.6 protocol of SocketTornad.IO's day, over its six
//     transports (websocket with hixie-75, hixie-76 and RFC 6455, flashsocket,
//     xhr-multipart, xhr-polling, jsonp-polling, htmlfile), with the Flash
//     socket policy served on its own port (WithFlashPolicy) and inline.
//
// # Two handler styles
//
// Namespaces, events and acknowledgements, as in Node's socket.io:
//
//	srv := tornadio.NewServer(tornadio.WithEventLoops(4))
//	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
//		s.On("chat", func(msg string, ack tornadio.Ack) {
//			s.Emit("chat", msg)
//			ack("ok")
//		})
//	})
//	if err := srv.ListenAndServe(":8888"); !errors.Is(err, tornadio.ErrServerClosed) {
//		log.Fatal(err) // a Shutdown ends it with ErrServerClosed
//	}
//
// Or the seed's single handler (SocketTornad.IO's on_open, on_message,
// on_close), a value implementing Handler, registered with Server.Handle.
// Both styles sit on the same core and can be mixed, and both serve the two
// roads: a 0.6 client's messages arrive as "message" events, and Send frames
// strings as text and other values as ~j~ JSON for it.
//
// # Plain Engine.IO
//
// EngineServer is the Engine.IO layer alone, as Node's engine.io package
// and python-engineio offer it: sessions (EngineSession) that open,
// exchange text and binary messages and close, over the same transports,
// options and event loops as Server, without namespaces, events or the
// legacy road. Its default path is "/engine.io/".
//
//	srv := tornadio.NewEngineServer()
//	srv.OnConnection(func(s *tornadio.EngineSession) {
//		s.OnMessage(func(data []byte, binary bool) { s.Send(data, binary) })
//	})
//	if err := srv.ListenAndServe(":3000"); !errors.Is(err, tornadio.ErrServerClosed) {
//		log.Fatal(err)
//	}
//
// Both servers serve Engine.IO v3 clients (socket.io-client 2.x) unless
// WithAllowEIO3(false) is given; Node refuses them by default.
//
// # Threading
//
// The server runs one event loop per core (WithEventLoops) and no goroutine
// per client. Each Engine.IO session has a home loop; every callback for
// its sockets (OnConnection, On handlers, ack callbacks, OnDisconnect and
// the Handler methods) runs on that loop, one at a time. A callback must
// not block: it would stall every client of the loop. Handlers that block
// should use WithWorkers, which moves callbacks to a pool of goroutines
// while keeping each socket's callbacks in order.
//
// Socket methods that send (Emit, Send, Disconnect) and Namespace.Emit are
// safe from any goroutine: they encode in the caller and hand the bytes to
// the socket's loop. The same holds for an EngineSession: its callbacks
// (OnMessage, OnClose, and the server's OnConnection) run on its loop or
// worker, and Send and Close are safe from any goroutine. A broadcast's ack
// callback runs on one of the loops (or a worker), its timeout a timer of
// that loop: every deadline of the server is on the loops' clock.
//
// EmitWithAck (of a Socket, a namespace or a broadcast) waits for the
// clients' answers, and Deliver (of a namespace or a broadcast) for the
// loops to write its packet, which it reports on (sockets sent to, dropped,
// cut as slow consumers). Call them from a goroutine of your own, or from a
// handler under WithWorkers; the answer is handed over by the loop that
// reads it, so a waiting worker holds nothing up. Called on an event loop
// they return ErrOnEventLoop rather than stall it.
//
// Sending from a goroutine of your own has backpressure: while a loop has
// more than loop.MailboxHighWater pieces of work (or loop.MailboxHighBytes
// of broadcasts) queued, Emit and the other sends wait for it to catch up, so that a goroutine broadcasting in a
// tight loop cannot grow memory without bound. Loops and workers never wait
// so (see BroadcastOperator.Emit).
//
// # Inside
//
// This package is the API; the work happens in the packages below it, each
// importing only those under it:
//
//   - loop: the event loops (gnet), accepting, timers, cross-loop mailboxes;
//   - transports: the sans-IO machine of one connection (HTTP routing,
//     polling, JSONP, websocket, upgrade, the legacy transports), driving
//     an engineio.Session per Engine.IO session;
//   - engineio, socketio, legacy: the protocols' codecs and session
//     machines; httpparse and frames: HTTP/1.1 and WebSocket bytes;
//   - adapter: rooms and broadcast fan-out, the boundary a cluster adapter
//     wraps;
//   - internal/sioclient: where a packet enters the Socket.IO layer
//     (Engine.IO messages parsed and routed to the namespace's socket);
//     internal/...: handler argument decoding, broadcast acks, connection
//     state recovery, the worker pool.
//
// A websocket frame travels loop → transports (frame decoded, Engine.IO
// packet handled by the session machine) → internal/sioclient (Socket.IO
// packet parsed and routed) → this package (the namespace's socket) → the
// handler. An emit
// travels this package (arguments encoded) → adapter (packet encoded once,
// each loop walks its sockets) → transports → loop → the socket.
package tornadio
