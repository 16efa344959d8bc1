package interop_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestHandshakeLimitClientRetries: socket.io-client 4.8, over polling and
// over websocket, refused by the server's handshake rate (429 with
// Retry-After), retries with its reconnection backoff and connects once
// the bucket has a token again.
func TestHandshakeLimitClientRetries(t *testing.T) {
	for _, transport := range []string{"polling", "websocket"} {
		t.Run(transport, func(t *testing.T) {
			// One handshake every 4 s: the test takes the first token,
			// so that the client's first attempts are refused.
			_, base := startServer(t, nil, tornadio.WithHandshakeLimit(tornadio.HandshakeLimit{Rate: 0.25, Burst: 1}))
			resp, err := http.Get(base + "/socket.io/?EIO=4&transport=polling")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("the test's own handshake: %d", resp.StatusCode)
			}
			r := runScript(t, 45*time.Second, "admission.js", transport, base, `{"timeoutMs":30000}`)
			r.requireOK(t)
			refusals := r.all("refused")
			t.Logf("%d refused attempts, first %v; then %v", len(refusals), refusals[0], r.first("connect"))
			if got := r.first("connect")["transport"]; got != transport {
				t.Errorf("connected over %v, want %s", got, transport)
			}
		})
	}
}
