package interop_test

import (
	_ "embed"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/legacy"
)

// legacyPage runs the Socket.IO 0.6.3 browser client (see checkLegacyRun).
//
//go:embed testdata/legacy.html
var legacyPage []byte

// legacyClientJS is the 0.6.3 browser client shipped with socket.io 0.6.18,
// installed by npm ci as socket.io-v06; it is served unmodified.
var legacyClientJS = filepath.Join(nodeDir, "node_modules", "socket.io-v06", "support", "socket.io-client", "socket.io.js")

// legacyEcho is the seed's handler: each message goes back with Send. It
// records what it saw.
type legacyEcho struct {
	mu     sync.Mutex
	opens  map[string]string // id -> transport
	extras map[string]string
	msgs   map[string][]any
	closes map[string][]tornadio.DisconnectReason
}

func newLegacyEcho() *legacyEcho {
	return &legacyEcho{opens: map[string]string{}, extras: map[string]string{}, msgs: map[string][]any{},
		closes: map[string][]tornadio.DisconnectReason{}}
}

func (e *legacyEcho) OnOpen(s *tornadio.Socket, r *tornadio.Request) error {
	e.mu.Lock()
	e.opens[s.ID()] = r.Transport
	e.extras[s.ID()] = r.Extra
	e.mu.Unlock()
	return nil
}

func (e *legacyEcho) OnMessage(s *tornadio.Socket, m tornadio.Message) {
	e.mu.Lock()
	e.msgs[s.ID()] = append(e.msgs[s.ID()], m.Data)
	e.mu.Unlock()
	_ = s.Send(m.Data)
	if m.Data == "hello" {
		_ = s.Namespace().Emit("message", legacyBroadcast)
	}
}

// legacyBroadcast is what the echo handler broadcasts when it gets "hello".
const legacyBroadcast = "broadcast \u00e9\U0001F600"

func (e *legacyEcho) OnClose(s *tornadio.Socket, reason tornadio.DisconnectReason) {
	e.mu.Lock()
	e.closes[s.ID()] = append(e.closes[s.ID()], reason)
	e.mu.Unlock()
}

// legacyMux serves page at /legacy.html and the 0.6.3 client where
// socket.io-node 0.6 served it, beside pageMux's plain page and favicon.
func legacyMux(t *testing.T, page []byte) *http.ServeMux {
	t.Helper()
	if _, err := os.Stat(legacyClientJS); err != nil {
		t.Fatalf("the 0.6.3 client is missing (run `npm ci` in interop/node): %v", err)
	}
	mux := pageMux()
	serveBytes(mux, "/legacy.html", page)
	mux.HandleFunc("GET /socket.io/socket.io.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeFile(w, r, legacyClientJS)
	})
	return mux
}

// legacyServerOptions opens the legacy road to the transports of
// testdata/legacy.html, with short timings: the page holds its socket for
// 3 s after the echoes (?hold=3000), so the websocket sees heartbeats (and
// must echo them in time), the polling transports an empty poll.
func legacyServerOptions() []tornadio.Option {
	return []tornadio.Option{
		tornadio.WithTransports("websocket", "xhr-polling", "jsonp-polling", "xhr-multipart", "htmlfile", "polling"),
		tornadio.WithLegacyOptions(legacy.Options{
			HeartbeatInterval: 700 * time.Millisecond,
			HeartbeatTimeout:  2 * time.Second,
			PollDuration:      time.Second,
			PollCloseTimeout:  time.Second,
		}),
	}
}

// legacyWantMsgs is what testdata/legacy.html sends, decoded.
var legacyWantMsgs = []any{
	"hello",
	map[string]any{"a": 1.0, "s": "h\u00e9llo \u20ac\U0001F600", "list": []any{1.0, 2.5, nil, true}, "nested": map[string]any{"k": "v"}},
	"h\u00e9llo \u20ac\U0001F600",
	"",
	"~m~ and ~j~ inside text",
}

