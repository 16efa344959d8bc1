package httpparse

import "errors"

// ErrNeedMore is returned by Parse when the input ends in the middle of a
// request and no limit is exceeded yet: call Parse again with more bytes.
var ErrNeedMore = errors.New("httpparse: need more data")

// Error is a request the parser refuses. Status is the HTTP status code to
// answer with before closing the connection: 400 malformed, 413 body too
// large, 431 header section too large or too many header fields, 501
// unsupported transfer coding, 505 unsupported HTTP version.
//
// The *Error values returned by Parse are shared; do not modify them.
type Error struct {
	Status int
	Msg    string
}

// Error returns "httpparse: " followed by Msg.
func (e *Error) Error() string { return "httpparse: " + e.Msg }

// StatusOf returns the Status of an *Error found in err's chain (errors.As),
// and 400 for any other error.
func StatusOf(err error) int {
	if e, ok := err.(*Error); ok {
		return e.Status
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 400
}

// Errors are preallocated so that refusing a request does not allocate.
var (
	errEmptyLine      = &Error{400, "bare LF or stray CR in empty line"}
	errMethod         = &Error{400, "malformed method"}
	errTarget         = &Error{400, "malformed request target"}
	errVersion        = &Error{400, "malformed HTTP version"}
	errVersionUnsupp  = &Error{505, "unsupported HTTP version"}
	errLineEnding     = &Error{400, "line not terminated by CRLF"}
	errFieldName      = &Error{400, "malformed header field name"}
	errObsFold        = &Error{400, "obsolete line folding or leading whitespace in header field"}
	errFieldValue     = &Error{400, "invalid character in header field value"}
	errHeadTooLarge   = &Error{431, "request header section too large"}
	errTooManyHeaders = &Error{431, "too many header fields"}
	errContentLength  = &Error{400, "malformed Content-Length"}
	errCLConflict     = &Error{400, "differing Content-Length values"}
	errCLAndTE        = &Error{400, "both Content-Length and Transfer-Encoding"}
	errTEInHTTP10     = &Error{400, "Transfer-Encoding in an HTTP/1.0 request"}
	errTEUnsupported  = &Error{501, "unsupported Transfer-Encoding"}
	errBodyTooLarge   = &Error{413, "request body too large"}
	errTooManyChunks  = &Error{413, "too many chunks in request body"}
	errChunkSize      = &Error{400, "malformed chunk size"}
	errChunkExt       = &Error{400, "malformed chunk extension"}
	errChunkData      = &Error{400, "chunk data not terminated by CRLF"}
	errChunkMeta      = &Error{431, "chunk extensions and trailers too large"}
	errEscape         = &Error{400, "malformed percent-escape"}
)
