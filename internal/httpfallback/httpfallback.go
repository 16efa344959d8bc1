// Package httpfallback serves the HTTP requests that are not Engine.IO's
// (pages, assets) through a net/http Handler, for a server on the event
// loops. The loop's parsed request is copied into an *http.Request, the
// Handler runs on a goroutine of its own (these are not per-client work),
// and its whole response is buffered and handed back as bytes for the
// connection's loop to write.
//
// It does not route: the transports machine decides which requests come
// here, and writes the Connection field of the response itself. Nor does
// it cap bodies: the machine's parser has read the whole body already,
// within the cap it gives these routes (transports.Config.FallbackMaxBody,
// the root's HTTPHandlerMaxBody), and refused a bigger one with 413.
package httpfallback

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tornadio/tornadio/httpparse"
)

// Server serves requests through Handler; a Handler's panic is logged to
// Logger and answered with 500.
type Server struct {
	Handler http.Handler
	Logger  *slog.Logger
}

// Serve is a transports.Fallback: it copies req on the loop, runs the
// Handler on its own goroutine and calls respond once with the complete
// response, without a Connection field; close asks the machine to close
// the connection after it (req.Close, or a "Connection: close" from the
// Handler).
func (s *Server) Serve(req *httpparse.Request, remote string, respond func(resp []byte, close bool)) {
	u, err := url.ParseRequestURI(string(req.Target))
	if err != nil {
		respond(plainResponse(http.StatusBadRequest, "bad request target\n"), true)
		return
	}
	hr := &http.Request{
		Method:     string(req.Method),
		URL:        u,
		RequestURI: string(req.Target),
		Proto:      "HTTP/1." + strconv.Itoa(req.Minor),
		ProtoMajor: 1,
		ProtoMinor: req.Minor,
		Header:     make(http.Header, len(req.Headers)),
		RemoteAddr: remote,
		Close:      req.Close,
	}
	for _, h := range req.Headers {
		hr.Header.Add(string(h.Name), string(h.Value))
	}
	hr.Host = hr.Header.Get("Host")
	body := append([]byte(nil), req.Body...)
	hr.Body = io.NopCloser(bytes.NewReader(body))
	hr.ContentLength = int64(len(body))
	closeAfter := req.Close
	go func() {
		w := &bufferedResponse{header: make(http.Header)}
		func() {
			defer func() {
				if r := recover(); r != nil {
					s.Logger.Error("tornadio: HTTP handler panicked", "panic", r)
					w = &bufferedResponse{header: make(http.Header), status: http.StatusInternalServerError}
				}
			}()
			s.Handler.ServeHTTP(w, hr)
		}()
		// The machine writes the Connection field (it knows when it
		// closes); a handler's "Connection: close" asks it to.
		if hasCloseToken(w.header["Connection"]) {
			closeAfter = true
		}
		w.header.Del("Connection")
		respond(w.bytes(hr.Method == http.MethodHead), closeAfter)
	}()
}

// bufferedResponse is an http.ResponseWriter that keeps the whole response.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedResponse) Header() http.Header { return w.header }

func (w *bufferedResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *bufferedResponse) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// bytes is the response: status line, header (with Content-Length, a
// sniffed Content-Type when the Handler set none and wrote a body, and no
// Transfer-Encoding), blank line, and the body unless head.
func (w *bufferedResponse) bytes(head bool) []byte {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.header.Get("Content-Type") == "" && w.body.Len() > 0 {
		w.header.Set("Content-Type", http.DetectContentType(w.body.Bytes()))
	}
	w.header.Del("Transfer-Encoding")
	w.header.Set("Content-Length", strconv.Itoa(w.body.Len()))
	var out bytes.Buffer
	out.Write(httpparse.AppendStatusLine(nil, w.status))
	_ = w.header.Write(&out)
	out.WriteString("\r\n")
	if !head {
		out.Write(w.body.Bytes())
	}
	return out.Bytes()
}

// hasCloseToken reports whether the Connection field values hold "close".
func hasCloseToken(values []string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), "close") {
				return true
			}
		}
	}
	return false
}

// plainResponse is a complete text/plain response with status and body,
// without a Connection field.
func plainResponse(status int, body string) []byte {
	w := &bufferedResponse{header: make(http.Header), status: status}
	w.header.Set("Content-Type", "text/plain; charset=utf-8")
	w.body.WriteString(body)
	return w.bytes(false)
}
