package tornadio_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tornadio/tornadio"
)

// TestConnectionCloseClients runs a polling session with clients that close
// after each request, as the official protocol suites do: net/http with
// req.Close, each request on a fresh connection (on whichever loop it
// lands), and a raw HTTP/1.0 client. No request may fail, every answer must
// say "Connection: close", and the server must close after it.
func TestConnectionCloseClients(t *testing.T) {
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) { _ = s.Emit("hello", "x") })
	}, tornadio.WithHTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bye":
			w.Header().Set("Connection", "close")
		case "/page":
		default:
			http.NotFound(w, r) // tcStartServer's warm-up requests
			return
		}
		_, _ = io.WriteString(w, "page")
	})))
	base := "http://" + srv.Addr()

	t.Run("net/http", func(t *testing.T) {
		var dials atomic.Int32
		tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{Timeout: tcIOTimeout}).DialContext(ctx, network, addr)
		}}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr, Timeout: tcIOTimeout}
		do := func(method, target, body string) string {
			t.Helper()
			req, err := http.NewRequest(method, base+target, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Close = true
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, target, err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s %s: %d %q %v", method, target, resp.StatusCode, b, err)
			}
			if !resp.Close { // net/http takes a "close" token out of the header
				t.Fatalf("%s %s: the answer does not say Connection: close", method, target)
			}
			return string(b)
		}
		for range 5 {
			sid, err := tcParseOpen(do("GET", "/socket.io/?EIO=4&transport=polling", ""))
			if err != nil {
				t.Fatal(err)
			}
			q := "/socket.io/?EIO=4&transport=polling&sid=" + sid
			if got := do("POST", q, "40"); got != "ok" {
				t.Fatalf("POST: %q", got)
			}
			if got := do("GET", q, ""); !strings.HasPrefix(got, "40{") || !strings.Contains(got, `42["hello","x"]`) {
				t.Fatalf("GET: %q", got)
			}
			if got := do("GET", "/page", ""); got != "page" {
				t.Fatalf("page: %q", got)
			}
		}
		if n := dials.Load(); n != 20 {
			t.Fatalf("%d connections for 20 requests", n)
		}
	})

	t.Run("HTTP/1.0", func(t *testing.T) {
		// exchange writes req on a fresh connection and reads the answer;
		// the server must close after it when keep is false.
		exchange := func(h *tcHTTP, req string, keep bool) (*http.Response, string) {
			t.Helper()
			if err := h.writeRaw([]byte(req)); err != nil {
				t.Fatal(err)
			}
			resp, body := h.mustRead()
			// net/http sets Close for a "close" token and takes it out of
			// the header.
			if got := resp.Header["Connection"]; keep && (resp.Close || len(got) != 1 || got[0] != "keep-alive") {
				t.Fatalf("Connection %q, want keep-alive", got)
			}
			if !keep && !resp.Close {
				t.Fatalf("the answer does not say Connection: close")
			}
			if !keep {
				if rest, err := h.expectClosed(tcIOTimeout); err != nil || len(rest) > 0 {
					t.Fatalf("not closed after the answer: %q %v", rest, err)
				}
			}
			return resp, body
		}
		open := "GET /socket.io/?EIO=4&transport=polling HTTP/1.0\r\n\r\n"
		_, body := exchange(tcDial(t, srv.Addr()), open, false)
		sid, err := tcParseOpen(body)
		if err != nil {
			t.Fatal(err)
		}
		q := "/socket.io/?EIO=4&transport=polling&sid=" + sid
		if _, body = exchange(tcDial(t, srv.Addr()), "POST "+q+" HTTP/1.0\r\nContent-Length: 2\r\n\r\n40", false); body != "ok" {
			t.Fatalf("POST: %q", body)
		}
		if _, body = exchange(tcDial(t, srv.Addr()), "GET "+q+" HTTP/1.0\r\n\r\n", false); !strings.HasPrefix(body, "40{") {
			t.Fatalf("GET: %q", body)
		}

		// Kept alive: the same connection serves the next requests.
		h := tcDial(t, srv.Addr())
		ka := " HTTP/1.0\r\nConnection: keep-alive\r\n"
		_, body = exchange(h, "GET /socket.io/?EIO=4&transport=polling"+ka+"\r\n", true)
		if sid, err = tcParseOpen(body); err != nil {
			t.Fatal(err)
		}
		q = "/socket.io/?EIO=4&transport=polling&sid=" + sid
		if _, body = exchange(h, "POST "+q+ka+"Content-Length: 2\r\n\r\n40", true); body != "ok" {
			t.Fatalf("POST: %q", body)
		}
		if _, body = exchange(h, "GET "+q+ka+"\r\n", true); !strings.HasPrefix(body, "40{") {
			t.Fatalf("GET: %q", body)
		}
		if _, body = exchange(h, "GET /page"+ka+"\r\n", true); body != "page" {
			t.Fatalf("page: %q", body)
		}
		// A handler's "Connection: close" closes, once said.
		if _, body = exchange(h, "GET /bye"+ka+"\r\n", false); body != "page" {
			t.Fatalf("bye: %q", body)
		}
	})
}
