// Package redis is the home of tornadio's Redis adapters, a Go module of its
// own so that the core module depends on gnet and gobwas/ws alone. Each
// adapter is a package beside this one and speaks, byte for byte, the Redis
// messages of the Node adapter it is named after, so that tornadio and Node
// socket.io nodes form one cluster:
//
//   - pubsub: @socket.io/redis-adapter's createAdapter (classic pub/sub);
//   - sharded: its createShardedAdapter (Redis 7 sharded pub/sub);
//   - streams: @socket.io/redis-streams-adapter (Redis streams, with
//     connection state recovery across nodes);
//   - emitter: @socket.io/redis-emitter (emit to a cluster from any Go
//     process, without a server).
//
// The pubsub, sharded and streams adapters count their requests to the
// other nodes and those that timed out (adapter.RequestCounter), for
// metrics exporters such as the metrics module's collector.
//
// The module shares some of the core module's internal packages (JSON
// string quoting as JavaScript writes it), so the two are released
// together, with the same version: require both at one version.
package redis
