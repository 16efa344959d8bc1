package interop_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestNetHTTPShutdown shuts the mounted server down while socket.io-client
// 4.x in Node.js holds a polling session (its long-poll parked in the
// http.Server) and a websocket (hijacked TLS): each client sees its
// disconnect, the server reports "server shutting down" once each, the
// Engine.IO path answers 503 afterwards, and the http.Server with the rest
// of its mux goes on serving.
func TestNetHTTPShutdown(t *testing.T) {
	rec := newRecorder()
	srv, site := startNetHTTP(t, pageMux(), func(s *tornadio.Server) { installTestNamespace(s, rec) })

	type proc struct {
		lr   *lineReader
		seen []obs
	}
	var ps []*proc
	for _, tr := range []string{"polling", "websocket"} {
		raw, _ := json.Marshal(map[string]any{"transport": tr, "waitMs": 15000, "timeoutMs": 30000})
		lr := startNode(t, site.nodeEnv(), "scenario.js", "wait-disconnect", site.base, string(raw))
		ps = append(ps, &proc{lr: lr})
	}
	var ids []string
	for i, p := range ps {
		c, err := p.lr.waitEvent("connect", 20*time.Second, &p.seen)
		if err != nil {
			t.Fatalf("client %d: %v: %v", i, err, p.seen)
		}
		ids = append(ids, c.str("id"))
	}
	// Let the polling client park its long-poll.
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	shutdown(t, srv)
	t.Logf("Shutdown took %v", time.Since(start).Round(time.Millisecond))
	for i, p := range ps {
		d, err := p.lr.waitEvent("done", 20*time.Second, &p.seen)
		if err != nil || d["ok"] != true {
			t.Errorf("client %d: %v %v: %v", i, err, d, p.seen)
		}
		if findEvent(p.seen, "disconnect") == nil {
			t.Errorf("client %d never saw a disconnect: %v", i, p.seen)
		}
	}
	for _, id := range ids {
		rec.expectSingleDisconnect(t, id, "server shutting down")
	}

	c := site.client(true)
	for _, q := range []struct {
		path   string
		status int
		body   string
	}{
		{"/socket.io/?EIO=4&transport=polling", http.StatusServiceUnavailable, ""},
		{"/plain", http.StatusOK, "a plain page of the same mux"},
	} {
		resp, err := c.Get(site.base + q.path)
		if err != nil {
			t.Fatalf("GET %s after Shutdown: %v", q.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != q.status || !strings.Contains(string(body), q.body) {
			t.Errorf("GET %s after Shutdown: %d %q, want %d", q.path, resp.StatusCode, body, q.status)
		}
	}
}
