// Package pubsub is the Go twin of Node's @socket.io/redis-adapter 8.3.0
// createAdapter, the classic Redis pub/sub adapter: a tornadio node using it
// forms one cluster with other tornadio nodes and with Node socket.io nodes
// using createAdapter on the same Redis and key, and obeys Node's
// @socket.io/redis-emitter.
//
// Each namespace has its own adapter, with its own 6-character uid and its
// own channels ({key} defaults to "socket.io"):
//
//	{key}#{nsp}#          broadcasts (and {key}#{nsp}#{room}# for one room), PSUBSCRIBE {key}#{nsp}#*
//	{key}-request#{nsp}#  requests to every node, SUBSCRIBE (PUBSUB NUMSUB of it is the server count)
//	{key}-response#{nsp}# responses, SUBSCRIBE, and {key}-response#{nsp}#{uid}#
//
// A broadcast is the msgpack tuple [uid, packet, opts]; requests and
// responses are JSON, except the broadcast with acknowledgement (type 7) and
// each client's answer to it (type 9), which are msgpack. Received messages
// are told apart by their first byte ('{' is JSON). Binary arguments travel as
// msgpack bin, as Node's notepack.io writes Buffers.
//
// Redis I/O never runs on an event loop: each adapter has a publisher
// goroutine fed by an ordered, bounded queue (see WithQueueSize), and a
// reader goroutine on the subscriber connection, which go-redis reconnects
// and resubscribes by itself after Redis restarts. Requests waiting for other
// nodes time out on the event loops' clock (adapter.Local.AfterFunc).
package pubsub
