package tornadio_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// edgeEngine makes an EngineServer with an echo, not started: the tests
// serve it through net/http or Serve, and shut it down when they end.
func edgeEngine(t *testing.T, opts ...tornadio.Option) (*tornadio.EngineServer, *engineEcho) {
	t.Helper()
	srv := edgeEngineOnly(t, opts...)
	return srv, echo(srv)
}

// edgeEngineOnly is edgeEngine with an echo that records nothing, for
// tests that open many sessions.
func edgeEngineOnly(t *testing.T, opts ...tornadio.Option) *tornadio.EngineServer {
	t.Helper()
	all := append([]tornadio.Option{
		tornadio.WithEventLoops(2),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}, opts...)
	srv := tornadio.NewEngineServer(all...)
	srv.OnConnection(func(s *tornadio.EngineSession) {
		s.OnMessage(func(data []byte, binary bool) { _ = s.Send(data, binary) })
	})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return srv
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

// shutdownWithin shuts srv down within 5 seconds, failing t otherwise.
func shutdownWithin(t *testing.T, srv interface{ Shutdown(context.Context) error }) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// edgeWSOver opens an Engine.IO websocket on c (plain or TLS), checks the
// 101 and reads the open packet.
func edgeWSOver(t *testing.T, c net.Conn, query string) *tcWS {
	t.Helper()
	t.Cleanup(func() { c.Close() })
	w := &tcWS{t: t, conn: c, br: bufio.NewReader(c)}
	req := "GET /engine.io/?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
		"Upgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	c.SetDeadline(time.Now().Add(tcIOTimeout))
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatalf("websocket request: %v", err)
	}
	resp, err := http.ReadResponse(w.br, nil)
	if err != nil {
		t.Fatalf("websocket answer: %v", err)
	}
	if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("websocket answer: %d %v", resp.StatusCode, resp.Header)
	}
	c.SetDeadline(time.Time{})
	return w
}

// edgeWSEcho opens a websocket session on c and checks an echo.
func edgeWSEcho(t *testing.T, c net.Conn) *tcWS {
	t.Helper()
	w := edgeWSOver(t, c, "EIO=4&transport=websocket")
	if p := w.mustReadPacket(); !strings.HasPrefix(p, "0{") {
		t.Fatalf("open packet %q", p)
	}
	w.writeText("4hello")
	if p := w.mustReadPacket(); p != "4hello" {
		t.Fatalf("echo %q", p)
	}
	return w
}

// edgeDialTLS dials ts over TLS offering HTTP/1.1 only, as a websocket
// client does.
func edgeDialTLS(t *testing.T, addr string, ts *httptest.Server) net.Conn {
	t.Helper()
	cfg := ts.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	cfg.NextProtos = []string{"http/1.1"}
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: tcIOTimeout}, "tcp", addr, cfg)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	return c
}

func edgeDialTCP(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, tcIOTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	return c
}

// edgeGoroutinesPer opens n websocket sessions with dial and returns how
// many goroutines each added once they are all open.
func edgeGoroutinesPer(t *testing.T, n int, dial func() net.Conn) float64 {
	t.Helper()
	base := tcGoroutines()
	for range n {
		edgeWSEcho(t, dial())
	}
	return float64(tcGoroutines()-base) / float64(n)
}

// TestServeHTTPWebSocketPlain: an upgrade over plain HTTP/1.1 is hijacked
// and its TCP connection served by the event loops, with no goroutine left
// per session.
func TestServeHTTPWebSocketPlain(t *testing.T) {
	srv := edgeEngineOnly(t)
	ts := edgeMount(t, srv, false)
	addr := ts.Listener.Addr().String()
	edgeWSEcho(t, edgeDialTCP(t, addr)) // the loops start
	if per := edgeGoroutinesPer(t, 20, func() net.Conn { return edgeDialTCP(t, addr) }); per > 0.25 {
		t.Errorf("%.2f goroutines per hijacked TCP websocket, want none", per)
	}
}

// TestServeHTTPWebSocketTLS: an upgrade over TLS (HTTP/1.1 by ALPN on a
// server that offers HTTP/2 too) is hijacked and served by a goroutine pair.
func TestServeHTTPWebSocketTLS(t *testing.T) {
	srv := edgeEngineOnly(t)
	ts := edgeMount(t, srv, true)
	addr := ts.Listener.Addr().String()
	edgeWSEcho(t, edgeDialTLS(t, addr, ts))
	if per := edgeGoroutinesPer(t, 20, func() net.Conn { return edgeDialTLS(t, addr, ts) }); per < 0.75 || per > 1.25 {
		t.Errorf("%.2f goroutines per TLS websocket, want 1 (the reader; a writer runs only while there is something to write)", per)
	}
}

