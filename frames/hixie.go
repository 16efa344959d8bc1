package frames

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"unicode/utf8"
)

// The pre-RFC WebSocket drafts of 2010, hixie-75 and hixie-76
// (draft-hixie-thewebsocketprotocol-75/76), spoken by the Socket.IO 0.6
// client's websocket transport and by the Flash polyfill web-socket-js
// (docs/legacy-0.6.md section 5, websocket). Their frames are 0x00, UTF-8 text,
// 0xFF; the closing handshake of draft 76 is the two bytes 0xFF 0x00.

// Hixie76Answer computes the 16-byte answer to a hixie-76 handshake from the
// Sec-WebSocket-Key1 and -Key2 header values and the 8 bytes (key3) that
// follow the request's header block: for each key, the number made of its
// digits divided by its number of spaces, as a big-endian uint32; then key3;
// then MD5 of those 16 bytes.
//
// A key with no spaces, no digits, a number not divisible by its spaces, or a
// quotient that does not fit in 32 bits is refused with a [*HandshakeError]
// of status 400 (socket.io-node drops such a connection without an answer).
func Hixie76Answer(key1, key2 []byte, key3 [8]byte) ([16]byte, error) {
	var buf [16]byte
	for i, key := range [2][]byte{key1, key2} {
		v, ok := hixieKeyValue(key)
		if !ok {
			return [16]byte{}, &HandshakeError{Status: statusBadRequest, Msg: "invalid hixie-76 key"}
		}
		binary.BigEndian.PutUint32(buf[4*i:], v)
	}
	copy(buf[8:], key3[:])
	return md5.Sum(buf[:]), nil
}

// hixieKeyValue is the digits of key as a number divided by its spaces.
func hixieKeyValue(key []byte) (uint32, bool) {
	var n, spaces uint64
	digits := false
	for _, c := range key {
		switch {
		case c >= '0' && c <= '9':
			if n > (1<<63)/10 {
				return 0, false // far beyond any valid key
			}
			n = n*10 + uint64(c-'0')
			digits = true
		case c == ' ':
			spaces++
		}
	}
	if spaces == 0 || !digits || n%spaces != 0 || n/spaces > 0xFFFFFFFF {
		return 0, false
	}
	return uint32(n / spaces), true
}

// AppendHixieLocation appends the WebSocket location of a request,
// "ws://" (or "wss://" when secure) + the Host header + the request URI, as
// socket.io-node builds it for the *-Location header.
func AppendHixieLocation(dst []byte, secure bool, host, uri []byte) []byte {
	if secure {
		dst = append(dst, "wss://"...)
	} else {
		dst = append(dst, "ws://"...)
	}
	dst = append(dst, host...)
	return append(dst, uri...)
}

// AppendHixie76Response appends the hixie-76 101 response header block, as
// socket.io-node 0.6.18 writes it (transports/websocket.js, _onConnect):
//
//	HTTP/1.1 101 WebSocket Protocol Handshake
//	Upgrade: WebSocket
//	Connection: Upgrade
//	Sec-WebSocket-Origin: <origin>
//	Sec-WebSocket-Location: <location>
//	Sec-WebSocket-Protocol: <protocol>    (only when protocol is not nil)
//
// with CRLF line ends and the empty line. The 16-byte [Hixie76Answer] follows
// once key3 has arrived; like socket.io-node, the header block may be sent
// before that (HAProxy forwards key3 only after it sees the 101). CR, LF and
// NUL in the values are written as spaces.
func AppendHixie76Response(dst, origin, location, protocol []byte) []byte {
	dst = append(dst, "HTTP/1.1 101 WebSocket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Origin: "...)
	dst = appendHeaderValue(dst, origin)
	dst = append(dst, "\r\nSec-WebSocket-Location: "...)
	dst = appendHeaderValue(dst, location)
	if protocol != nil {
		dst = append(dst, "\r\nSec-WebSocket-Protocol: "...)
		dst = appendHeaderValue(dst, protocol)
	}
	return append(dst, "\r\n\r\n"...)
}

// AppendHixie75Response appends the hixie-75 101 response header block
// (no keys, no answer bytes):
//
//	HTTP/1.1 101 Web Socket Protocol Handshake
//	Upgrade: WebSocket
//	Connection: Upgrade
//	WebSocket-Origin: <origin>
//	WebSocket-Location: <location>
//
// with CRLF line ends and the empty line.
func AppendHixie75Response(dst, origin, location []byte) []byte {
	dst = append(dst, "HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nWebSocket-Origin: "...)
	dst = appendHeaderValue(dst, origin)
	dst = append(dst, "\r\nWebSocket-Location: "...)
	dst = appendHeaderValue(dst, location)
	return append(dst, "\r\n\r\n"...)
}

