package transports_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// admissionHarness is a one-loop harness with lim as its handshake limits.
func admissionHarness(t *testing.T, lim transports.HandshakeLimit) *tt.Harness {
	t.Helper()
	cfg := testConfig()
	cfg.HandshakeLimit = lim
	return newHarness(t, cfg, 1)
}

// pollHandshake makes a polling handshake on c and returns the answer.
func pollHandshake(t *testing.T, h *tt.Harness, c *tt.Conn) *tt.Response {
	t.Helper()
	c.Send(tt.PollGET(4, ""))
	h.Loops.RunAll()
	resp, err := c.ReadResponse()
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// checkRefusal checks a refusal's status, Retry-After and engine.io
// error body.
func checkRefusal(t *testing.T, resp *tt.Response, status int, message string) {
	t.Helper()
	want := `{"code":4,"message":"` + message + `"}`
	if resp.Status != status || resp.Header("Retry-After") != "1" || string(resp.Body) != want ||
		resp.Header("Content-Type") != "application/json" {
		t.Fatalf("refusal: %d Retry-After %q %s %q; want %d Retry-After 1 application/json %s",
			resp.Status, resp.Header("Retry-After"), resp.Header("Content-Type"), resp.Body, status, want)
	}
}

func opened(t *testing.T, resp *tt.Response) {
	t.Helper()
	if resp.Status != 200 || !strings.HasPrefix(string(resp.Body), "0{") {
		t.Fatalf("handshake refused: %v", resp)
	}
}

// TestAdmissionGlobalRate: the global bucket admits Burst handshakes at
// once, refuses the next with 429 (keeping the polling connection), and
// admits again as its tokens come back at Rate on the loops' clock.
func TestAdmissionGlobalRate(t *testing.T) {
	h := admissionHarness(t, transports.HandshakeLimit{Rate: 2, Burst: 2})
	a, b := h.DialFrom(0, "192.0.2.1:1000"), h.DialFrom(0, "192.0.2.2:1000")
	opened(t, pollHandshake(t, h, a))
	opened(t, pollHandshake(t, h, b))
	checkRefusal(t, pollHandshake(t, h, a), 429, "Too many handshakes")
	if a.CloseRequested() {
		t.Fatal("a refused polling handshake closed its keep-alive connection")
	}
	h.Loops.Advance(400 * time.Millisecond) // 0.8 token
	checkRefusal(t, pollHandshake(t, h, b), 429, "Too many handshakes")
	h.Loops.Advance(100 * time.Millisecond)
	opened(t, pollHandshake(t, h, b))
	if n := countOpens(h); n != 3 {
		t.Fatalf("App.Open ran %d times, want 3", n)
	}
}

func countOpens(h *tt.Harness) int {
	n := 0
	for _, e := range h.App.Events() {
		if e.Kind == tt.Open {
			n++
		}
	}
	return n
}

// TestAdmissionPerIP: each address has its own bucket (IPv6 by /64
// network), and a refused address does not use up the others' tokens.
func TestAdmissionPerIP(t *testing.T) {
	h := admissionHarness(t, transports.HandshakeLimit{PerIPRate: 1, PerIPBurst: 1, Rate: 100})
	a1, a2 := h.DialFrom(0, "192.0.2.1:1000"), h.DialFrom(0, "192.0.2.1:1001")
	b := h.DialFrom(0, "192.0.2.2:1000")
	v6a, v6b := h.DialFrom(0, "[2001:db8::1]:1000"), h.DialFrom(0, "[2001:db8::2]:1000")
	v6c := h.DialFrom(0, "[2001:db8:0:1::1]:1000")
	mapped := h.DialFrom(0, "[::ffff:192.0.2.2]:1000")
	opened(t, pollHandshake(t, h, a1))
	checkRefusal(t, pollHandshake(t, h, a2), 429, "Too many handshakes")
	opened(t, pollHandshake(t, h, b))
	checkRefusal(t, pollHandshake(t, h, mapped), 429, "Too many handshakes") // 192.0.2.2 again
	opened(t, pollHandshake(t, h, v6a))
	checkRefusal(t, pollHandshake(t, h, v6b), 429, "Too many handshakes") // same /64
	opened(t, pollHandshake(t, h, v6c))
	h.Loops.Advance(time.Second)
	opened(t, pollHandshake(t, h, a2))
}

// TestAdmissionMaxPerIP: an address has at most MaxPerIP sessions open;
// the next handshake gets 503, and one more is admitted once a session
// has closed.
func TestAdmissionMaxPerIP(t *testing.T) {
	h := admissionHarness(t, transports.HandshakeLimit{MaxPerIP: 2})
	c := h.DialFrom(0, "192.0.2.1:1000")
	other := h.DialFrom(0, "192.0.2.9:1000")
	first := pollHandshake(t, h, c)
	opened(t, first)
	opened(t, pollHandshake(t, h, c))
	checkRefusal(t, pollHandshake(t, h, c), 503, "Server busy")
	opened(t, pollHandshake(t, h, other))
	sid := h.App.Events()[0].SID
	c.Send(tt.PollPOST(4, sid, "1"))
	h.Loops.RunAll()
	if _, err := c.ReadResponse(); err != nil {
		t.Fatal(err)
	}
	opened(t, pollHandshake(t, h, c))
	checkRefusal(t, pollHandshake(t, h, c), 503, "Server busy")
	// A session that times out frees its place too.
	h.Loops.Advance(time.Second)
	opened(t, pollHandshake(t, h, c))
}

// TestAdmissionWebSocketFirst: a websocket-first handshake over the limit
// is refused before the 101, and its connection closed; the application
// never hears of it.
func TestAdmissionWebSocketFirst(t *testing.T) {
	h := admissionHarness(t, transports.HandshakeLimit{Rate: 1, Burst: 1})
	a, b := h.Dial(0), h.Dial(0)
	a.Send(tt.WSUpgrade(4, ""))
	h.Loops.RunAll()
	if resp, err := a.ReadResponse(); err != nil || resp.Status != 101 {
		t.Fatalf("first websocket: %v %v", resp, err)
	}
	b.Send(tt.WSUpgrade(4, "", "Origin: http://example.com"))
	h.Loops.RunAll()
	resp, err := b.ReadResponse()
	if err != nil {
		t.Fatal(err)
	}
	checkRefusal(t, resp, 429, "Too many handshakes")
	if resp.Header("Connection") != "close" || !b.CloseRequested() {
		t.Fatalf("a refused websocket handshake left its connection open (Connection %q)", resp.Header("Connection"))
	}
	if rest := b.Unread(); len(rest) > 0 {
		t.Fatalf("bytes after the refusal: %q", rest)
	}
	if opens := countOpens(h); opens != 1 {
		t.Fatalf("App.Open ran %d times, want 1", opens)
	}
}

// TestAdmissionAppRefusal: App.Open refusing with a Refusal gets the
// admission answer (with the CORS lines), and frees the address's place.
func TestAdmissionAppRefusal(t *testing.T) {
	cfg := testConfig()
	cfg.HandshakeLimit = transports.HandshakeLimit{MaxPerIP: 1}
	cfg.AllowedOrigins = []string{"*"}
	h := newHarness(t, cfg, 1)
	busy := true
	h.App.OnOpen = func(*transports.Session) error {
		if busy {
			return transports.RefusedConcurrency
		}
		return nil
	}
	c := h.Dial(0)
	c.Send(tt.PollGET(4, "", "Origin: http://example.com"))
	h.Loops.RunAll()
	resp, err := c.ReadResponse()
	if err != nil {
		t.Fatal(err)
	}
	checkRefusal(t, resp, 503, "Server busy")
	if resp.Header("Access-Control-Allow-Origin") != "http://example.com" {
		t.Fatalf("refusal without CORS lines: %q", resp.Raw)
	}
	busy = false
	opened(t, pollHandshake(t, h, c)) // the refused one did not keep its place
}

// TestAdmissionLegacy: the legacy road's handshakes count too, and are
// refused with the same status and a plain-text body.
func TestAdmissionLegacy(t *testing.T) {
	cfg := legacyConfig(1)
	cfg.HandshakeLimit = transports.HandshakeLimit{MaxPerIP: 1}
	h, _ := newLegacyHarness(t, cfg, 1)
	c := h.Dial(0)
	opened(t, pollHandshake(t, h, c))
	d := h.Dial(0)
	d.Send(tt.Request("GET", "/socket.io/xhr-polling//1300000000000", nil))
	h.Loops.RunAll()
	resp, err := d.ReadResponse()
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 503 || resp.Header("Retry-After") != "1" || string(resp.Body) != "Server busy" ||
		!strings.HasPrefix(resp.Header("Content-Type"), "text/plain") {
		t.Fatalf("legacy refusal: %q", resp.Raw)
	}
	if n := h.Server.LegacySessionCount(); n != 0 {
		t.Fatalf("LegacySessionCount %d after a refusal", n)
	}
}

// TestAdmissionOffByDefault: the zero HandshakeLimit refuses nothing.
func TestAdmissionOffByDefault(t *testing.T) {
	h := admissionHarness(t, transports.HandshakeLimit{})
	c := h.Dial(0)
	for range 200 {
		opened(t, pollHandshake(t, h, c))
	}
}
