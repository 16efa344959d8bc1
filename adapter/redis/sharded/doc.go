// Package sharded is the sharded Redis adapter of @socket.io/redis-adapter
// 8.3 (createShardedAdapter) for tornadio: Redis 7 sharded pub/sub
// (SPUBLISH/SSUBSCRIBE), with the messages of Node's ClusterAdapter, so
// that tornadio nodes and Node nodes share one cluster.
//
// Each namespace has its own adapter, with a random 16-hex-digit uid, and
// listens on two shard channels: {prefix}#{nsp}# for the messages to every
// node and {prefix}#{nsp}#{uid}# for the answers to its own requests. In
// the default "dynamic" subscription mode it also listens on
// {prefix}#{nsp}#{room}# for each public room (one that is not a socket id
// of this node) that has a member here, and a broadcast without
// acknowledgement to exactly one room whose name is not 20 characters long
// (Node's test for a socket id) goes to that room's channel only, so that
// only the nodes serving the room receive it. "dynamic-private" gives every
// room, socket ids included, a channel; "static" uses the two base channels
// alone. Every node of a cluster must use the same mode.
//
// The server count is PUBSUB SHARDNUMSUB {prefix}#{nsp}#. Redis I/O runs on
// the adapter's goroutines, never on an event loop: publications leave in
// order from one queue, and each shard connection has a reader that
// reconnects and resubscribes after a Redis restart (go-redis keeps the
// subscribed channels and renews them on its new connection). With Redis
// Cluster each hash slot in use has a subscription connection of its own
// (go-redis renews a connection's channels in one SSUBSCRIBE, which may not
// cross slots), so messages on different channels, a room's and the base
// one, keep no order between them there.
package sharded