func appendHeaderValue(dst, v []byte) []byte {
	for _, c := range v {
		if c == '\r' || c == '\n' || c == 0 {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}

// AppendHixieFrame appends one hixie text frame: 0x00, text, 0xFF. text must
// be valid UTF-8, which never holds the byte 0xFF.
func AppendHixieFrame(dst, text []byte) []byte {
	dst = append(dst, 0x00)
	dst = append(dst, text...)
	return append(dst, 0xFF)
}

// HixieCloseFrame is the hixie-76 closing handshake, 0xFF 0x00.
const HixieCloseFrame = "\xff\x00"

// Hixie decoding errors, pre-built: closing the connection is all a hixie
// peer can be told, and the codes only keep CloseCodeOf meaningful.
var (
	errHixieFrameType = &CloseError{Code: StatusProtocolError, Reason: "hixie: frame is neither 0x00 text 0xFF nor 0xFF 0x00"}
	errHixieTooBig    = &CloseError{Code: StatusMessageTooBig, Reason: "hixie: message too big"}
	errHixieUTF8      = &CloseError{Code: StatusInvalidFramePayloadData, Reason: "hixie: text is not valid UTF-8"}
)

// HixieDecoder decodes the frames a hixie-75/76 client sends. The zero value
// is ready to use without a size limit. A HixieDecoder is not safe for
// concurrent use.
type HixieDecoder struct {
	// MaxMessageSize limits the text of one frame, in bytes; 0 means no
	// limit. A longer frame fails with a *CloseError of code 1009 as soon as
	// that many bytes have arrived without the closing 0xFF.
	MaxMessageSize int

	scanned int // bytes of the current frame searched for 0xFF so far
}

// Next decodes the frame at the start of p and returns the number of bytes
// it used; the caller discards them before the next call. It follows the
// convention of [Decoder.Next]:
//
//   - a text frame gives a Message with Op OpText and Payload, a view into p
//     (without the 0x00 and 0xFF);
//   - the closing handshake 0xFF 0x00 gives Op OpClose with CloseCode
//     StatusNoStatusRcvd: answer with [HixieCloseFrame] and close;
//   - ErrNeedMore, with n == 0, when p does not hold a whole frame yet; call
//     Next again when more bytes have arrived, with the same bytes at the
//     start of p (the search for 0xFF resumes where it stopped, so a long
//     frame fed in pieces is scanned once);
//   - a [*CloseError] for anything else: a frame type other than 0x00 and
//     0xFF 0x00 (the draft's length-prefixed frames, which no client sends,
//     are refused rather than skipped), text that is not UTF-8 (code 1007),
//     or text beyond MaxMessageSize (1009). The connection must then be
//     closed; call Reset before using the decoder again.
func (d *HixieDecoder) Next(p []byte) (m Message, n int, err error) {
	if len(p) == 0 {
		return m, 0, ErrNeedMore
	}
	switch p[0] {
	case 0x00:
		from := max(d.scanned, 1)
		if from > len(p) {
			from = 1 // a different buffer: start over
		}
		i := bytes.IndexByte(p[from:], 0xFF)
		if i < 0 {
			d.scanned = len(p)
			if d.MaxMessageSize > 0 && len(p)-1 > d.MaxMessageSize {
				return m, 0, errHixieTooBig
			}
			return m, 0, ErrNeedMore
		}
		end := from + i
		d.scanned = 0
		text := p[1:end]
		if d.MaxMessageSize > 0 && len(text) > d.MaxMessageSize {
			return m, 0, errHixieTooBig
		}
		if !utf8.Valid(text) {
			return m, 0, errHixieUTF8
		}
		return Message{Op: OpText, Payload: text}, end + 1, nil
	case 0xFF:
		if len(p) < 2 {
			return m, 0, ErrNeedMore
		}
		if p[1] == 0x00 {
			return Message{Op: OpClose, CloseCode: StatusNoStatusRcvd}, 2, nil
		}
	}
	return m, 0, errHixieFrameType
}

// Reset forgets a partly scanned frame.
func (d *HixieDecoder) Reset() { d.scanned = 0 }
