package httpparse

// Header is one header field. Value is trimmed of surrounding spaces and
// tabs. Both are views into the parsed buffer.
type Header struct{ Name, Value []byte }

// Request is one parsed request. Byte slices are views valid until the
// parsed buffer is modified or the Parser is used again. A Request is reused
// across Parse calls (Parse resets it), keeping the capacity of Headers.
type Request struct {
	Method   []byte
	Target   []byte // raw request-target
	Path     []byte // Target before '?'
	RawQuery []byte // after the first '?', nil if none (empty, not nil, for a trailing '?')
	Minor    int    // HTTP/1.Minor: 0 or 1
	Headers  []Header

	// ContentLength is the Content-Length header's value, -1 when absent.
	ContentLength int64
	// Chunked reports Transfer-Encoding: chunked.
	Chunked bool
	// Close reports that the connection must close after the response:
	// HTTP/1.0 without "Connection: keep-alive", or a "close" token in
	// Connection.
	Close bool
	// Upgrade reports a Connection header with an "upgrade" token and a
	// non-empty Upgrade header.
	Upgrade bool
	// Body is the whole decoded body: a view into the input for a
	// Content-Length body, Parser-owned memory for a chunked one. It is nil
	// when the body is absent or empty.
	Body []byte
}

// Header returns the value of the first header field named name (ASCII
// case-insensitive), or nil if there is none. An empty value of a present
// field is returned as an empty non-nil slice. It does not allocate.
func (r *Request) Header(name string) []byte {
	for i := range r.Headers {
		if equalFold(r.Headers[i].Name, name) {
			return r.Headers[i].Value
		}
	}
	return nil
}

// HeaderCount returns how many header fields are named name (ASCII
// case-insensitive): a field that may appear only once, such as
// Sec-WebSocket-Key, is ambiguous when repeated. It does not allocate.
func (r *Request) HeaderCount(name string) int {
	n := 0
	for i := range r.Headers {
		if equalFold(r.Headers[i].Name, name) {
			n++
		}
	}
	return n
}

// HeaderHasToken reports whether any header field named name contains token
// in its comma-separated list value (ASCII case-insensitive), as used by
// Connection and Upgrade. It does not allocate.
func (r *Request) HeaderHasToken(name, token string) bool {
	for i := range r.Headers {
		if equalFold(r.Headers[i].Name, name) && hasToken(r.Headers[i].Value, token) {
			return true
		}
	}
	return false
}

// Reset clears r for reuse, keeping the capacity of Headers.
func (r *Request) Reset() {
	h := r.Headers[:0]
	*r = Request{Headers: h, ContentLength: -1}
}
