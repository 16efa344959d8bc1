package interop_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/socketio/msgpackparser"
)

// The msgpack parser: socket.io-client 4.8.4 with socket.io-msgpack-parser
// 3.0.2 (node/msgpack-client.js) against tornadio with
// WithParser(msgpackparser.Parser{}), and, in the differential test,
// against Node's socket.io 4.8.4 with the same parser
// (node/msgpack-server.js): the same contract on both, the same transcript.

var msgpackScenarios = []string{"events", "server-ack", "namespaces", "broadcast", "refusals", "kick"}

// startMsgpackServer starts tornadio with the msgpack parser, serving the
// contract of node/msgpack-server.js; extra options come last.
func startMsgpackServer(t *testing.T, extra ...tornadio.Option) string {
	t.Helper()
	_, url := startServer(t, func(srv *tornadio.Server) {
		main := srv.Of("/")
		main.OnConnection(func(s *tornadio.Socket) {
			_ = s.Emit("welcome", "hi", []byte{1, 2, 3})
			s.On("echo", func(a tornadio.Args, ack tornadio.Ack) {
				vals, err := a.Values()
				if err != nil {
					t.Errorf("echo: %v", err)
					return
				}
				ack(vals...)
			})
			s.On("ask-me", func() {
				_ = s.Emit("ask", "q?", []byte{9}, func(a tornadio.Args) {
					vals, err := a.Values()
					if err != nil {
						t.Errorf("ask: %v", err)
						return
					}
					_ = s.Emit("answered", vals...)
				})
			})
			s.On("shout", func(a tornadio.Args) {
				var payload any
				if err := a.Decode(0, &payload); err != nil {
					t.Errorf("shout: %v", err)
					return
				}
				_ = main.Emit("news", payload, []byte{0xca, 0xfe})
			})
			s.On("kick", func() { _ = s.Disconnect() })
		})
		srv.Of("/admin").OnConnection(func(s *tornadio.Socket) {
			s.On("who", func(ack tornadio.Ack) { ack("admin", s.Namespace().Name()) })
		})
		srv.Of("/private").Use(func(*tornadio.Socket) error {
			return &tornadio.ConnectError{Message: "not allowed", Data: map[string]any{"code": 42}}
		})
	}, append([]tornadio.Option{tornadio.WithParser(msgpackparser.Parser{}),
		// Node's heartbeat, as msgpack-server.js has: a loaded machine does
		// not end sessions in the middle of a scenario.
		tornadio.WithPingInterval(25 * time.Second), tornadio.WithPingTimeout(20 * time.Second)}, extra...)...)
	return url
}

// startNodeMsgpackServer starts node/msgpack-server.js and returns its URL;
// it is killed when the test ends.
func startNodeMsgpackServer(t *testing.T) string {
	t.Helper()
	return startNodeServer(t, "msgpack-server.js").str("url")
}

// TestMsgpack runs every scenario of node/msgpack-client.js against
// tornadio, over websocket, over polling, and over polling upgraded to
// websocket: events and acks both ways,
// binary inside packets, namespaces, broadcasts, refused connections, a
// server-side disconnect; every packet one binary message.
func TestMsgpack(t *testing.T) {
	for _, tr := range []string{"websocket", "polling", "any"} {
		t.Run(tr, func(t *testing.T) {
			url := startMsgpackServer(t)
			raw, _ := json.Marshal(map[string]any{"transport": tr, "timeoutMs": 60000})
			r := runScript(t, 70*time.Second, "msgpack-client.js", strings.Join(msgpackScenarios, ","), url, string(raw))
			r.requireOK(t)
		})
	}
}

// TestMsgpackDifferential runs node/msgpack-client.js against Node's
// socket.io 4.8.4 with socket.io-msgpack-parser and against tornadio: the
// normalised transcripts must be equal, line for line.
func TestMsgpackDifferential(t *testing.T) {
	for _, tr := range []string{"websocket", "polling", "any"} {
		t.Run(tr, func(t *testing.T) {
			ref := startNodeMsgpackServer(t)
			ours := startMsgpackServer(t)
			list := strings.Join(msgpackScenarios, ",")
			node, nr := transcript(t, "msgpack-client.js", list, ref, "", tr, 60*time.Second)
			if nr.err != nil {
				t.Errorf("against Node's server the script failed its own checks (exit %v): %v", nr.err, nr.failedChecks())
			}
			got, _ := transcript(t, "msgpack-client.js", list, ours, "", tr, 60*time.Second)
			compareTranscripts(t, "msgpack", tr, msgpackScenarios, node, got)
		})
	}
}

// TestMsgpackBrowser runs socket.io-client's msgpack build
// (socket.io.msgpack.min.js, the browser client with socket.io-msgpack-parser
// inside) in headless Chromium against tornadio (testdata/msgpack.html):
// binary values as ArrayBuffers both ways, acks both ways, a broadcast, a
// second namespace, every packet one binary message; over websocket,
// polling, and polling upgraded to websocket.
func TestMsgpackBrowser(t *testing.T) {
	requireChromium(t)
	base := startMsgpackServer(t, tornadio.WithHTTPHandler(browserMux(t, "msgpack.html")))
	for _, c := range []struct{ name, query, want string }{
		{"websocket", "transports=websocket", "websocket"},
		{"polling", "transports=polling", "polling"},
		{"upgrade", "", "websocket"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runBrowserPage(t, base+"/page?"+c.query, nil)
			r.requireOK(t)
			if got := r.first("transport").str("name"); got != c.want {
				t.Errorf("transport %q, want %q", got, c.want)
			}
		})
	}
}
