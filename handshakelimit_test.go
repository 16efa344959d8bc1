package tornadio_test

import (
	"context"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// tcRefused checks a handshake refusal read over a real socket: status,
// Retry-After and engine.io's error body.
func tcRefused(t *testing.T, resp *http.Response, body string, status int, message string) {
	t.Helper()
	want := `{"code":4,"message":"` + message + `"}`
	if resp.StatusCode != status || resp.Header.Get("Retry-After") != "1" || body != want {
		t.Fatalf("refusal: %d Retry-After %q %q; want %d Retry-After 1 %s",
			resp.StatusCode, resp.Header.Get("Retry-After"), body, status, want)
	}
}

// pollHandshakeResp makes a polling handshake on h and returns the answer.
func pollHandshakeResp(t *testing.T, h *tcHTTP) (*http.Response, string) {
	t.Helper()
	if err := h.send("GET", "/socket.io/?EIO=4&transport=polling", ""); err != nil {
		t.Fatal(err)
	}
	return h.mustRead()
}

// TestHandshakeLimitMaxPending: sessions opened and not yet connected to
// a namespace count against MaxPending, over real sockets and both
// transports; the next handshake gets 503, websocket-first before any
// 101; a session that connects to a namespace, or closes, frees its
// place at once.
func TestHandshakeLimitMaxPending(t *testing.T) {
	srv := tcStartServer(t, nil, tornadio.WithHandshakeLimit(tornadio.HandshakeLimit{MaxPending: 2}))
	h := tcDial(t, srv.Addr())
	first := h.handshake()
	ws := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	_, resp, err := tcTryDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("third pending session, websocket-first: %d %v", resp.StatusCode, resp.Header)
	}
	resp2, body := pollHandshakeResp(t, h)
	tcRefused(t, resp2, body, 503, "Server busy")

	ws.connectSIO() // joins "/": no longer pending
	h.handshake()
	resp2, body = pollHandshakeResp(t, h)
	tcRefused(t, resp2, body, 503, "Server busy")

	if code, _ := h.post(first, "1"); code != 200 { // closes: no longer pending
		t.Fatalf("close packet: %d", code)
	}
	if !tcWaitFor(3*time.Second, func() bool {
		resp, body := pollHandshakeResp(t, h)
		return resp.StatusCode == 200 && strings.HasPrefix(body, "0{")
	}) {
		t.Fatal("a closed pending session still holds its place")
	}
}

// TestHandshakeLimitRate: the global bucket refuses with 429 past its
// burst, and admits again once tokens have come back.
func TestHandshakeLimitRate(t *testing.T) {
	srv := tcStartServer(t, nil, tornadio.WithHandshakeLimit(tornadio.HandshakeLimit{Rate: 5, Burst: 3}))
	h := tcDial(t, srv.Addr())
	for range 3 {
		h.handshake()
	}
	resp, body := pollHandshakeResp(t, h)
	tcRefused(t, resp, body, 429, "Too many handshakes")
	if st := srv.Stats(); st.HandshakesRefused["rate"] != 1 || st.Handshakes != 3 {
		t.Fatalf("Stats after one refusal: handshakes %d, refused %v", st.Handshakes, st.HandshakesRefused)
	}
	if !tcWaitFor(5*time.Second, func() bool {
		resp, _ := pollHandshakeResp(t, h)
		return resp.StatusCode == 200
	}) {
		t.Fatal("no handshake admitted after the bucket refilled")
	}
}

// TestHandshakeLimitPerIPBehindProxy: behind a trusted proxy, the per-IP
// limits count the client the proxy names, not the proxy.
func TestHandshakeLimitPerIPBehindProxy(t *testing.T) {
	srv := tcStartServer(t, nil,
		tornadio.WithTrustedProxies("127.0.0.1"),
		tornadio.WithHandshakeLimit(tornadio.HandshakeLimit{MaxPerIP: 1}))
	h := tcDial(t, srv.Addr())
	from := func(client string) (int, string) {
		t.Helper()
		req := "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + client + "\r\n\r\n"
		if err := h.writeRaw([]byte(req)); err != nil {
			t.Fatal(err)
		}
		resp, body := h.mustRead()
		return resp.StatusCode, body
	}
	if code, body := from("203.0.113.1"); code != 200 {
		t.Fatalf("first client: %d %s", code, body)
	}
	if code, body := from("203.0.113.1"); code != 503 {
		t.Fatalf("first client again: %d %s, want 503", code, body)
	}
	if code, body := from("203.0.113.2"); code != 200 {
		t.Fatalf("second client: %d %s", code, body)
	}
}

