package transports

import (
	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/httpparse"
	"strings"
)

const (
	contentTypeText   = "text/plain; charset=UTF-8"
	contentTypeBinary = "application/octet-stream"
	contentTypeHTML   = "text/html"
	contentTypeJSON   = "application/json"
)

// appendResponse appends a complete HTTP/1.1 response. cors holds header
// lines already formatted (see corsHeaders), or "". The Connection field
// is the writer's business (see writeAnswer).
func appendResponse(dst []byte, status int, ctype, cors string, body []byte) []byte {
	dst = appendResponseHead(dst, status, ctype, cors, "", len(body))
	return append(dst, body...)
}

// appendResponseHead appends the head of a response whose body has n
// bytes: appendResponse's, with the header lines extra (formatted like
// cors) after cors.
func appendResponseHead(dst []byte, status int, ctype, cors, extra string, n int) []byte {
	dst = httpparse.AppendStatusLine(dst, status)
	if ctype != "" {
		dst = httpparse.AppendHeader(dst, "Content-Type", ctype)
	}
	dst = httpparse.AppendHeaderInt(dst, "Content-Length", int64(n))
	dst = append(dst, "Cache-Control: no-store\r\n"...)
	dst = append(dst, cors...)
	dst = append(dst, extra...)
	return append(dst, "\r\n"...)
}

// errorResponse is the 400 answer with the protocol's JSON error body. Its
// bytes live in the caller's loop scratch buffer 2.
func (srv *Server) errorResponse(code engineio.ErrorCode, cors string) []byte {
	var body [64]byte
	b := engineio.AppendErrorJSON(body[:0], code)
	status := 400
	if code == engineio.Forbidden {
		status = 403
	}
	return appendResponse(nil, status, contentTypeJSON, cors, b)
}

// respond delivers an HTTP response for exchange gen of c, from loop from.
// resp may be a scratch buffer: it is written or copied before return.
func (srv *Server) respond(from int, c *Conn, gen exchange, resp []byte) {
	if c.loop() == from {
		c.finish(gen, resp)
		return
	}
	b := append([]byte(nil), resp...)
	srv.loops.Post(c.loop(), func() { c.finish(gen, b) })
}

// corsHeaders returns the CORS header lines for a request from origin, and
// whether the origin may use the server at all. With AllowedOrigins set, the
// lines always hold "Vary: Origin", for allowed and refused origins alike.
func (srv *Server) corsHeaders(origin []byte) (string, bool) {
	allowed := srv.cfg.AllowedOrigins
	if len(allowed) == 0 {
		return "", true
	}
	// The answer depends on the Origin header whenever origins are
	// checked, so that caches must key on it, whatever it held (like the
	// cors package in front of Node's server, which reflects the origin).
	if len(origin) == 0 {
		return varyOrigin, true
	}
	for _, o := range allowed {
		if o == "*" || o == string(origin) {
			return "Access-Control-Allow-Origin: " + string(origin) + "\r\nAccess-Control-Allow-Credentials: true\r\n" + varyOrigin, true
		}
	}
	return varyOrigin, false
}

const varyOrigin = "Vary: Origin\r\n"

// equalFold compares header names and tokens without regard to ASCII case.
func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
