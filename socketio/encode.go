package socketio

import "strconv"

// AppendPacket appends the text encoding of p to dst. Data must be
// already-encoded JSON (or nil). For BinaryEvent and BinaryAck the
// attachment count is written as "N-". A namespace of "" or "/" is omitted;
// otherwise it should start with '/' and must not contain ','. The ID is
// written when it is >= 0.
func AppendPacket(dst []byte, p Packet) []byte {
	dst = appendHeader(dst, p.Type, p.Attachments, p.Namespace, p.ID)
	return append(dst, p.Data...)
}

// appendHeader writes <type>[<attachments>-][<nsp>,][<id>].
func appendHeader[S string | []byte](dst []byte, t PacketType, attachments int, nsp S, id int64) []byte {
	dst = append(dst, '0'+byte(t))
	if t.IsBinary() {
		dst = strconv.AppendInt(dst, int64(attachments), 10)
		dst = append(dst, '-')
	}
	if len(nsp) > 1 || (len(nsp) == 1 && nsp[0] != '/') {
		dst = append(dst, nsp...)
		dst = append(dst, ',')
	}
	if id >= 0 {
		dst = strconv.AppendInt(dst, id, 10)
	}
	return dst
}

// AppendEvent appends a complete EVENT packet:
//
//	"2" [nsp ","] [id] ["name",arg1,...]
//
// args are raw JSON values. nsp "" or "/" is omitted, as is a negative id.
// When attachments > 0 a BINARY_EVENT ("5<n>-...") is written instead.
func AppendEvent(dst []byte, nsp string, id int64, attachments int, name string, args ...[]byte) []byte {
	t := Event
	if attachments > 0 {
		t = BinaryEvent
	}
	dst = appendHeader(dst, t, attachments, nsp, id)
	dst = append(dst, '[')
	dst = AppendJSONString(dst, name)
	for _, a := range args {
		dst = append(dst, ',')
		dst = append(dst, a...)
	}
	return append(dst, ']')
}

// AppendAckOpen appends the start of an ACK packet, "3" [nsp ","] id "[",
// for callers that write the arguments and the closing "]" themselves.
func AppendAckOpen(dst []byte, nsp string, id int64) []byte {
	return append(appendHeader(dst, Ack, 0, nsp, id), '[')
}

// AppendAck appends a complete ACK packet "3" [nsp ","] id [arg1,...], or a
// BINARY_ACK ("6<n>-...") when attachments > 0. args are raw JSON values.
func AppendAck(dst []byte, nsp string, id int64, attachments int, args ...[]byte) []byte {
	t := Ack
	if attachments > 0 {
		t = BinaryAck
	}
	dst = appendHeader(dst, t, attachments, nsp, id)
	dst = append(dst, '[')
	for i, a := range args {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, a...)
	}
	return append(dst, ']')
}
