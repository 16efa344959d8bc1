// Package socketio is a sans-IO codec for Socket.IO packets.
//
// It supports protocol v5 (socket.io-client 3.x and 4.x) and protocol v4
// (socket.io-client 2.x). A Socket.IO packet travels as the text of an
// Engine.IO message:
//
//	<type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
//
// Binary payloads (BINARY_EVENT, BINARY_ACK) carry placeholders of the form
// {"_placeholder":true,"num":N} in their JSON, and the N-th attachment
// follows as a separate binary Engine.IO message; see Assembler, Deconstruct
// and Reconstruct.
//
// That text encoding is the default Parser (TextParser). The Parser
// interface lets a server use another encoding of the same packets, such as
// socket.io-msgpack-parser's (package socketio/msgpackparser); inside the
// server a packet keeps the text form (JSON payload, placeholders,
// attachments) whatever the encoding on the wire.
//
// The package performs no I/O, starts no goroutines and reads no clocks.
// Decoding is hand written: Parse validates packets with its own JSON
// scanner and does not allocate; the returned Packet holds views into the
// input. The Append* functions build packets into caller-provided buffers.
package socketio
