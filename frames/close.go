package frames

import (
	"encoding/binary"
	"slices"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

// StatusCode is the status code of a close frame (RFC 6455 section 7.4).
type StatusCode uint16

// The status codes the package and its callers use (RFC 6455 section
// 7.4.1). 1005 is never sent: it stands for a close frame without a code.
const (
	StatusNormalClosure           StatusCode = 1000
	StatusGoingAway               StatusCode = 1001
	StatusProtocolError           StatusCode = 1002
	StatusUnsupportedData         StatusCode = 1003
	StatusNoStatusRcvd            StatusCode = 1005
	StatusInvalidFramePayloadData StatusCode = 1007
	StatusPolicyViolation         StatusCode = 1008
	StatusMessageTooBig           StatusCode = 1009
)

// maxCloseReason is the longest reason a close frame can carry: a control
// payload is at most 125 bytes and the code takes 2.
const maxCloseReason = ws.MaxControlFramePayloadSize - 2

// parseClose splits a close frame payload into its code and reason and checks
// them (RFC 6455 sections 5.5.1 and 7.4). An empty payload stands for
// StatusNoStatusRcvd.
func parseClose(p []byte) (code StatusCode, reason []byte, err error) {
	switch len(p) {
	case 0:
		return StatusNoStatusRcvd, nil, nil
	case 1:
		return 0, nil, protocolError("close payload of one byte")
	}
	code = StatusCode(binary.BigEndian.Uint16(p))
	if !validCloseCode(code) {
		return 0, nil, protocolError("invalid close code")
	}
	reason = p[2:]
	if !utf8.Valid(reason) {
		return 0, nil, protocolError("close reason is not valid UTF-8")
	}
	return code, reason, nil
}

// validCloseCode reports whether a peer may send code in a close frame.
//
// RFC 6455 section 7.4 leaves 0-999 unused and reserves 1000-2999 for the
// protocol, of which 1004 is reserved, 1005 and 1006 must never be sent and
// 1015 is reserved for TLS failures; 1000-1003 and 1007-1011 are defined by
// the RFC and 1012-1014 were registered with IANA since. 3000-3999 are for
// libraries and frameworks and 4000-4999 for private use. No range is defined
// above 4999.
func validCloseCode(code StatusCode) bool {
	switch {
	case code >= 1000 && code <= 1003:
		return true
	case code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// AppendClose appends an unmasked close frame with the given code and reason.
//
// A code of 0 or StatusNoStatusRcvd (1005), which must not appear on the
// wire, gives a close frame with an empty payload, and the reason is dropped.
// A reason longer than 123 bytes, the room left in a control frame, is cut to
// fit at a UTF-8 character boundary.
func AppendClose(dst []byte, code StatusCode, reason string) []byte {
	if code == 0 || code == StatusNoStatusRcvd {
		return append(dst, bitFin|byte(ws.OpClose), 0)
	}
	if len(reason) > maxCloseReason {
		reason = reason[:cutUTF8(reason, maxCloseReason)]
	}
	n := 2 + len(reason)
	dst = slices.Grow(dst, 2+n)
	dst = append(dst, bitFin|byte(ws.OpClose), byte(n))
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	return append(dst, reason...)
}

// cutUTF8 returns the largest length not above limit at which s can be cut
// without splitting a UTF-8 sequence. len(s) must be above limit.
func cutUTF8(s string, limit int) int {
	// Back up over continuation bytes to the start of the character that
	// straddles the cut; at most utf8.UTFMax-1 of them precede it.
	for i := limit; i > limit-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return i
		}
	}
	return limit
}
