package engineio

import "fmt"

// PacketType is the type of an Engine.IO packet.
type PacketType byte

// Packet types, numbered as on the wire.
const (
	Open PacketType = iota
	Close
	Ping
	Pong
	Message
	Upgrade
	Noop
)

// maxType is the highest valid packet type.
const maxType = Noop

var typeNames = [...]string{"open", "close", "ping", "pong", "message", "upgrade", "noop"}

// String returns the protocol name of the type ("open", "message", ...).
func (t PacketType) String() string {
	if t <= maxType {
		return typeNames[t]
	}
	return fmt.Sprintf("PacketType(%d)", byte(t))
}

// Valid reports whether t is one of the seven packet types.
func (t PacketType) Valid() bool { return t <= maxType }

// Packet is one Engine.IO packet.
type Packet struct {
	Type PacketType
	// Data is the packet payload. Parsed packets point into the parser's
	// input (or scratch buffer); copy Data to keep it past the buffer's
	// reuse.
	Data []byte
	// Binary marks a binary message (Type == Message). Binary messages are
	// sent as WebSocket binary frames, and base64 encoded in text payloads.
	Binary bool
	// NoCompress keeps permessage-deflate off for the packet when it is
	// written on a websocket, queued for polling before an upgrade
	// included (an emit with Compress(false)).
	NoCompress bool
}

// String formats the packet for debugging.
func (p Packet) String() string {
	if p.Binary {
		return fmt.Sprintf("%v binary %x", p.Type, p.Data)
	}
	return fmt.Sprintf("%v %q", p.Type, p.Data)
}

// ParseText parses a packet in text form: a type digit '0'..'6' then data
// ("4hello", "2probe", "6"). Data is a view into b. Text packets are never
// binary; the "b" prefix of polling payloads is handled by DecodePayload.
func ParseText(b []byte) (Packet, error) {
	if len(b) == 0 {
		return Packet{}, errEmptyPacket
	}
	t := PacketType(b[0] - '0')
	if t > maxType {
		return Packet{}, badTypeChar(b[0])
	}
	return Packet{Type: t, Data: b[1:]}, nil
}

// ParseBinaryFrame parses a WebSocket binary frame. In v4 the whole frame is
// the data of a binary Message (possibly empty). In v3 the first byte is the
// packet type as a raw byte (4 for message) and the rest is data; Binary is
// set for messages. Data is a view into b.
func ParseBinaryFrame(b []byte, version int) (Packet, error) {
	switch version {
	case 4:
		return Packet{Type: Message, Data: b, Binary: true}, nil
	case 3:
		if len(b) == 0 {
			return Packet{}, errEmptyPacket
		}
		t := PacketType(b[0])
		if t > maxType {
			return Packet{}, fmt.Errorf("%w: unknown binary packet type %d", ErrBadPacket, b[0])
		}
		return Packet{Type: t, Data: b[1:], Binary: t == Message}, nil
	}
	return Packet{}, badVersion(version)
}

// AppendText appends p in text form: the type digit then the data. It is
// meant for non-binary packets: the Binary flag is ignored and Data is
// written as is (use AppendBinaryFrame for binary messages).
func AppendText(dst []byte, p Packet) []byte {
	dst = append(dst, '0'+byte(p.Type))
	return append(dst, p.Data...)
}

// AppendBinaryFrame appends p as the content of a WebSocket binary frame:
// the data in v4, the raw type byte (0x04 for messages) then the data in v3.
// Versions other than 3 are treated as 4.
func AppendBinaryFrame(dst []byte, p Packet, version int) []byte {
	if version == 3 {
		dst = append(dst, byte(p.Type))
	}
	return append(dst, p.Data...)
}

// ParseTextFrame parses a WebSocket text frame, which holds a packet in text
// form or, when the peer cannot send binary frames (engine.io-client with
// forceBase64), a base64-encoded binary packet: "b<base64>" in v4,
// "b<type digit><base64>" in v3. Base64 data is appended to scratch, and the
// extended scratch is returned as with DecodePayload; other data is a view
// into b.
func ParseTextFrame(b []byte, version int, scratch []byte) (Packet, []byte, error) {
	if len(b) == 0 || b[0] != 'b' {
		p, err := ParseText(b)
		return p, scratch, err
	}
	switch version {
	case 4:
		data, scratch, err := decodeBase64(scratch, b[1:])
		if err != nil {
			return Packet{}, scratch, err
		}
		return Packet{Type: Message, Data: data, Binary: true}, scratch, nil
	case 3:
		return parseV3String(b, scratch)
	}
	return Packet{}, scratch, badVersion(version)
}

// AppendBase64Text appends p as a base64 text packet, for clients that cannot
// receive binary (b64=1): "b<base64>" in v4 (always a binary message),
// "b<type digit><base64>" in v3. Versions other than 3 are treated as 4.
func AppendBase64Text(dst []byte, p Packet, version int) []byte {
	dst = append(dst, 'b')
	if version == 3 {
		dst = append(dst, '0'+byte(p.Type))
	}
	return appendBase64(dst, p.Data)
}

var errEmptyPacket = fmt.Errorf("%w: empty packet", ErrBadPacket)

func badTypeChar(c byte) error {
	return fmt.Errorf("%w: unknown packet type %q", ErrBadPacket, c)
}

func badVersion(v int) error {
	return fmt.Errorf("%w: %d", ErrUnsupportedVersion, v)
}
