package legacy

// DefaultResource is the path prefix of the legacy road, without slashes.
const DefaultResource = "socket.io"

// maxSessionIDLen bounds the session id segment of a URL; ours are 18
// digits, SocketTornad.IO's 32 hex characters.
const maxSessionIDLen = 64

// Route is a legacy request path taken apart by [ParsePath]. Its byte slices
// are views into the path.
type Route struct {
	// Transport is the transport named in the path.
	Transport Transport
	// Extra is the application-defined segment between the resource and the
	// transport (SocketTornad.IO's "extra", used for auth tokens), or nil.
	Extra []byte
	// SessionID is the segment after the transport; empty for a new
	// session.
	SessionID []byte
	// Rest is what follows the session id, without the slash before it:
	// "send", a timestamp, "<ts>/<index>".
	Rest []byte
	// Index is the jsonp-polling index: the last segment of Rest when it is
	// all digits, a trailing slash allowed (socket.io-node matches
	// /\/(\d+)\/?$/ on the URL), or nil.
	Index []byte
	// Send reports that Rest is "send" (or "send/"): the POST path of
	// xhr-polling, xhr-multipart and htmlfile.
	Send bool
}

// ParsePath takes apart a legacy request path (no query string; the caller
// cuts it at '?'):
//
//	/<resource>[/<extra>]/<transport>[/<sid>[/<rest...>]]
//
// resource is the prefix without its slashes, such as "socket.io" (it may
// itself contain inner slashes); "" means DefaultResource. ok is false when
// the path is not under the resource or does not name a transport, in which
// case it belongs to someone else: the modern road ("/socket.io/?EIO=4"),
// the client library files, or the application.
//
// How the transport is found (docs/legacy-0.6.md sections 1 and 7): the first
// segment after the resource is the transport if it is one of the six names;
// otherwise it is the extra segment, and the segment after it must be a
// transport name. So the extra is exactly one non-empty segment and cannot
// itself be a transport name. The session id must be at most 64 ASCII
// letters and digits (the ids of both reference servers fit); anything else
// is refused. Unlike socket.io-node, which accepts any path starting with
// "/socket.io", the resource must be followed by a slash.
func ParsePath(path []byte, resource string) (r Route, ok bool) {
	resource = trimSlashes(resource)
	if resource == "" {
		resource = DefaultResource
	}
	if len(path) < len(resource)+2 || path[0] != '/' ||
		string(path[1:1+len(resource)]) != resource || path[1+len(resource)] != '/' {
		return r, false
	}
	p := path[len(resource)+2:]
	seg, p, more := cut(p)
	r.Transport = ParseTransport(seg)
	if r.Transport == NoTransport {
		if len(seg) == 0 || !more {
			return Route{}, false
		}
		r.Extra = seg
		seg, p, more = cut(p)
		if r.Transport = ParseTransport(seg); r.Transport == NoTransport {
			return Route{}, false
		}
	}
	if !more {
		return r, true
	}
	r.SessionID, p, more = cut(p)
	if len(r.SessionID) > maxSessionIDLen || !alnum(r.SessionID) {
		return Route{}, false
	}
	if !more {
		return r, true
	}
	r.Rest = p
	r.Send = string(p) == "send" || string(p) == "send/"
	r.Index = lastDigits(p)
	return r, true
}

// cut splits p at its first slash; more reports whether there was one.
func cut(p []byte) (seg, rest []byte, more bool) {
	for i, c := range p {
		if c == '/' {
			return p[:i], p[i+1:], true
		}
	}
	return p, nil, false
}

// lastDigits returns the last segment of p, before an optional final slash,
// when it is all digits (socket.io-node's /\/(\d+)\/?$/ on a path whose
// Rest starts after a slash), or nil.
func lastDigits(p []byte) []byte {
	end := len(p)
	if end > 0 && p[end-1] == '/' {
		end--
	}
	i := end
	for i > 0 && p[i-1] >= '0' && p[i-1] <= '9' {
		i--
	}
	if i == end || (i > 0 && p[i-1] != '/') {
		return nil
	}
	return p[i:end]
}

func alnum(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func trimSlashes(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
