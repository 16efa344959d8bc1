package interop_test

import (
	"encoding/json"
	"io"
	"maps"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/examples/chat/chat"
)

const chromiumPath = "/usr/bin/chromium"

// clientJS is socket.io-client's browser build, installed by npm ci.
var clientJS = filepath.Join(nodeDir, "node_modules", "socket.io-client", "dist", "socket.io.min.js")

// browserClients are the browser builds the test pages load, by the path
// they load them from: socket.io-client 4.x and 2.x, and 4.x's build with
// socket.io-msgpack-parser inside.
var browserClients = map[string]string{
	"/v4.js":      clientJS,
	"/v2.js":      filepath.Join(nodeDir, "node_modules", "socket.io-client-v2", "dist", "socket.io.js"),
	"/msgpack.js": filepath.Join(nodeDir, "node_modules", "socket.io-client", "dist", "socket.io.msgpack.min.js"),
}

// browserMux serves, beside pageMux's plain page and favicon, the test page
// testdata/<page> at /page, the harness every such page loads
// (testdata/page-harness.js) and the browser clients.
func browserMux(t *testing.T, page string) *http.ServeMux {
	t.Helper()
	mux := pageMux()
	for path, file := range map[string]string{"/page": page, "/page-harness.js": "page-harness.js"} {
		body, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		serveBytes(mux, path, body)
	}
	for path, file := range browserClients {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, file) })
	}
	return mux
}

// serveBytes serves body at path, typed by the path's extension (HTML when
// it has none).
func serveBytes(mux *http.ServeMux, path string, body []byte) {
	ctype := mime.TypeByExtension(filepath.Ext(path))
	if ctype == "" {
		ctype = "text/html; charset=utf-8"
	}
	mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		_, _ = w.Write(body)
	})
}

// runBrowserPage opens url in headless Chromium with node/browser-page.js,
// which relays what the page records; opts adds to the driver's options
// (responses, protocols; timeoutMs, 30 s unless given).
func runBrowserPage(t *testing.T, url string, opts map[string]any) *nodeRun {
	t.Helper()
	all := map[string]any{"executablePath": chromiumPath, "timeoutMs": 30000}
	maps.Copy(all, opts)
	raw, _ := json.Marshal(all)
	limit := time.Duration(toFloat(all["timeoutMs"]))*time.Millisecond + 40*time.Second
	return runScript(t, limit, "browser-page.js", url, string(raw))
}

// requireChromium skips the test outside CI when Chromium is missing; under
// CI that is a failure.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if !inCI() {
			t.Skipf("%s is not installed (apt-get install chromium; set CI=true to make this a failure)", chromiumPath)
		}
		t.Fatalf("CI is set and %s is missing: %v", chromiumPath, err)
	}
}

// startChat starts the chat demo on a random loopback port.
func startChat(t *testing.T) string {
	t.Helper()
	requireNode(t)
	// A browser on a loaded machine (race detector, parallel builds) may
	// answer pings late: keep heartbeats short enough to be exercised, but
	// not so short that a slow page is dropped.
	srv := chat.New(clientJS,
		tornadio.WithEventLoops(4),
		tornadio.WithPingInterval(2*time.Second),
		tornadio.WithPingTimeout(5*time.Second),
		tornadio.WithLogger(testLogger(t)),
	)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { shutdown(t, srv) })
	return "http://" + srv.Addr()
}

// TestChatDemoServesPage checks the demo's plain HTTP side through
// WithHTTPHandler: the page and the client library.
func TestChatDemoServesPage(t *testing.T) {
	base := startChat(t)
	client := &http.Client{Timeout: 10 * time.Second}
	for _, c := range []struct{ path, ctype, contains string }{
		{"/", "text/html", `<script src="/socket.io.min.js">`},
		{"/socket.io.min.js", "text/javascript", "Socket.IO"},
	} {
		resp, err := client.Get(base + c.path)
		if err != nil {
			t.Fatalf("GET %s: %v", c.path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: reading body: %v", c.path, err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", c.path, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, c.ctype) {
			t.Errorf("GET %s: Content-Type %q, want %s", c.path, ct, c.ctype)
		}
		if !strings.Contains(string(body), c.contains) {
			t.Errorf("GET %s: body (%d bytes) lacks %q", c.path, len(body), c.contains)
		}
	}
	resp, err := client.Get(base + "/nope")
	if err != nil {
		t.Fatalf("GET /nope: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope: status %d, want 404", resp.StatusCode)
	}
}

// TestBrowserChat opens the demo twice in headless Chromium: a message sent
// from page 1 shows up on page 2, and page 1 upgraded polling -> websocket.
func TestBrowserChat(t *testing.T) {
	requireChromium(t)
	base := startChat(t)
	shot := filepath.Join(t.TempDir(), "chat.png")
	if p := os.Getenv("INTEROP_SCREENSHOT"); p != "" {
		shot, _ = filepath.Abs(p)
	}
	opts, _ := json.Marshal(map[string]any{"executablePath": chromiumPath, "screenshot": shot, "timeoutMs": 90000})
	r := runScript(t, 100*time.Second, "browser.js", base+"/", string(opts))
	r.requireOK(t)

	tr := r.first("transports")
	hist, _ := tr["history"].([]any)
	if len(hist) < 2 || hist[0] != "polling" || hist[len(hist)-1] != "websocket" {
		t.Errorf("page 1 transports = %v, want polling then websocket", hist)
	}
	var gotPage2 bool
	for _, l := range r.all("received") {
		if l.str("page") == "page2" && strings.Contains(l.obj("message").str("text"), "hello from page1") {
			gotPage2 = true
		}
	}
	if !gotPage2 {
		t.Errorf("page 2 did not show page 1's message:\n%s", r.dump())
	}
}

// TestBrowserClients runs the browser builds of socket.io-client 4.x and 2.x
// (XHR and JSONP long-polling, WebSocket, upgrade) in headless Chromium
// against the server: echo with ack, binary with ack, whoami.
func TestBrowserClients(t *testing.T) {
	requireChromium(t)
	rec := newRecorder()
	_, base := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) },
		tornadio.WithHTTPHandler(browserMux(t, "clients.html")), tornadio.WithPingInterval(2*time.Second), tornadio.WithPingTimeout(5*time.Second))

	for _, c := range []struct{ name, query string }{
		{"v4/websocket", "client=v4&transports=websocket&expect=websocket"},
		{"v4/polling", "client=v4&transports=polling&expect=polling"},
		{"v4/upgrade", "client=v4&expect=websocket"},
		{"v2/polling-xhr", "client=v2&transports=polling&expect=polling"},
		{"v2/polling-jsonp", "client=v2&transports=polling&jsonp=1&expect=polling"},
		{"v2/upgrade", "client=v2&expect=websocket"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runBrowserPage(t, base+"/page?"+c.query, nil)
			r.requireOK(t)
			id := r.first("connect").str("id")
			if _, ok := rec.conn(id); !ok {
				t.Errorf("the server never saw socket %q connect", id)
			}
			rec.expectSingleDisconnect(t, id, "client namespace disconnect")
		})
	}
}
