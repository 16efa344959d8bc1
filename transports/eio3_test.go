package transports_test

import (
	"testing"

	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// TestRefuseEIO3 checks Config.RefuseEIO3: a v3 handshake, by polling or
// websocket, is refused with Node's answer, no session is opened, and v4
// is unaffected; without it, v3 is served.
func TestRefuseEIO3(t *testing.T) {
	cfg := testConfig()
	cfg.RefuseEIO3 = true
	h := newHarness(t, cfg, 1)
	c := h.Dial(0)
	for _, req := range [][]byte{tt.PollGET(3, ""), tt.WSUpgrade(3, "")} {
		c.Send(req)
		r := response(t, h, c)
		wantStatus(t, r, 400, `{"code":5,"message":"Unsupported protocol version"}`)
	}
	if n := h.Server.SessionCount(); n != 0 {
		t.Fatalf("%d sessions opened by refused handshakes", n)
	}
	pollOpen(t, h, h.Dial(0), 4)

	h = newHarness(t, testConfig(), 1)
	pollOpen(t, h, h.Dial(0), 3)
	if n := h.Server.SessionCount(); n != 1 {
		t.Fatalf("v3 accepted by default: %d sessions", n)
	}
}
