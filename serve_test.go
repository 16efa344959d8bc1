package tornadio_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// edgeEngine makes an EngineServer with an echo, not started: the tests
// serve it through net/http or Serve, and shut it down when they end.
func edgeEngine(t *testing.T, opts ...tornadio.Option) (*tornadio.EngineServer, *engineEcho) {
	t.Helper()
	all := append([]tornadio.Option{
		tornadio.WithEventLoops(2),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}, opts...)
	srv := tornadio.NewEngineServer(all...)
	e := echo(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return srv, e
}

// edgeMount serves h under /engine.io/ of a test server: TLS with HTTP/2
// offered when tlsOn, else plain HTTP/1.1.
func edgeMount(t *testing.T, h http.Handler, tlsOn bool) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", h)
	mux.HandleFunc("/other", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "other") })
	ts := httptest.NewUnstartedServer(mux)
	ts.Config.ErrorLog = nil
	if tlsOn {
		ts.EnableHTTP2 = true
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	return ts
}

// edgeDo makes one request and returns the status, body and protocol.
func edgeDo(t *testing.T, c *http.Client, method, url, body string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), tcIOTimeout)
	defer cancel()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp.StatusCode, string(b), resp.Proto
}

// edgePollEcho opens a polling session through base, sends a message and
// reads its echo; it returns the protocol the requests went over.
func edgePollEcho(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	code, body, proto := edgeDo(t, c, "GET", base+"/engine.io/?EIO=4&transport=polling", "")
	sid, err := tcParseOpen(body)
	if code != 200 || err != nil {
		t.Fatalf("handshake: %d %q: %v", code, body, err)
	}
	url := base + "/engine.io/?EIO=4&transport=polling&sid=" + sid
	if code, body, _ := edgeDo(t, c, "POST", url, "4hello"); code != 200 || body != "ok" {
		t.Fatalf("POST: %d %q", code, body)
	}
	if code, body, _ := edgeDo(t, c, "GET", url, ""); code != 200 || body != "4hello" {
		t.Fatalf("GET: %d %q", code, body)
	}
	return proto
}

func TestServeHTTPPollingHTTP1(t *testing.T) {
	srv, e := edgeEngine(t)
	ts := edgeMount(t, srv, false)
	if proto := edgePollEcho(t, ts.Client(), ts.URL); proto != "HTTP/1.1" {
		t.Errorf("protocol %s, want HTTP/1.1", proto)
	}
	e.session(t)
	if code, body, _ := edgeDo(t, ts.Client(), "GET", ts.URL+"/other", ""); code != 200 || body != "other" {
		t.Errorf("the mux's other route: %d %q", code, body)
	}
}

func TestServeHTTPPollingHTTP2(t *testing.T) {
	srv, e := edgeEngine(t)
	ts := edgeMount(t, srv, true)
	c := &http.Client{Transport: &http.Transport{
		ForceAttemptHTTP2: true,
		TLSClientConfig:   &tls.Config{RootCAs: ts.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs},
	}}
	if proto := edgePollEcho(t, c, ts.URL); proto != "HTTP/2.0" {
		t.Errorf("protocol %s, want HTTP/2.0", proto)
	}
	e.session(t)
}

var _ = errors.Is
var _ net.Conn
