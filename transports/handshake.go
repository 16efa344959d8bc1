package transports

import (
	"iter"
	"strings"

	"github.com/tornadio/tornadio/httpparse"
)

// Handshake is a copy of what the request that opened a session carried.
//
// Every session keeps one for its whole life, so it is kept compact: one
// string (one allocation, shared with the session id) holding
//
//	len(id) id remote LF method SP target LF (name ":" value LF)*
//
// and the accessors cut views out of it, which allocates nothing. Header
// names that every client sends (Host, Upgrade, Sec-WebSocket-Key, …) are
// stored as one control byte. The parser has checked that a name is a token
// and that a value holds no control byte but HTAB, so LF only ends lines
// and the first ':' of a line ends its name. Common names come back in
// their canonical form (what net/http's Header keys are), the others as
// they arrived.
type Handshake struct{ s string }

// commonHeaders are the names stored as one byte, a control code (see
// codeOf). At most 30 entries; append only, never reorder.
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

// headerCode is the byte a common header name is stored as, or 0.
func headerCode(name []byte) byte {
	for i, h := range commonHeaders {
		if foldEqual(name, h) {
			return codeOf(i)
		}
	}
	return 0
}

// codeOf is the code of commonHeaders[i]: 0x01 to 0x1f without LF, which
// ends lines. A one-byte name below ' ' can only be a code: a real name is
// a token.
func codeOf(i int) byte {
	if c := byte(i + 1); c < '\n' {
		return c
	}
	return byte(i + 2)
}

func nameOf(c byte) string {
	i := int(c) - 1
	if c > '\n' {
		i--
	}
	return commonHeaders[i]
}

// newHandshake copies request r received from remote, prefixed by id (at
// most 255 bytes). It allocates once: the exact size is known up front, and
// a Builder hands over its bytes as the string without copying them.
func newHandshake(id string, r *httpparse.Request, remote string) Handshake {
	n := 1 + len(id) + len(remote) + 1 + len(r.Method) + 1 + len(r.Target) + 1
	for i := range r.Headers {
		h := &r.Headers[i]
		if headerCode(h.Name) != 0 {
			n += 1 + 1 + len(h.Value) + 1
		} else {
			n += len(h.Name) + 1 + len(h.Value) + 1
		}
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte(byte(len(id)))
	b.WriteString(id)
	b.WriteString(remote)
	b.WriteByte('\n')
	b.Write(r.Method)
	b.WriteByte(' ')
	b.Write(r.Target)
	b.WriteByte('\n')
	for i := range r.Headers {
		h := &r.Headers[i]
		if c := headerCode(h.Name); c != 0 {
			b.WriteByte(c)
		} else {
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

// rest returns what follows the id: the remote address line and the request.
func (h *Handshake) rest() string {
	if h.s == "" {
		return ""
	}
	return h.s[1+int(h.s[0]):]
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
		name = nameOf(name[0])
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
