package engineio

import (
	"errors"
	"strconv"
)

// Sentinel errors. Errors returned by this package wrap one of them (use
// errors.Is) and add context such as the offending offset.
var (
	// ErrBadPacket reports a malformed packet: empty, an unknown type, or
	// bad base64 data.
	ErrBadPacket = errors.New("engineio: malformed packet")
	// ErrBadPayload reports a malformed polling payload. Errors caused by a
	// malformed packet inside a payload wrap both ErrBadPayload and
	// ErrBadPacket.
	ErrBadPayload = errors.New("engineio: malformed payload")
	// ErrUnsupportedVersion reports a protocol version other than 3 or 4.
	ErrUnsupportedVersion = errors.New("engineio: unsupported protocol version")
)

// ErrorCode is an Engine.IO error code, answered to HTTP requests with status
// 400 and a JSON body (see AppendErrorJSON).
type ErrorCode int

// Error codes, numbered as in the protocol.
const (
	UnknownTransport ErrorCode = iota
	UnknownSID
	BadHandshakeMethod
	BadRequest
	Forbidden
	UnsupportedProtocolVersion
)

var errorMessages = [...]string{
	UnknownTransport:           "Transport unknown",
	UnknownSID:                 "Session ID unknown",
	BadHandshakeMethod:         "Bad handshake method",
	BadRequest:                 "Bad request",
	Forbidden:                  "Forbidden",
	UnsupportedProtocolVersion: "Unsupported protocol version",
}

// Message returns the message sent to clients with the code, such as
// "Session ID unknown". Unknown codes give "Unknown error".
func (c ErrorCode) Message() string {
	if c >= 0 && int(c) < len(errorMessages) {
		return errorMessages[c]
	}
	return "Unknown error"
}

// Error implements the error interface, so that handlers can return a code
// as an error and map it back with errors.As.
func (c ErrorCode) Error() string {
	return "engineio: " + c.Message()
}

// AppendErrorJSON appends the JSON body sent with an HTTP 400 answer:
// {"code":1,"message":"Session ID unknown"}.
func AppendErrorJSON(dst []byte, c ErrorCode) []byte {
	dst = append(dst, `{"code":`...)
	dst = strconv.AppendInt(dst, int64(c), 10)
	dst = append(dst, `,"message":`...)
	dst = appendJSONString(dst, c.Message())
	return append(dst, '}')
}
