package transports_test

import (
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// TestFallbackMaxBody: a request for the Fallback may carry a body up to
// FallbackMaxBody, past MaxPayload; a bigger one is refused with 413 (from
// its Content-Length, before the body) and never reaches the Fallback;
// the Engine.IO path and the legacy road keep MaxPayload.
func TestFallbackMaxBody(t *testing.T) {
	cfg := legacyConfig(1)
	cfg.MaxPayload = 100
	cfg.FallbackMaxBody = 1000
	var calls atomic.Int32
	cfg.Fallback = func(req *httpparse.Request, _ string, respond func([]byte, bool)) {
		calls.Add(1)
		n := strconv.Itoa(len(req.Body))
		respond([]byte("HTTP/1.1 200 OK\r\nContent-Length: "+strconv.Itoa(len(n))+"\r\n\r\n"+n), false)
	}
	h, _ := newLegacyHarness(t, cfg, 2)
	body := func(n int) []byte { return []byte(strings.Repeat("a", n)) }

	c := h.Dial(0)
	c.Send(tt.Request("POST", "/upload", body(1000)))
	wantStatus(t, response(t, h, c), 200, "1000")
	wantOpen(t, h, c)

	// Refused from the head alone: no body byte is sent.
	c.Send(tt.Request("POST", "/upload", nil, "Content-Length: 1001"))
	wantClosingAnswer(t, h, c, 413)

	c = h.Dial(1)
	c.Send(tt.Request("POST", "/upload", nil, "Transfer-Encoding: chunked"))
	c.Send([]byte("3e9\r\n" + strings.Repeat("a", 1001) + "\r\n0\r\n\r\n"))
	wantClosingAnswer(t, h, c, 413)
	if n := calls.Load(); n != 1 {
		t.Fatalf("the Fallback ran %d times, want once", n)
	}

	// The Engine.IO path keeps MaxPayload.
	c = h.Dial(0)
	sid := pollOpen(t, h, c, 4)
	c.Send(tt.PollPOST(4, sid.SID, "4"+strings.Repeat("a", 100)))
	wantClosingAnswer(t, h, c, 413)

	// So does the legacy road.
	c = h.Dial(1)
	c.Send(tt.Request("POST", "/socket.io/xhr-polling//1", body(101)))
	wantClosingAnswer(t, h, c, 413)
}

// TestInboundLimit: an edge holds as much of an unfinished request as the
// largest body a route takes, and never less than 2 MiB.
func TestInboundLimit(t *testing.T) {
	fb := func(*httpparse.Request, string, func([]byte, bool)) {}
	for _, tc := range []struct {
		name     string
		cfg      transports.Config
		min, max int
	}{
		{"defaults", transports.Config{}, 2 << 20, 2 << 20},
		{"MaxPayload 4 MiB", transports.Config{MaxPayload: 4 << 20}, 4<<20 + 2*8192, 5 << 20},
		{"no Fallback", transports.Config{FallbackMaxBody: 8 << 20}, 2 << 20, 2 << 20},
		{"Fallback 8 MiB", transports.Config{Fallback: fb, FallbackMaxBody: 8 << 20}, 8<<20 + 2*8192, 9 << 20},
	} {
		if got := tc.cfg.InboundLimit(); got < tc.min || got > tc.max {
			t.Errorf("%s: InboundLimit %d, want within [%d, %d]", tc.name, got, tc.min, tc.max)
		}
	}
}