// checkLegacyRun checks a run of testdata/legacy.html with transport
// against echo: the page connected with that transport, got each echo as
// sent (with JavaScript's lengths, in UTF-16 code units) and the broadcast
// once, and was disconnected only when it left; the server saw one OnOpen
// with the transport, the messages decoded and one OnClose with "transport
// close".
func checkLegacyRun(t *testing.T, r *nodeRun, echo *legacyEcho, transport string) {
	t.Helper()
	conn := r.first("connect")
	if conn == nil {
		t.Fatalf("the page never connected:\n%s", r.dump())
	}
	if got := conn.str("transport"); got != transport {
		t.Errorf("the client used %q, want %q", got, transport)
	}
	id := conn.str("sessionid")
	var got []any
	for _, m := range r.all("message") {
		got = append(got, m["data"])
	}
	if !reflect.DeepEqual(got, legacyWantMsgs) {
		t.Errorf("the page received %#v\nwant %#v", got, legacyWantMsgs)
	}
	if b := r.all("broadcast"); len(b) != 1 || b[0].num("length") != 13 {
		t.Errorf("the page got the broadcast %v, want once with length 13", b)
	}
	for _, d := range r.all("disconnect") {
		if d["leaving"] != true {
			t.Errorf("the socket was disconnected before the page left: %v", d)
		}
	}
	for _, m := range r.all("message") {
		if m.str("data") == "h\u00e9llo \u20ac\U0001F600" && m.num("length") != 9 {
			t.Errorf("non-ASCII echo has length %v in the page, want 9", m.num("length"))
		}
	}

	// The server's view.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, _, _, closes := echo.snapshot(id)
		if len(closes) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	tr, ok, msgs, closes := echo.snapshot(id)
	if !ok {
		t.Fatalf("OnOpen never saw session %q", id)
	}
	if tr != transport {
		t.Errorf("Request.Transport %q, want %q", tr, transport)
	}
	if !reflect.DeepEqual(msgs, legacyWantMsgs) {
		t.Errorf("OnMessage got %#v\nwant %#v", msgs, legacyWantMsgs)
	}
	if len(closes) != 1 || closes[0] != tornadio.ReasonTransportClose {
		t.Errorf("OnClose: %v, want once with %q", closes, tornadio.ReasonTransportClose)
	}
}

func (e *legacyEcho) snapshot(id string) (transport string, ok bool, msgs []any, closes []tornadio.DisconnectReason) {
	e.mu.Lock()
	defer e.mu.Unlock()
	transport, ok = e.opens[id]
	return transport, ok, append([]any(nil), e.msgs[id]...), append([]tornadio.DisconnectReason(nil), e.closes[id]...)
}

// TestLegacyBrowser runs the unmodified Socket.IO 0.6.3 browser client in
// headless Chromium against a seed-style echo Handler, with each transport
// that a current Chromium can use: xhr-polling, jsonp-polling and websocket
// (RFC 6455 on the legacy path). The page sends text, a ~j~ JSON object and
// non-ASCII text (é, €, 😀: LEN in UTF-16 code units), gets each back, then
// disconnects; the server must have seen one OnOpen, the messages decoded
// and one OnClose.
//
// No shim is needed: the page only sets up the test; the client file is
// served as shipped. (xhr-multipart needs Firefox's old
// XMLHttpRequest.multipart, htmlfile IE's ActiveXObject, flashsocket the
// Flash player: the client's own checks rule them out in Chromium.)
func TestLegacyBrowser(t *testing.T) {
	requireChromium(t)
	echo := newLegacyEcho()
	_, base := startServer(t, func(s *tornadio.Server) { s.Handle(echo) },
		append(legacyServerOptions(), tornadio.WithHTTPHandler(legacyMux(t, legacyPage)))...)
	for _, transport := range []string{"xhr-polling", "jsonp-polling", "websocket"} {
		t.Run(transport, func(t *testing.T) {
			r := runBrowserPage(t, base+"/legacy.html?hold=3000&transport="+transport, nil)
			r.requireOK(t)
			checkLegacyRun(t, r, echo, transport)
		})
	}
}