// TestServeHTTPUpgradeFromPolling: a session opened by polling over HTTP/2
// upgrades to a websocket on a hijacked HTTP/1.1 connection, and its
// messages then take the websocket.
func TestServeHTTPUpgradeFromPolling(t *testing.T) {
	srv, _ := edgeEngine(t)
	ts := edgeMount(t, srv, true)
	c := ts.Client()
	code, body, proto := edgeDo(t, c, "GET", ts.URL+"/engine.io/?EIO=4&transport=polling", "")
	sid, err := tcParseOpen(body)
	if code != 200 || err != nil || proto != "HTTP/2.0" {
		t.Fatalf("handshake: %d %q %s: %v", code, body, proto, err)
	}
	w := edgeWSOver(t, edgeDialTLS(t, ts.Listener.Addr().String(), ts), "EIO=4&transport=websocket&sid="+sid)
	w.writeText("2probe")
	if p := w.mustReadPacket(); p != "3probe" {
		t.Fatalf("probe answer %q", p)
	}
	w.writeText("5")
	w.writeText("4after")
	if p := w.mustReadPacket(); p != "4after" {
		t.Fatalf("echo after the upgrade %q", p)
	}
}

// TestServeHTTPClientGoneMidPoll: a client that goes while its GET is
// parked ends the session as a closed connection does.
func TestServeHTTPClientGoneMidPoll(t *testing.T) {
	srv, e := edgeEngine(t)
	entered := make(chan struct{}, 4)
	ts := edgeMount(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" && strings.Contains(r.URL.RawQuery, "sid=") {
			entered <- struct{}{}
		}
		srv.ServeHTTP(w, r)
	}), false)
	_, body, _ := edgeDo(t, ts.Client(), "GET", ts.URL+"/engine.io/?EIO=4&transport=polling", "")
	sid, err := tcParseOpen(body)
	if err != nil {
		t.Fatal(err)
	}
	e.session(t)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/engine.io/?EIO=4&transport=polling&sid="+sid, nil)
	done := make(chan error, 1)
	go func() {
		resp, err := ts.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the GET: %v, want it canceled", err)
	}
	select {
	case r := <-e.closed:
		if r != tornadio.ReasonTransportClose {
			t.Errorf("close reason %q, want %q", r, tornadio.ReasonTransportClose)
		}
	case <-time.After(tcIOTimeout):
		t.Fatal("the session did not end when its client went")
	}
}

// TestServeHTTPOversizedBody: a POST over MaxPayload is refused with 413,
// whether its length is declared or not (chunked, or HTTP/2 without
// content-length), and its session ends, as Node's does.
func TestServeHTTPOversizedBody(t *testing.T) {
	for _, declared := range []bool{true, false} {
		t.Run("declared="+strconv.FormatBool(declared), func(t *testing.T) {
			srv, e := edgeEngine(t, tornadio.WithMaxPayload(1000))
			ts := edgeMount(t, srv, true)
			c := ts.Client()
			_, body, _ := edgeDo(t, c, "GET", ts.URL+"/engine.io/?EIO=4&transport=polling", "")
			sid, err := tcParseOpen(body)
			if err != nil {
				t.Fatal(err)
			}
			e.session(t)
			var rd io.Reader = strings.NewReader("4" + strings.Repeat("x", 5000))
			if !declared {
				rd = io.MultiReader(rd) // no length known: sent without content-length
			}
			req, _ := http.NewRequest("POST", ts.URL+"/engine.io/?EIO=4&transport=polling&sid="+sid, rd)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413", resp.StatusCode)
			}
			select {
			case r := <-e.closed:
				if r != tornadio.ReasonTransportError {
					t.Errorf("close reason %q, want %q", r, tornadio.ReasonTransportError)
				}
			case <-time.After(tcIOTimeout):
				t.Fatal("the session did not end")
			}
		})
	}
}

