package interop_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestNetHTTPNodeBig runs scenario.js's "big" (text around the websocket
// frame-length boundaries, up to 900 KB and multi-byte UTF-8) through the
// mounted server over TLS, on polling (request and response bodies through
// the bridge) and websocket (the goroutine pair).
func TestNetHTTPNodeBig(t *testing.T) {
	rec := newRecorder()
	_, site := startNetHTTP(t, pageMux(), func(s *tornadio.Server) { installTestNamespace(s, rec) })
	for _, tr := range []string{"polling", "websocket"} {
		t.Run(tr, func(t *testing.T) {
			raw, _ := json.Marshal(map[string]any{"transport": tr, "timeoutMs": 60000})
			r := runScriptEnv(t, 75*time.Second, site.nodeEnv(), "scenario.js", "big", site.base, string(raw))
			r.requireOK(t)
		})
	}
}

// TestNetHTTPMaxPayload sends a message over WithMaxPayload through the
// mounted server over TLS: as on the gnet edge (TestMaxPayload), the
// session ends once, with "transport error" (polling: the POST's body is
// past the cap the bridge reads, the machine answers 413).
func TestNetHTTPMaxPayload(t *testing.T) {
	const limit = 2000
	for _, tr := range []string{"polling", "websocket"} {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, site := startNetHTTP(t, pageMux(), func(s *tornadio.Server) { installTestNamespace(s, rec) }, tornadio.WithMaxPayload(limit))
			raw, _ := json.Marshal(map[string]any{"transport": tr, "size": 5 * limit, "maxPayload": limit, "timeoutMs": 20000})
			r := runScriptEnv(t, 30*time.Second, site.nodeEnv(), "scenario.js", "too-big", site.base, string(raw))
			r.requireOK(t)
			ev := rec.expectSingleDisconnect(t, r.first("connect").str("id"), "transport error")
			t.Logf("server-side reason %q, client reason %q", ev.reason, r.first("disconnect").str("reason"))
		})
	}
}
