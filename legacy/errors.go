package legacy

import "errors"

// ErrFraming is wrapped by every error [Decode] and [Decoder.Next] return: the
// input is not a well-formed run of ~m~ messages. A transport answers it with
// HTTP 400 (polling POSTs) or by closing the connection (websocket).
var ErrFraming = errors.New("legacy: bad framing")

// framingError is a pre-built decoding error; Unwrap gives ErrFraming, so
// returning one costs no allocation.
type framingError struct{ msg string }

func (e *framingError) Error() string { return "legacy: bad framing: " + e.msg }
func (e *framingError) Unwrap() error { return ErrFraming }

// The decoding errors, one per way a frame can be broken. They are exported
// so that tests and logs can tell them apart; all of them wrap ErrFraming.
var (
	// ErrPrefix: a frame does not start with "~m~".
	ErrPrefix error = &framingError{"frame does not start with ~m~"}
	// ErrLength: LEN is empty, has a non-digit, is not followed by "~m~",
	// or is absurdly long.
	ErrLength error = &framingError{"LEN is not a decimal number followed by ~m~"}
	// ErrTruncated: LEN announces more UTF-16 code units than the input
	// holds.
	ErrTruncated error = &framingError{"LEN goes beyond the data"}
	// ErrSurrogate: LEN ends between the two UTF-16 halves of a character
	// outside the Basic Multilingual Plane (a 4-byte UTF-8 sequence).
	ErrSurrogate error = &framingError{"LEN splits a surrogate pair"}
	// ErrHeartbeat: a "~h~" message whose number is not 1 to 9 decimal
	// digits.
	ErrHeartbeat error = &framingError{"heartbeat number is not decimal"}
	// ErrJSON: a "~j~" message whose data is not valid JSON.
	ErrJSON error = &framingError{"~j~ data is not valid JSON"}
)

// Session errors.
var (
	// ErrClosed is returned by Session methods called after the session
	// closed.
	ErrClosed = errors.New("legacy: session closed")
	// ErrTransportMismatch is returned by [Session.Connect] when a request
	// for another transport names the session (decision 4: one transport
	// per legacy session). Answer it with HTTP 400.
	ErrTransportMismatch = errors.New("legacy: session belongs to another transport")
	// ErrQueueFull is returned by [Session.Send] when the outbound queue
	// would grow beyond Options.MaxQueueBytes; the message is dropped.
	ErrQueueFull = errors.New("legacy: outbound queue full")
)

// TransitionError is returned when an event is not allowed in the session's
// current state, such as a second GET while a poll is held or an answer with
// no poll to answer. It is a programming or protocol error of the caller.
type TransitionError struct {
	State State
	Input Input
}

func (e *TransitionError) Error() string {
	return "legacy: " + e.Input.String() + " not allowed in state " + e.State.String()
}
