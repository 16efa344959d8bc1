package transports

import (
	"iter"
	"strings"
	"time"

	"github.com/tornadio/tornadio/httpparse"
)

// Handshake is a copy of what the request that opened a session carried.
//
// Every session keeps one for its whole life, so it is kept compact: one
// string (one allocation, shared with the session id) holding
//
//	len(id) id issued remote LF method SP target LF (field LF)*
//
// where issued is the time of the request in milliseconds since the Unix
// epoch, six bytes big-endian (Node's handshake.issued, for other nodes).
// and the accessors cut views out of it, which allocates nothing. A field
// is name ":" value, or, for names every client sends (Host,
// Sec-WebSocket-Key, …), code ":" value, or, for whole fields browsers send
// on every upgrade ("Upgrade: websocket", …), the code alone. Codes are
// control bytes other than LF: the parser has checked that a name is a
// token and that a value holds no control byte but HTAB, so LF only ends
// lines, the first ':' of a line ends its name, and a name of one control
// byte can only be a code. Coded names come back in their canonical form
// (what net/http's Header keys are), the others as they arrived.
type Handshake struct{ s string }

// commonHeaders are the names stored as a code. Codes live only in memory:
// the lists may change freely, within 30 entries in all.
var commonHeaders = [...]string{
	"Host",
	"Connection",
	"Upgrade",
	"Sec-Websocket-Key",
	"Sec-Websocket-Version",
	"Sec-Websocket-Extensions",
	"User-Agent",
	"Accept",
	"Accept-Encoding",
	"Accept-Language",
	"Origin",
	"Cookie",
	"Cache-Control",
	"Pragma",
	"Referer",
	"Content-Type",
	"Content-Length",
	"X-Forwarded-For",
}

// commonFields are the whole fields stored as a code: the name compared
// without regard to case, the value exactly.
var commonFields = [...][2]string{
	{"Connection", "Upgrade"},
	{"Upgrade", "websocket"},
	{"Sec-Websocket-Version", "13"},
	{"Connection", "keep-alive"},
	{"Cache-Control", "no-cache"},
	{"Pragma", "no-cache"},
	{"Accept", "*/*"},
}

// fieldCode returns the code of a common field (whole) or of a common
// name, or 0.
func fieldCode(name, value []byte) (code byte, whole bool) {
	for i, f := range commonFields {
		if string(value) == f[1] && foldEqual(name, f[0]) {
			return codeOf(len(commonHeaders) + i), true
		}
	}
	for i, h := range commonHeaders {
		if foldEqual(name, h) {
			return codeOf(i), false
		}
	}
	return 0, false
}

// codeOf is the code of entry i of commonHeaders followed by commonFields:
// 0x01 to 0x1f, skipping LF.
func codeOf(i int) byte {
	if c := byte(i + 1); c < '\n' {
		return c
	}
	return byte(i + 2)
}

// entryOf is the inverse of codeOf.
func entryOf(c byte) int {
	if c > '\n' {
		return int(c) - 2
	}
	return int(c) - 1
}

// issuedLen is the size of the issued time in a Handshake.
const issuedLen = 6

