package frames

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"slices"
	"strconv"
)

// GUID is the globally unique identifier RFC 6455 (section 1.3) appends to
// the client's key before hashing it into Sec-WebSocket-Accept.
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// acceptKeyLen is the length of base64(SHA-1(...)): 20 bytes encode to 28.
const acceptKeyLen = 28

// AcceptKey appends to dst the Sec-WebSocket-Accept value for the given
// Sec-WebSocket-Key: base64(SHA-1(key + GUID)). It does not allocate when dst
// has room for 28 more bytes and key is of a sane length (at most 92 bytes; a
// valid key is 24).
func AcceptKey(dst, key []byte) []byte {
	var sum [sha1.Size]byte
	var stack [128]byte
	if len(key)+len(GUID) <= len(stack) {
		n := copy(stack[:], key)
		n += copy(stack[n:], GUID)
		sum = sha1.Sum(stack[:n])
	} else {
		h := sha1.New()
		h.Write(key)
		h.Write([]byte(GUID))
		h.Sum(sum[:0])
	}
	return base64.StdEncoding.AppendEncode(dst, sum[:])
}

// HTTP statuses of failed handshakes, spelled out: the package needs nothing
// else from net/http.
const (
	statusBadRequest       = 400
	statusMethodNotAllowed = 405
	statusUpgradeRequired  = 426
)

// HandshakeError carries the HTTP status to answer a bad upgrade request
// with.
type HandshakeError struct {
	Status int
	Msg    string
}

// Error implements the error interface.
func (e *HandshakeError) Error() string {
	return "frames: handshake: " + e.Msg + " (HTTP " + strconv.Itoa(e.Status) + ")"
}

// UpgradeRequest is what CheckUpgrade looks at in an RFC 6455 opening
// handshake request.
type UpgradeRequest struct {
	Method []byte // the request method
	// Minor is the request's HTTP version, 1.Minor. The zero value is
	// HTTP/1.0, which is refused.
	Minor   int
	Version []byte // the value of Sec-WebSocket-Version
	Key     []byte // the value of Sec-WebSocket-Key
	// KeyFields is how many Sec-WebSocket-Key header fields the request
	// holds; more than one is refused.
	KeyFields int
}

// CheckUpgrade validates an RFC 6455 opening handshake (section 4.2.1):
//
//   - the method must be GET, else the error has status 405;
//   - the request must be HTTP/1.1 or later, else the status is 400;
//   - the version must be "13", else the status is 426 and the response must
//     carry "Sec-WebSocket-Version: 13";
//   - Sec-WebSocket-Key must appear once (section 11.3.1) and be the base64
//     encoding of exactly 16 bytes, else the status is 400.
//
// Leading and trailing spaces and tabs around header values are ignored. The
// returned error is a [*HandshakeError]. Checking the Upgrade and Connection
// headers is left to the caller; see [HasToken].
func CheckUpgrade(r UpgradeRequest) error {
	if string(r.Method) != "GET" {
		return &HandshakeError{Status: statusMethodNotAllowed, Msg: "method must be GET"}
	}
	if r.Minor < 1 {
		return &HandshakeError{Status: statusBadRequest, Msg: "HTTP/1.1 or later required"}
	}
	if string(trimOWS(r.Version)) != "13" {
		return &HandshakeError{Status: statusUpgradeRequired, Msg: "unsupported Sec-WebSocket-Version"}
	}
	if r.KeyFields > 1 {
		return &HandshakeError{Status: statusBadRequest, Msg: "repeated Sec-WebSocket-Key"}
	}
	if !validKey(trimOWS(r.Key)) {
		return &HandshakeError{Status: statusBadRequest, Msg: "invalid Sec-WebSocket-Key"}
	}
	return nil
}

// validKey reports whether key is the base64 encoding of exactly 16 bytes.
func validKey(key []byte) bool {
	// 16 bytes encode to 22 characters plus "==". The length check also
	// rules out CR and LF, which the base64 decoder would silently skip.
	if len(key) != 24 {
		return false
	}
	var raw [18]byte
	n, err := base64.StdEncoding.Decode(raw[:], key)
	return err == nil && n == 16
}

// AppendUpgradeResponse appends the complete 101 Switching Protocols response
// for the given Sec-WebSocket-Key: the status line, "Upgrade: websocket",
// "Connection: Upgrade", "Sec-WebSocket-Accept: ...", then the extra header
// lines exactly as given (each already formatted as "Name: value\r\n"), then
// the empty line ending the header.
func AppendUpgradeResponse(dst, key []byte, extra ...[]byte) []byte {
	const head = "HTTP/1.1 101 Switching Protocols\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: "
	size := len(head) + acceptKeyLen + 4
	for _, e := range extra {
		size += len(e)
	}
	dst = slices.Grow(dst, size)
	dst = append(dst, head...)
	dst = AcceptKey(dst, trimOWS(key))
	dst = append(dst, "\r\n"...)
	for _, e := range extra {
		dst = append(dst, e...)
	}
	return append(dst, "\r\n"...)
}

// HasToken reports whether the comma-separated header value list contains
// token, compared case-insensitively, as needed for "Connection: Upgrade"
// (which may read "keep-alive, Upgrade") and "Upgrade: websocket".
func HasToken(list, token []byte) bool {
	for len(list) > 0 {
		var item []byte
		if i := bytes.IndexByte(list, ','); i >= 0 {
			item, list = list[:i], list[i+1:]
		} else {
			item, list = list, nil
		}
		if equalFold(trimOWS(item), token) {
			return true
		}
	}
	return false
}

// equalFold compares ASCII strings case-insensitively.
func equalFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// trimOWS removes the optional white space (RFC 9110 section 5.6.3) around
// a header value.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
