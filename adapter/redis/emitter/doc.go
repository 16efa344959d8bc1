// Package emitter emits into a Socket.IO cluster from any Go process,
// without a server: the Go counterpart of Node's @socket.io/redis-emitter
// 5.1.0, publishing the same bytes on the same Redis channels, so that every
// node of the cluster — Node socket.io with @socket.io/redis-adapter's
// createAdapter, or tornadio with the pubsub adapter — obeys it.
//
//	e := emitter.New(client)                  // namespace "/", key "socket.io"
//	err := e.To("room1").Except("room2").Emit(ctx, "news", map[string]any{"id": 7}, []byte{1, 2})
//	err = e.Of("/chat").SocketsJoin(ctx, "lobby")
//	err = e.In("lobby").DisconnectSockets(ctx, true)
//	err = e.ServerSideEmit(ctx, "reload", "config")
//
// Every method that talks to Redis takes a context as its first argument and
// returns once Redis has accepted the PUBLISH (or with the error that
// prevented it); the targeting methods (Of, To, In, Except, Volatile,
// Compress) only build values and never block. An Emitter and a
// BroadcastOperator are immutable and safe for concurrent use. Calls made one
// after another reach Redis, and so every node, in that order; calls made
// concurrently have no order between them.
//
// On the wire, as Node's emitter writes it:
//
//   - Emit publishes the msgpack (notepack.io) tuple
//     ["emitter", {type: 2, data: [event, ...args], nsp}, {rooms, flags, except}]
//     on {key}#{nsp}#, or on {key}#{nsp}#{room}# when exactly one room is
//     targeted. Binary arguments are msgpack bin.
//   - SocketsJoin, SocketsLeave and DisconnectSockets publish JSON requests
//     (types 2, 3 and 4) on {key}-request#{nsp}#, without uid or requestId:
//     {"type":2,"opts":{"rooms":[...],"except":[...]},"rooms":[...]}.
//   - ServerSideEmit publishes {"uid":"emitter","type":6,"data":[event,...args]}
//     on the same channel; there are no acknowledgements.
//
// The emitter reaches the classic pub/sub adapter's nodes only: the sharded
// and streams adapters use other channels, as with Node's emitter.
package emitter