// TestServeShutdown: Serve returns ErrServerClosed after Shutdown (on
// both its listeners), and ServeHTTP answers 503.
func TestServeShutdown(t *testing.T) {
	srv, _ := edgeEngine(t)
	ts := edgeMount(t, srv, false)
	edgePollEcho(t, ts.Client(), ts.URL)
	errs := make(chan error, 2)
	for range 2 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { errs <- srv.Serve(l) }()
		edgeWSEcho(t, edgeDialTCP(t, l.Addr().String()))
	}
	shutdownWithin(t, srv)
	for range 2 {
		select {
		case err := <-errs:
			if !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("Serve returned %v, want ErrServerClosed", err)
			}
		case <-time.After(tcIOTimeout):
			t.Fatal("Serve did not return after Shutdown")
		}
	}
	if code, _, _ := edgeDo(t, ts.Client(), "GET", ts.URL+"/engine.io/?EIO=4&transport=polling", ""); code != http.StatusServiceUnavailable {
		t.Errorf("ServeHTTP after Shutdown: %d, want 503", code)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve after Shutdown: %v", err)
	}
}

// TestServeListeners: Serve on a plain TCP listener (the loops parse the
// bytes: polling and websocket) and on a TLS listener (goroutine pairs).
func TestServeListeners(t *testing.T) {
	srv, _ := edgeEngine(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	base := "http://" + l.Addr().String()
	edgePollEcho(t, http.DefaultClient, base)
	edgeWSEcho(t, edgeDialTCP(t, l.Addr().String()))

	ts := httptest.NewUnstartedServer(nil) // for its certificate and client
	ts.StartTLS()
	defer ts.Close()
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(tls.NewListener(tl, ts.TLS))
	tbase := "https://" + tl.Addr().String()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: ts.Client().Transport.(*http.Transport).TLSClientConfig}}
	if proto := edgePollEcho(t, c, tbase); proto != "HTTP/1.1" {
		t.Errorf("polling over Serve(tls listener): %s", proto)
	}
	edgeWSEcho(t, edgeDialTLS(t, tl.Addr().String(), ts))
}

// TestServeHTTPWithStart: a server started on its own address and mounted
// in net/http shares one engine: a session opened on the listener polls
// through net/http, and a hijacked websocket is enrolled in the listening
// engine.
func TestServeHTTPWithStart(t *testing.T) {
	srv := tornadio.NewEngineServer(tornadio.WithEventLoops(2),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	echo(srv)
	tcServe(t, srv)
	ts := edgeMount(t, srv, false)
	own := "http://" + srv.Addr()
	_, body, _ := edgeDo(t, http.DefaultClient, "GET", own+"/engine.io/?EIO=4&transport=polling", "")
	sid, err := tcParseOpen(body)
	if err != nil {
		t.Fatal(err)
	}
	q := "/engine.io/?EIO=4&transport=polling&sid=" + sid
	if code, body, _ := edgeDo(t, ts.Client(), "POST", ts.URL+q, "4x"); code != 200 || body != "ok" {
		t.Fatalf("POST through net/http: %d %q", code, body)
	}
	if code, body, _ := edgeDo(t, http.DefaultClient, "GET", own+q, ""); code != 200 || body != "4x" {
		t.Fatalf("GET on the own listener: %d %q", code, body)
	}
	edgeWSEcho(t, edgeDialTCP(t, ts.Listener.Addr().String()))
	edgeWSEcho(t, edgeDialTCP(t, srv.Addr()))
}

// TestServeHTTPWriteTimeout: a long-poll GET held past the http.Server's
// WriteTimeout is still answered when a message comes.
func TestServeHTTPWriteTimeout(t *testing.T) {
	srv, e := edgeEngine(t)
	ts := httptest.NewUnstartedServer(srv)
	ts.Config.WriteTimeout = 100 * time.Millisecond
	ts.Start()
	t.Cleanup(ts.Close)
	_, body, _ := edgeDo(t, ts.Client(), "GET", ts.URL+"/engine.io/?EIO=4&transport=polling", "")
	sid, err := tcParseOpen(body)
	if err != nil {
		t.Fatal(err)
	}
	s := e.session(t)
	got := make(chan string, 1)
	go func() {
		resp, err := ts.Client().Get(ts.URL + "/engine.io/?EIO=4&transport=polling&sid=" + sid)
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(b)
	}()
	time.Sleep(400 * time.Millisecond) // past the WriteTimeout: not a synchronisation
	if err := s.SendText("late"); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-got:
		if b != "4late" {
			t.Errorf("GET answered %q, want 4late", b)
		}
	case <-time.After(tcIOTimeout):
		t.Fatal("the GET was not answered")
	}
}
