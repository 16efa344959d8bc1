// Package httpparse is a sans-IO, incremental, zero-copy parser for
// HTTP/1.1 requests, written for an event loop that owns the connection's
// read buffer.
//
// The package owns exactly one job: turning the bytes at the start of a
// connection's buffer into one complete, validated Request (request line,
// header fields, and the whole decoded body), or saying that more bytes are
// needed, or refusing the request with the HTTP status code to answer with.
// It also carries small helpers that belong to the same boundary: reading
// query strings and urlencoded forms, and appending a status line and header
// fields to a response buffer.
//
// It does not own I/O, timeouts, connection state, routing, or response
// bodies: it never reads from a socket, starts goroutines, or looks at the
// clock. The caller keeps the buffered bytes of a connection, calls
// Parser.Parse on them, and on success discards the n bytes the request
// spans; pipelined bytes after it are left for the next call. After
// ErrNeedMore the caller simply waits for more bytes and calls Parse again
// on the longer buffer.
//
// Views: Method, Target, Path, RawQuery, header names and values, and a
// Content-Length body are slices of the caller's buffer (capacity-limited, so
// appending to them never writes into the buffer). A chunked body is decoded
// into memory owned by the Parser. Both stay valid until the buffer is
// modified or Parse is called again. A Parser and a Request are reused across
// requests of one connection; in the steady state Parse does not allocate.
//
// The parser is strict: lines must end in CRLF (a bare LF is rejected), header
// field names are tokens immediately followed by ':', obsolete line folding is
// rejected, control characters are rejected in the request target and in
// field values, the version must be HTTP/1.0 or HTTP/1.1, Transfer-Encoding
// must be exactly "chunked" (and is rejected in HTTP/1.0 requests), and a
// message with both Content-Length and Transfer-Encoding, or with differing
// Content-Length values, is rejected. Empty lines (CRLF) before the request
// line are skipped, as RFC 9112 section 2.2 recommends; they count toward
// MaxHeaderBytes and toward n. A request without Content-Length and without
// Transfer-Encoding has no body.
//
// Limits are enforced as soon as they are provably exceeded, so a peer cannot
// make the caller buffer without bound while Parse keeps answering
// ErrNeedMore: the request head is limited by MaxHeaderBytes and MaxHeaders,
// the body by MaxBodyBytes (or the cap Parser.BodyLimit gives the request)
// and MaxChunks, and chunk extensions and the
// trailer fields count toward MaxHeaderBytes (and trailer fields toward
// MaxHeaders) together with the head.
//
// Parse keeps no memory of earlier calls on the same request, so each call
// re-parses the head (at most MaxHeaderBytes) and re-walks the chunk framing
// buffered so far (at most MaxChunks size lines; chunk data is skipped, and
// copied only once the body is complete). The cost of a request trickled in
// many small reads is therefore bounded by the limits.
package httpparse
