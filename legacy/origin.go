package legacy

import (
	"bytes"
	"errors"
	"strings"
)

// Origins matches Origin header values against host:port patterns, where
// either side may be "*" (socket.io-node's origins option; docs/legacy-0.6.md
// section 5). The zero value allows every origin, like the default "*:*".
//
// socket.io-node builds the key it looks up from url.parse's host, which
// already includes the port, so its specific patterns only match by accident;
// Origins implements what the option describes instead: the host (compared
// without regard to case) and the port, which defaults to 80 for http and ws
// and 443 for https and wss when the origin has none. An origin with any
// other scheme and no port, "null", or one that cannot be parsed matches only
// "*:*". An Origins is safe for concurrent reads.
type Origins struct {
	limited bool // false: everything is allowed
	pats    []originPattern
}

type originPattern struct{ host, port string }

// ErrOriginPattern is returned by [ParseOrigins] for a pattern that is not
// host:port with a non-empty host and a port of digits or "*".
var ErrOriginPattern = errors.New("legacy: origin pattern is not host:port")

// ParseOrigins compiles host:port patterns such as "example.com:80",
// "example.com:*", "*:8080" and "*:*"; an IPv6 host is written in brackets,
// "[::1]:8080". No patterns, or one of them "*:*", allows everything.
func ParseOrigins(patterns []string) (Origins, error) {
	var o Origins
	for _, p := range patterns {
		i := strings.LastIndexByte(p, ':')
		if i <= 0 || i == len(p)-1 {
			return Origins{}, ErrOriginPattern
		}
		host, port := strings.ToLower(p[:i]), p[i+1:]
		if port != "*" && !allDigits(port) {
			return Origins{}, ErrOriginPattern
		}
		if host == "*" && port == "*" {
			return Origins{}, nil
		}
		o.pats = append(o.pats, originPattern{host, port})
	}
	o.limited = len(o.pats) > 0
	return o, nil
}

// Allowed reports whether the Origin header value origin matches. An empty
// origin (no header) is allowed only when everything is; callers that skip
// the check when the header is absent, as the polling transports do, test
// for it first.
func (o *Origins) Allowed(origin []byte) bool {
	if !o.limited {
		return true
	}
	host, port, ok := splitOrigin(origin)
	if !ok {
		return false
	}
	for _, p := range o.pats {
		if (p.host == "*" || equalFoldASCII(host, p.host)) && (p.port == "*" || string(port) == p.port) {
			return true
		}
	}
	return false
}

// splitOrigin takes "scheme://host[:port][/...]" apart; port is the scheme's
// default when absent.
func splitOrigin(origin []byte) (host, port []byte, ok bool) {
	i := bytes.Index(origin, schemeSep)
	if i <= 0 {
		return nil, nil, false
	}
	scheme, rest := origin[:i], origin[i+3:]
	for j, c := range rest {
		if c == '/' || c == '?' || c == '#' {
			rest = rest[:j]
			break
		}
	}
	host = rest
	if len(rest) > 0 && rest[0] == '[' {
		end := bytes.IndexByte(rest, ']')
		if end < 0 {
			return nil, nil, false
		}
		host, rest = rest[:end+1], rest[end+1:]
		if len(rest) > 0 {
			if rest[0] != ':' {
				return nil, nil, false
			}
			port = rest[1:]
		}
	} else if k := bytes.LastIndexByte(rest, ':'); k >= 0 {
		host, port = rest[:k], rest[k+1:]
	}
	if len(host) == 0 {
		return nil, nil, false
	}
	if len(port) == 0 {
		switch {
		case equalFoldASCII(scheme, "http"), equalFoldASCII(scheme, "ws"):
			port = port80
		case equalFoldASCII(scheme, "https"), equalFoldASCII(scheme, "wss"):
			port = port443
		}
	}
	return host, port, true
}

// CORS is the set of Access-Control-* headers of one answer; the zero value
// adds none.
type CORS struct {
	// AllowOrigin is the Access-Control-Allow-Origin value ("*" or the
	// request's Origin, a view); nil omits the header.
	AllowOrigin []byte
	// AllowCredentials adds "Access-Control-Allow-Credentials: true".
	AllowCredentials bool
	// AllowMethods is the Access-Control-Allow-Methods value of a
	// preflight answer; nil omits the header.
	AllowMethods []byte
}

var (
	star      = []byte("*")
	schemeSep = []byte("://")
	port80    = []byte("80")
	port443   = []byte("443")
)

// AppendHeaders appends the header lines, each ending in CRLF.
func (c CORS) AppendHeaders(dst []byte) []byte {
	if c.AllowOrigin != nil {
		dst = append(dst, "Access-Control-Allow-Origin: "...)
		dst = append(dst, c.AllowOrigin...)
		dst = append(dst, "\r\n"...)
	}
	if c.AllowCredentials {
		dst = append(dst, "Access-Control-Allow-Credentials: true\r\n"...)
	}
	if c.AllowMethods != nil {
		dst = append(dst, "Access-Control-Allow-Methods: "...)
		dst = append(dst, c.AllowMethods...)
		dst = append(dst, "\r\n"...)
	}
	return dst
}

// PollingAnswerCORS gives the CORS headers of an xhr-polling GET answer
// (transports/xhr-polling.js, _write): with an allowed Origin, that Origin
// ("*" for the Origin "null") and, with a Cookie, credentials. A disallowed
// or absent Origin gets no headers; the answer itself is still sent.
// jsonp-polling answers carry no CORS headers; see [JSONPAllowed].
func PollingAnswerCORS(o *Origins, origin []byte, cookie bool) CORS {
	if len(origin) == 0 || !o.Allowed(origin) {
		return CORS{}
	}
	c := CORS{AllowOrigin: origin, AllowCredentials: cookie}
	if string(origin) == "null" {
		c.AllowOrigin = star
	}
	return c
}

// PollingPostCORS gives the CORS headers of the answer to an xhr-polling or
// jsonp-polling POST (transports/xhr-polling.js, _onConnect): with an allowed
// Origin, "*" and, with a Cookie, credentials; no Origin, no headers. ok is
// false for a disallowed Origin: answer 401 with [BodyUnauthorized] and
// ignore the messages.
func PollingPostCORS(o *Origins, origin []byte, cookie bool) (c CORS, ok bool) {
	if len(origin) == 0 {
		return CORS{}, true
	}
	if !o.Allowed(origin) {
		return CORS{}, false
	}
	return CORS{AllowOrigin: star, AllowCredentials: cookie}, true
}

// MultipartCORS gives the CORS headers of any xhr-multipart answer
// (transports/xhr-multipart.js, _onConnect): "*" and credentials for an
// allowed Origin, whatever the Cookie. preflight reports that the request
// carried Access-Control-Request-Method (even empty), whose value is
// requestMethod: such a request, whatever its method, is answered 200 with
// these headers, Access-Control-Allow-Methods and the body [BodyOK].
func MultipartCORS(o *Origins, origin, requestMethod []byte, preflight bool) CORS {
	var c CORS
	if len(origin) > 0 && o.Allowed(origin) {
		c = CORS{AllowOrigin: star, AllowCredentials: true}
	}
	if preflight {
		c.AllowMethods = requestMethod
		if c.AllowMethods == nil {
			c.AllowMethods = []byte{}
		}
	}
	return c
}

// JSONPAllowed reports whether a jsonp-polling answer may carry the frames;
// when false the body is [JSONPForbidden]. Only a present, disallowed Origin
// is refused.
func JSONPAllowed(o *Origins, origin []byte) bool {
	return len(origin) == 0 || o.Allowed(origin)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
