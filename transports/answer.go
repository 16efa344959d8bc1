package transports

import (
	"bytes"

	"github.com/tornadio/tornadio/httpparse"
)

// persistence is what becomes of an HTTP connection once the answer owed
// on it is written, and so what that answer's Connection field says. It
// is decided once per request, from the request (persistenceOf), and
// turned into closeAfter by whatever closes the connection after its
// answer: a refusal, a fallback asking for it, a legacy poll answered as
// its session ends, a legacy stream. Answer builders write no Connection
// field: writeAnswer adds the one persist calls for, so that a client is
// told exactly when the server will close (a client that is not reuses a
// dead connection: "socket hang up", ECONNRESET).
type persistence uint8

const (
	// keepAlive is HTTP/1.1's default: the answer has no Connection field.
	keepAlive persistence = iota
	// keepAlive10 is an HTTP/1.0 request with "Connection: keep-alive",
	// kept open: the answer says "Connection: keep-alive", without which
	// an HTTP/1.0 client assumes the server closes (RFC 9112 §9.3).
	keepAlive10
	// closeAfter closes the connection once the answer is written, which
	// says "Connection: close": what a "close" token asks for, and
	// HTTP/1.0's default.
	closeAfter
)

// persistenceOf is what request r asks for (httpparse sets Close for a
// "close" token and for HTTP/1.0 without "keep-alive").
func persistenceOf(r *httpparse.Request) persistence {
	switch {
	case r.Close:
		return closeAfter
	case r.Minor == 0:
		return keepAlive10
	}
	return keepAlive
}

// connectionField is the header line the answer carries for p, or "".
func (p persistence) connectionField() string {
	switch p {
	case keepAlive10:
		return "Connection: keep-alive\r\n"
	case closeAfter:
		return "Connection: close\r\n"
	}
	return ""
}

// writeAnswer writes resp, a response (or the head of a stream) whose header
// block holds no Connection field, adding the one c.persist calls for at the
// end of the header block. An HTTP/1.1 keep-alive answer, the steady state,
// is written as it is; the others are put together in the loop's answer
// buffer, which costs a copy but no allocation once it has grown.
func (c *Conn) writeAnswer(resp []byte) {
	field := c.persist.connectionField()
	end := -1
	if field != "" {
		end = bytes.Index(resp, crlf2)
	}
	if end < 0 {
		c.emit(resp)
		return
	}
	end += 2 // after the last field's CRLF
	ls := &c.srv.loopState[c.loop()]
	b := append(ls.answer[:0], resp[:end]...)
	b = append(b, field...)
	b = append(b, resp[end:]...)
	c.emit(b)
	if cap(b) <= 1<<20 {
		ls.answer = b[:0]
	}
}

var crlf2 = []byte("\r\n\r\n")
