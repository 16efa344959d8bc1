package socketio

import "errors"

// PacketType is the type of a Socket.IO packet.
type PacketType byte

// Packet types. In protocol v4 the value 4 is called ERROR rather than
// CONNECT_ERROR.
const (
	Connect PacketType = iota
	Disconnect
	Event
	Ack
	ConnectError
	BinaryEvent
	BinaryAck
)

var typeNames = [...]string{
	Connect:      "CONNECT",
	Disconnect:   "DISCONNECT",
	Event:        "EVENT",
	Ack:          "ACK",
	ConnectError: "CONNECT_ERROR",
	BinaryEvent:  "BINARY_EVENT",
	BinaryAck:    "BINARY_ACK",
}

// String returns the protocol v5 name of t, such as "EVENT".
func (t PacketType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "UNKNOWN"
}

// Name returns the name of t in the given protocol version: like String,
// except that type 4 is "ERROR" in protocol v4 and earlier.
func (t PacketType) Name(version int) string {
	if t == ConnectError && version < 5 {
		return "ERROR"
	}
	return t.String()
}

// IsBinary reports whether t is BINARY_EVENT or BINARY_ACK.
func (t PacketType) IsBinary() bool { return t == BinaryEvent || t == BinaryAck }

// Packet is a decoded Socket.IO packet. Parse fills Namespace and Data with
// views into its input.
type Packet struct {
	Type        PacketType
	Namespace   []byte // as written; empty means "/" (use NamespaceString to get "/" for empty)
	ID          int64  // ack id, -1 when absent
	Attachments int    // binary attachment count (BinaryEvent/BinaryAck)
	Data        []byte // raw JSON payload (view into input), nil when absent
}

// Errors returned by this package.
var (
	// ErrBadPacket reports a packet that does not follow the protocol.
	ErrBadPacket = errors.New("socketio: malformed packet")
	// ErrBadJSON reports malformed JSON given to SplitArray, EventName and
	// friends.
	ErrBadJSON = errors.New("socketio: malformed JSON")
	// ErrUnsupportedVersion is returned by Parse for a protocol version
	// other than 3, 4 or 5.
	ErrUnsupportedVersion = errors.New("socketio: unsupported protocol version")
	// ErrBadAttachment reports a placeholder whose num is missing or out of
	// range, or an attachment that was not expected.
	ErrBadAttachment = errors.New("socketio: invalid binary attachment")
)

// NamespaceString returns the namespace, "/" when it is empty.
func (p *Packet) NamespaceString() string {
	if len(p.Namespace) == 0 {
		return "/"
	}
	return string(p.Namespace)
}

// SplitNamespaceQuery splits a namespace as written by protocol v4 clients
// in CONNECT packets ("/admin?token=abc") into the namespace proper and the
// query string (without '?'). query is nil when there is no '?'.
func SplitNamespaceQuery(nsp []byte) (name, query []byte) {
	for i, c := range nsp {
		if c == '?' {
			return nsp[:i:i], nsp[i+1:]
		}
	}
	return nsp, nil
}
