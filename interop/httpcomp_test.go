package interop_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// Polling answers compressed (tornadio's default, as engine.io's
// httpCompression) with real clients: socket.io-client 4.x in Node over
// its XHR transport (which asks for no compression) and its Fetch
// transport (Node's fetch asks for gzip and deflate), and the browser
// builds of socket.io-client 4.x and 2.x in Chromium, which asks for gzip,
// over XHR and JSONP polling. httpcomp.js and testdata/httpcomp.html
// exchange texts and binary attachments up to 300 kB both ways.

// bigText and bigByte build what httpcomp.js and httpcomp.html expect.
func bigText(n int) string { return strings.Repeat("0123456789abcdef", n/16+1)[:n] }

func bigBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7 % 251)
	}
	return b
}

// acceptEncodings records the Accept-Encoding of each handshake.
type acceptEncodings struct {
	mu   sync.Mutex
	seen []string
}

func (a *acceptEncodings) record(r *tornadio.Request) error {
	a.mu.Lock()
	a.seen = append(a.seen, r.Header.Get("Accept-Encoding"))
	a.mu.Unlock()
	return nil
}

func (a *acceptEncodings) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

// installBig serves "big" (emit a text and bytes of the size asked) and
// "back" (ack the length of the text received).
func installBig(srv *tornadio.Server) {
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("big", func(n int) { _ = s.Emit("big", bigText(n), bigBytes(n)) })
		s.On("back", func(text string, ack tornadio.Ack) {
			if ack != nil {
				ack(len(text))
			}
		})
	})
}

func TestHTTPCompressionNodeClient(t *testing.T) {
	for _, mode := range []string{"xhr", "fetch"} {
		t.Run(mode, func(t *testing.T) {
			ae := &acceptEncodings{}
			_, base := startServer(t, installBig, tornadio.WithAllowRequest(ae.record))
			r := runScript(t, 45*time.Second, "httpcomp.js", mode, base, `{"timeoutMs":30000}`)
			r.requireOK(t)
			if got := len(r.all("big")); got != 3 {
				t.Fatalf("%d sizes exchanged, want 3", got)
			}
			t.Logf("handshake Accept-Encoding: %q", ae.list())
			if mode == "xhr" {
				// Node's XMLHttpRequest asks for no coding: the
				// answers must come as they are, and did (the
				// client read them).
				if got := ae.list(); len(got) != 1 || got[0] != "" {
					t.Errorf("xhr handshake Accept-Encoding %q, want none", got)
				}
				return
			}
			list, _ := r.first("encodings")["list"].([]any)
			var gzip int
			for _, e := range list {
				if e == "gzip" {
					gzip++
				}
			}
			// The handshake answer and the 10-byte event are below the
			// threshold; the 5 kB and 300 kB ones are compressed.
			if gzip < 2 {
				t.Errorf("GET answers' Content-Encoding %v, want at least two gzip", list)
			}
		})
	}
}

func TestHTTPCompressionBrowser(t *testing.T) {
	requireChromium(t)
	ae := &acceptEncodings{}
	_, base := startServer(t, installBig, tornadio.WithHTTPHandler(browserMux(t, "httpcomp.html")), tornadio.WithAllowRequest(ae.record),
		tornadio.WithPingInterval(2*time.Second), tornadio.WithPingTimeout(5*time.Second))

	for _, c := range []struct{ name, query string }{
		{"v4/xhr", "client=v4"},
		{"v2/xhr", "client=v2"},
		{"v2/jsonp", "client=v2&jsonp=1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runBrowserPage(t, base+"/page?"+c.query, map[string]any{"responses": true})
			r.requireOK(t)
			if got := len(r.all("big")); got != 3 {
				t.Fatalf("%d sizes exchanged, want 3", got)
			}
			var gzip int
			for _, res := range r.all("response") {
				if res.str("encoding") == "gzip" {
					gzip++
				}
			}
			if gzip < 2 {
				t.Errorf("%d polling answers came gzipped, want at least 2 (5 kB and 300 kB)", gzip)
			}
		})
	}
	t.Logf("handshake Accept-Encoding: %q", ae.list())
}
