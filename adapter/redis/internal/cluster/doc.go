// Package cluster is Node's ClusterAdapter (socket.io-adapter 2.5) in Go:
// the messages the sharded Redis adapter and the Redis Streams adapter
// exchange, and the bookkeeping of the requests a node makes of the others
// (fetchSockets, serverSideEmit with answers, broadcasts with
// acknowledgements). A transport carries the messages: it publishes them
// (to every node, or to one node for a response) and hands each message it
// receives to Adapter.Receive.
//
// The wire form follows Node byte for byte: a message is the JSON object
// {"type","data","uid","nsp"} in that key order, unless its type may carry
// binary (BROADCAST, BROADCAST_ACK, FETCH_SOCKETS_RESPONSE,
// SERVER_SIDE_EMIT, SERVER_SIDE_EMIT_RESPONSE) and its data does hold
// binary; then the whole message is MessagePack as notepack.io writes it.
// Receivers tell the two apart by a leading '{'. Inside tornadio a message's
// data is JSON in which binary values are Socket.IO placeholders naming the
// message's attachments, so both forms decode to the same Message.
//
// Node's ClusterAdapter has no cluster-wide room listing (no allRooms
// request): AllRooms is this node's rooms, as Node's adapter.rooms.
package cluster