// TestHandshakeLimitValidate: limits that cannot be meant make Start fail.
func TestHandshakeLimitValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		lim  tornadio.HandshakeLimit
		ok   bool
	}{
		{"zero", tornadio.HandshakeLimit{}, true},
		{"all", tornadio.HandshakeLimit{PerIPRate: 0.5, PerIPBurst: 2, Rate: 100, Burst: 200, MaxPending: 1000, MaxPerIP: 10}, true},
		{"rate without burst", tornadio.HandshakeLimit{Rate: 0.1}, true},
		{"negative rate", tornadio.HandshakeLimit{Rate: -1}, false},
		{"NaN rate", tornadio.HandshakeLimit{PerIPRate: math.NaN()}, false},
		{"infinite rate", tornadio.HandshakeLimit{Rate: math.Inf(1)}, false},
		{"burst without rate", tornadio.HandshakeLimit{Burst: 5}, false},
		{"per-IP burst without rate", tornadio.HandshakeLimit{PerIPBurst: 5, Rate: 1}, false},
		{"negative burst", tornadio.HandshakeLimit{Rate: 1, Burst: -1}, false},
		{"negative MaxPending", tornadio.HandshakeLimit{MaxPending: -1}, false},
		{"negative MaxPerIP", tornadio.HandshakeLimit{MaxPerIP: -1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tornadio.ValidateForTest(tornadio.WithHandshakeLimit(tc.lim))
			if (err == nil) != tc.ok {
				t.Fatalf("Start: %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// TestHandshakeLimitInvalidStart: Start reports an invalid limit.
func TestHandshakeLimitInvalidStart(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithHandshakeLimit(tornadio.HandshakeLimit{Burst: 1}))
	if err := srv.Start("127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "Burst") {
		srv.Shutdown(context.Background())
		t.Fatalf("Start: %v, want the Burst without Rate error", err)
	}
}

// FuzzHandshakeLimit: validation never panics, and a limit it accepts
// has finite, non-negative rates and non-negative counts, a burst only
// with its rate; it accepts every limit made of such values.
func FuzzHandshakeLimit(f *testing.F) {
	f.Add(0.0, 0, 0.0, 0, 0, 0)
	f.Add(0.5, 2, 100.0, 200, 1000, 10)
	f.Add(-1.0, 0, 0.0, 0, 0, 0)
	f.Add(math.NaN(), 1, math.Inf(1), 1, -1, -1)
	f.Add(0.0, 5, 0.0, 5, 0, 0)
	f.Add(1e-300, 1<<40, 1e300, 0, 1<<50, 1)
	f.Fuzz(func(t *testing.T, perIPRate float64, perIPBurst int, rate float64, burst, maxPending, maxPerIP int) {
		lim := tornadio.HandshakeLimit{PerIPRate: perIPRate, PerIPBurst: perIPBurst, Rate: rate, Burst: burst,
			MaxPending: maxPending, MaxPerIP: maxPerIP}
		err := tornadio.ValidateForTest(tornadio.WithHandshakeLimit(lim))
		sane := func(r float64, b int) bool {
			return !math.IsNaN(r) && !math.IsInf(r, 0) && r >= 0 && b >= 0 && (b == 0 || r > 0)
		}
		want := sane(perIPRate, perIPBurst) && sane(rate, burst) && maxPending >= 0 && maxPerIP >= 0
		if (err == nil) != want {
			t.Fatalf("%+v: validate %v, want ok %v", lim, err, want)
		}
	})
}

// TestHandshakeLimitServeHTTP: an EngineServer mounted in net/http
// enforces the limits too, its refusals keep their status, Retry-After
// and body through the bridge, and it ignores MaxPending (it has no
// namespaces to wait for).
func TestHandshakeLimitServeHTTP(t *testing.T) {
	srv := edgeEngineOnly(t, tornadio.WithHandshakeLimit(tornadio.HandshakeLimit{MaxPending: 1, MaxPerIP: 2}))
	ts := edgeMount(t, srv, false)
	url := ts.URL + "/engine.io/?EIO=4&transport=polling"
	for i := range 2 {
		if code, body, _ := edgeDo(t, ts.Client(), "GET", url, ""); code != 200 {
			t.Fatalf("handshake %d: %d %q", i+1, code, body)
		}
	}
	resp, err := ts.Client().Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tcRefused(t, resp, string(body), 503, "Server busy")
}

// TestHandshakeLimitLegacy: a legacy 0.6 handshake counts against the
// same client IP as Engine.IO ones, and is refused with the status and a
// plain-text body.
func TestHandshakeLimitLegacy(t *testing.T) {
	srv := tcStartServer(t, nil, tornadio.WithHandshakeLimit(tornadio.HandshakeLimit{MaxPerIP: 1}))
	h := tcDial(t, srv.Addr())
	h.handshake()
	if err := h.send("GET", "/socket.io/xhr-polling//1", ""); err != nil {
		t.Fatal(err)
	}
	resp, body := h.mustRead()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" || body != "Server busy" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("legacy refusal: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	if n := srv.LegacySessionCount(); n != 0 {
		t.Fatalf("LegacySessionCount %d after a refusal", n)
	}
	if st := srv.Stats(); st.HandshakesRefused["concurrency"] != 1 {
		t.Fatalf("Stats.HandshakesRefused %v after a legacy refusal, want concurrency 1", st.HandshakesRefused)
	}
}
