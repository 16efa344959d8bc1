package interop_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestNetHTTPDeflate turns permessage-deflate on (every message compressed)
// for the server mounted in a mux over TLS, where each websocket is a
// hijacked TLS connection served by a goroutine pair: socket.io-client 4.x
// in Node.js (ws, perMessageDeflate) must get the extension accepted and
// pass the echoes (200 KB text, binary), acks both ways and whoami, over a
// websocket and after the upgrade from polling; then Chromium (which always
// offers the extension) runs the browser client through the same edge.
func TestNetHTTPDeflate(t *testing.T) {
	rec := newRecorder()
	_, site := startNetHTTP(t, browserMux(t, "clients.html"), func(s *tornadio.Server) { installTestNamespace(s, rec) },
		tornadio.WithPerMessageDeflate(tornadio.PerMessageDeflate{Threshold: -1}),
		tornadio.WithPingInterval(2*time.Second), tornadio.WithPingTimeout(5*time.Second))
	for _, transport := range []string{"websocket", "any"} {
		t.Run("node/"+transport, func(t *testing.T) {
			opts, _ := json.Marshal(map[string]any{"deflate": true, "timeoutMs": 30000})
			r := runScript(t, 45*time.Second, "nethttp-client.js", transport, site.base, string(opts))
			r.requireOK(t)
			if r.first("extensions") == nil {
				t.Error("the script did not report the negotiated extensions")
			}
			id := r.first("done").str("id")
			rec.expectSingleDisconnect(t, id, "client namespace disconnect")
		})
	}
	t.Run("chromium/upgrade", func(t *testing.T) {
		requireChromium(t)
		r := runBrowserPage(t, site.base+"/page?client=v4&expect=websocket", nil)
		r.requireOK(t)
		rec.expectSingleDisconnect(t, r.first("connect").str("id"), "client namespace disconnect")
	})
}
