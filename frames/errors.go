package frames

import (
	"errors"
	"strconv"
)

// ErrNeedMore is returned by [Decoder.Next] when the input does not yet hold a
// complete frame. It is not a failure: call Next again when more bytes have
// arrived, with the same bytes at the start of the input.
var ErrNeedMore = errors.New("frames: need more data")

// CloseError is a protocol violation by the peer; the connection must be
// closed with Code.
type CloseError struct {
	Code   StatusCode
	Reason string
}

// Error implements the error interface.
func (e *CloseError) Error() string {
	return "frames: " + e.Reason + " (close " + strconv.Itoa(int(e.Code)) + ")"
}

// CloseCodeOf returns the Code of the [*CloseError] in err's chain, or
// StatusProtocolError when there is none.
func CloseCodeOf(err error) StatusCode {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return StatusProtocolError
}

// protocolError returns a *CloseError with code 1002.
func protocolError(reason string) error {
	return &CloseError{Code: StatusProtocolError, Reason: reason}
}
