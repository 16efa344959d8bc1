package socketio

// Parser is one encoding of Socket.IO packets as Engine.IO messages: what
// Node's socket.io calls a parser (its `parser` option). A server uses one
// parser for every session; the client must use the same encoding.
//
// Whatever the encoding, the server holds a packet in this package's text
// form: the payload is JSON text in which each binary value is a
// placeholder {"_placeholder":true,"num":N} naming attachment N, and the
// attachments are byte slices beside it (see Deconstruct). A parser turns
// that form into its own bytes (the Append methods) and its own bytes back
// into that form (Decode). TextParser is the default; the package
// socketio/msgpackparser holds the encoding of socket.io-msgpack-parser.
//
// A parser is shared by every event loop: its methods must be safe for
// concurrent use (the per-session state of Decode aside, which only that
// session's loop touches).
type Parser interface {
	// Binary tells how an encoded packet travels. False: as one text
	// message, followed by each of its attachments as a binary message
	// (the text encoding). True: as one binary message that carries its
	// binary values within, its attachments being written by the Append
	// methods into the packet itself (msgpack).
	Binary() bool

	// AppendEvent appends an EVENT packet in namespace nsp with ack id
	// (-1 for none): the event name then args, raw JSON values whose
	// placeholders name the entries of atts.
	AppendEvent(dst []byte, nsp string, id int64, event string, args, atts [][]byte) ([]byte, error)
	// AppendAck appends the ACK packet answering ack id in namespace nsp,
	// args and atts as for AppendEvent.
	AppendAck(dst []byte, nsp string, id int64, args, atts [][]byte) ([]byte, error)
	// AppendPacket appends any packet: p.Data is the payload as JSON text
	// (nil for none) whose placeholders name the entries of atts; an EVENT
	// or ACK with attachments is written in the encoding's binary form
	// (p.Attachments is not read).
	AppendPacket(dst []byte, p Packet, atts [][]byte) ([]byte, error)

	// Decode reads one Engine.IO message of a session (binary tells its
	// kind) in Socket.IO protocol version (5, or 4 for Engine.IO v3
	// clients). st is the session's decoder state, zero when the session
	// starts; Decode keeps there what it needs between messages. When the
	// message completes a packet Decode fills out and reports true; a
	// message that only begins or continues one (the text encoding's
	// binary attachments) reports false. An error means a message the
	// encoding refuses: the server closes the session.
	Decode(st *DecoderState, msg []byte, binary bool, version int, out *Decoded) (bool, error)
}

// DecoderState is what a Parser keeps between the messages of one session
// (a binary packet waiting for its attachments, for the text encoding).
// The server holds one per session, zero at first, and passes it to every
// Decode of that session's messages, on the session's loop.
type DecoderState struct {
	// Value is the parser's own: nil at first.
	Value any
}

// Decoded is one packet as Decode hands it over, in the text form: its
// views are valid until the next Decode into the same Decoded, and while
// the message decoded stays unchanged. The server reuses one per event
// loop, so that the buffers below are kept from one packet to the next; a
// Decoded serves one parser (a parser may reuse the slices it left there).
type Decoded struct {
	// Packet is the packet: Data is its payload as JSON text, each binary
	// value a placeholder naming an entry of Attachments.
	Packet Packet
	// Attachments are the packet's binary values, in placeholder order.
	Attachments [][]byte
	// Args, when Split, are the elements of an EVENT's or ACK's payload
	// array, views into Data: the decoder split them in the pass that
	// validated the packet. When not Split the server splits Data itself.
	Args  [][]byte
	Split bool
	// Buf is the decoder's to write a payload into (a parser that
	// transcodes, such as msgpack, makes Data there); it keeps its
	// capacity from one packet to the next.
	Buf []byte
}
