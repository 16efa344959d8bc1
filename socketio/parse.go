package socketio

import "math"

// maxAttachments bounds the attachment count accepted by Parse.
const maxAttachments = math.MaxInt32

// Parse parses the text of an Engine.IO message as a Socket.IO packet of the
// given protocol version (5 for socket.io-client 3/4, 4 for client 2.x; 3 is
// treated like 4):
//
//	<type>[<attachments>-][<namespace>,][<id>][<JSON>]
//
// The namespace starts with '/' and ends at the first ','; without a comma
// it runs to the end of the message (as in socket.io-parser). The packet
// holds views into b and Parse does not allocate.
//
// Validation follows socket.io-parser: the type must be 0-6; the attachment
// count must be present, decimal and followed by '-' for binary types (and
// is not parsed for others); ids must fit in an int64; the payload must be
// one JSON value (white space around it allowed) and
//   - CONNECT: absent or an object;
//   - DISCONNECT: absent;
//   - EVENT, BINARY_EVENT: a non-empty array; in v5 its first element is a
//     string which is not a reserved event name (see IsReservedEvent);
//   - ACK, BINARY_ACK: an array;
//   - CONNECT_ERROR (v5): an object or a string;
//   - ERROR (v4): absent or any JSON value.
//
// All failures return ErrBadPacket (ErrUnsupportedVersion for a bad
// version).
func Parse(b []byte, version int) (Packet, error) {
	p, err := parseHead(b, version)
	if err != nil {
		return Packet{}, err
	}
	if !validPayload(p.Type, p.Data, version) {
		return Packet{}, ErrBadPacket
	}
	return p, nil
}

// ParseArgs is Parse that also splits the payload of an EVENT or ACK packet
// (binary or not) into its array's elements, appended to dst as SplitArray
// does, in the same pass that validates it: the caller, who needs the
// elements, does not scan the payload twice. For other types it returns dst
// unchanged. On error dst is returned unchanged.
func ParseArgs(b []byte, version int, dst [][]byte) (Packet, [][]byte, error) {
	p, err := parseHead(b, version)
	if err != nil {
		return Packet{}, dst, err
	}
	switch p.Type {
	case Event, BinaryEvent, Ack, BinaryAck:
	default:
		if !validPayload(p.Type, p.Data, version) {
			return Packet{}, dst, ErrBadPacket
		}
		return p, dst, nil
	}
	n0 := len(dst)
	if p.Data == nil {
		return Packet{}, dst, ErrBadPacket
	}
	dst, err = SplitArray(p.Data, dst)
	if err != nil {
		return Packet{}, dst, ErrBadPacket
	}
	if p.Type == Event || p.Type == BinaryEvent {
		args := dst[n0:]
		if len(args) == 0 || (version >= 5 && !ValidEventName(args[0])) {
			return Packet{}, dst[:n0], ErrBadPacket
		}
	}
	return p, dst, nil
}

// ValidEventName reports whether raw, the first element of an EVENT's
// payload, is a JSON string that is not a reserved event name: what Parse
// demands of events in protocol v5 (see IsReservedEvent). It does not
// allocate.
func ValidEventName(raw []byte) bool {
	return len(raw) >= 2 && raw[0] == '"' && !reservedRaw(raw[1:len(raw)-1])
}

// parseHead reads a packet's type, attachment count, namespace and ack id,
// and leaves its payload, unchecked, in Data.
func parseHead(b []byte, version int) (Packet, error) {
	if version < 3 || version > 5 {
		return Packet{}, ErrUnsupportedVersion
	}
	if len(b) == 0 || b[0] < '0' || b[0] > '6' {
		return Packet{}, ErrBadPacket
	}
	p := Packet{Type: PacketType(b[0] - '0'), ID: -1}
	i := 1
	if p.Type.IsBinary() {
		start := i
		n := 0
		for i < len(b) && isDigit(b[i]) {
			n = n*10 + int(b[i]-'0')
			if n > maxAttachments {
				return Packet{}, ErrBadPacket
			}
			i++
		}
		if i == start || i >= len(b) || b[i] != '-' {
			return Packet{}, ErrBadPacket
		}
		p.Attachments = n
		i++
	}
	if i < len(b) && b[i] == '/' {
		start := i
		for i < len(b) && b[i] != ',' {
			i++
		}
		p.Namespace = b[start:i:i]
		if i < len(b) {
			i++ // skip ','
		}
	}
	if i < len(b) && isDigit(b[i]) {
		var id int64
		for i < len(b) && isDigit(b[i]) {
			d := int64(b[i] - '0')
			if id > (math.MaxInt64-d)/10 {
				return Packet{}, ErrBadPacket
			}
			id = id*10 + d
			i++
		}
		p.ID = id
	}
	if i < len(b) {
		p.Data = b[i:len(b):len(b)]
	}
	return p, nil
}

// validPayload applies the per-type payload rules documented on Parse.
func validPayload(t PacketType, data []byte, version int) bool {
	if data == nil {
		return t == Connect || t == Disconnect || (t == ConnectError && version < 5)
	}
	if t == Disconnect || !validJSON(data) {
		return false
	}
	i := skipWS(data, 0) // validJSON guarantees i < len(data)
	switch t {
	case Connect:
		return data[i] == '{'
	case ConnectError:
		return version < 5 || data[i] == '{' || data[i] == '"'
	case Ack, BinaryAck:
		return data[i] == '['
	}
	// Event, BinaryEvent
	if data[i] != '[' {
		return false
	}
	i = skipWS(data, i+1)
	if data[i] == ']' {
		return false
	}
	if version < 5 {
		return true
	}
	if data[i] != '"' {
		return false
	}
	end, _ := skipString(data, i)
	return !reservedRaw(data[i+1 : end-1])
}

// reservedEvents are the names socket.io-parser refuses as event names.
var reservedEvents = [...]string{
	"connect",        // client side
	"connect_error",  // client side
	"disconnect",     // both sides
	"disconnecting",  // server side
	"newListener",    // Node.js EventEmitter
	"removeListener", // Node.js EventEmitter
}

// IsReservedEvent reports whether name is reserved by Socket.IO and thus
// refused as an event name by Parse in protocol v5.
func IsReservedEvent(name string) bool {
	for _, r := range reservedEvents {
		if name == r {
			return true
		}
	}
	return false
}

// reservedRaw reports whether the body of a valid JSON string decodes to a
// reserved event name, without allocating.
func reservedRaw(body []byte) bool {
	const maxRaw = 6 * len("removeListener") // every char \u-escaped
	if len(body) > maxRaw {
		return false
	}
	if hasBackslash(body) {
		var buf [maxRaw]byte
		body = appendUnquoted(buf[:0], body)
	}
	for _, r := range reservedEvents {
		if string(body) == r { // comparison: no allocation
			return true
		}
	}
	return false
}
