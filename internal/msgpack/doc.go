// Package msgpack is tornadio's MessagePack codec, for what Node's Socket.IO
// puts in MessagePack: the Redis adapters' messages (notepack.io 3.x in
// @socket.io/redis-adapter, classic and sharded, and @socket.io/redis-emitter;
// @msgpack/msgpack in @socket.io/redis-streams-adapter), and the packets of
// socket.io-msgpack-parser (notepack.io 2.2, see socketio/msgpackparser). A
// tornadio node joins such a cluster, or serves such clients, only if it
// writes the bytes those encoders write and reads everything they write.
//
// Inside tornadio an event argument is JSON text in which each binary value is
// a Socket.IO placeholder {"_placeholder":true,"num":N} naming attachment N,
// while Node's adapters carry the unencoded value with binary as msgpack bin.
// The package therefore transcodes directly between the two, with no
// intermediate Go values:
//
//   - Writer appends msgpack to a byte slice. Writer.JSON transcodes one JSON
//     value into exactly the bytes notepack.io gives for the value JSON.parse
//     makes of it: key order as JavaScript keeps it (array-index keys first,
//     duplicate keys merged), integers in the smallest form notepack picks,
//     other numbers as float64, placeholders as bin.
//   - Reader reads msgpack from a byte slice. Reader.JSON transcodes one value
//     into the JSON text JSON.stringify gives for what notepack.io decodes:
//     bin (and ext 0, notepack's ArrayBuffer before 3.0) becomes a placeholder
//     plus an attachment, the timestamp extension becomes the ISO date string,
//     numbers print as JavaScript prints them.
//
// The Reader never panics, checks every length against the input before it
// allocates, and bounds nesting at MaxDepth, so it is safe on bytes from any
// Redis client.
package msgpack
