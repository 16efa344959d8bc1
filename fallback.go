package tornadio

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tornadio/tornadio/httpparse"
)

// serveFallback runs Options.HTTPHandler for a request outside the
// Engine.IO path. The request is copied on the loop; the handler runs on its
// own goroutine (these are page and asset requests, not per-client work),
// and its whole response is written back by the connection's loop.
func (c *core) serveFallback(req *httpparse.Request, remote string, respond func([]byte, bool)) {
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
					c.opts.Logger.Error("tornadio: HTTP handler panicked", "panic", r)
					w = &bufferedResponse{header: make(http.Header), status: http.StatusInternalServerError}
				}
			}()
			c.opts.HTTPHandler.ServeHTTP(w, hr)
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

func plainResponse(status int, body string) []byte {
	w := &bufferedResponse{header: make(http.Header), status: status}
	w.header.Set("Content-Type", "text/plain; charset=utf-8")
	w.body.WriteString(body)
	return w.bytes(false)
}