// newHandshake copies request r received from remote at issued
// (milliseconds since the Unix epoch), prefixed by id (at most 255 bytes).
// It allocates once: the exact size is known up front, and a Builder hands
// over its bytes as the string without copying them.
func newHandshake(id string, r *httpparse.Request, remote string, issued int64) Handshake {
	n := 1 + len(id) + issuedLen + len(remote) + 1 + len(r.Method) + 1 + len(r.Target) + 1
	for i := range r.Headers {
		h := &r.Headers[i]
		switch code, whole := fieldCode(h.Name, h.Value); {
		case whole:
			n += 2
		case code != 0:
			n += 1 + 1 + len(h.Value) + 1
		default:
			n += len(h.Name) + 1 + len(h.Value) + 1
		}
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte(byte(len(id)))
	b.WriteString(id)
	for shift := 8 * (issuedLen - 1); shift >= 0; shift -= 8 {
		b.WriteByte(byte(issued >> shift))
	}
	b.WriteString(remote)
	b.WriteByte('\n')
	b.Write(r.Method)
	b.WriteByte(' ')
	b.Write(r.Target)
	b.WriteByte('\n')
	for i := range r.Headers {
		h := &r.Headers[i]
		code, whole := fieldCode(h.Name, h.Value)
		switch {
		case whole:
			b.WriteByte(code)
			b.WriteByte('\n')
			continue
		case code != 0:
			b.WriteByte(code)
		default:
			b.Write(h.Name)
		}
		b.WriteByte(':')
		b.Write(h.Value)
		b.WriteByte('\n')
	}
	return Handshake{b.String()}
}

// id is the session id stored in front of the request.
func (h *Handshake) id() string {
	if h.s == "" {
		return ""
	}
	return h.s[1 : 1+int(h.s[0])]
}

// rest returns what follows the id and the time: the remote address line
// and the request.
func (h *Handshake) rest() string {
	if h.s == "" {
		return ""
	}
	return h.s[1+int(h.s[0])+issuedLen:]
}

// Issued is when the request arrived, on the event loops' clock.
func (h *Handshake) Issued() time.Time {
	if h.s == "" {
		return time.Time{}
	}
	var ms int64
	for _, c := range []byte(h.s[1+int(h.s[0]) : 1+int(h.s[0])+issuedLen]) {
		ms = ms<<8 | int64(c)
	}
	return time.UnixMilli(ms)
}

// cut returns s up to the first c and what follows c.
func cut(s string, c byte) (string, string) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// RemoteAddr is the peer's address as "ip:port".
func (h *Handshake) RemoteAddr() string {
	r, _ := cut(h.rest(), '\n')
	return r
}

// requestLine returns the method and the request target.
func (h *Handshake) requestLine() (method, target string) {
	_, s := cut(h.rest(), '\n')
	line, _ := cut(s, '\n')
	return cut(line, ' ')
}

// Method is the request method, such as "GET".
func (h *Handshake) Method() string {
	m, _ := h.requestLine()
	return m
}

// Target is the raw request target: path and query.
func (h *Handshake) Target() string {
	_, t := h.requestLine()
	return t
}

// Path is the request target before '?'.
func (h *Handshake) Path() string {
	p, _ := cut(h.Target(), '?')
	return p
}

// RawQuery is the request target after the first '?', or "".
func (h *Handshake) RawQuery() string {
	_, q := cut(h.Target(), '?')
	return q
}

// fields returns the header lines.
func (h *Handshake) fields() string {
	_, s := cut(h.rest(), '\n')
	_, s = cut(s, '\n')
	return s
}

// nextField splits the first header line off s.
func nextField(s string) (name, value, rest string) {
	line, rest := cut(s, '\n')
	name, value = cut(line, ':')
	if len(name) == 1 && name[0] < ' ' {
		if i := entryOf(name[0]); i < len(commonHeaders) {
			name = commonHeaders[i]
		} else {
			f := &commonFields[i-len(commonHeaders)]
			name, value = f[0], f[1]
		}
	}
	return name, value, rest
}

// Headers yields each header field, name and value, in arrival order.
func (h *Handshake) Headers() iter.Seq2[string, string] {
	return func(yield func(name, value string) bool) {
		for s := h.fields(); s != ""; {
			var name, value string
			name, value, s = nextField(s)
			if !yield(name, value) {
				return
			}
		}
	}
}

// Header returns the first value of the header name (case-insensitive), or
// "" if there is none. It does not allocate.
func (h *Handshake) Header(name string) string {
	for s := h.fields(); s != ""; {
		var n, v string
		n, v, s = nextField(s)
		if equalFold(n, name) {
			return v
		}
	}
	return ""
}

// foldEqual reports whether b equals s, ignoring ASCII case, without
// converting b.
func foldEqual(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if x != y && (x|0x20 != y|0x20 || x|0x20 < 'a' || x|0x20 > 'z') {
			return false
		}
	}
	return true
}
