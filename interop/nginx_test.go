package interop_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// tornadio behind a real nginx (the Debian package, started by the test on
// a loopback port), the most common production deployment: socket.io-client
// 4.x through nginx speaking HTTP/1.0 or HTTP/1.1 to tornadio.

// proxiedClient is one socket.io-client configuration of proxied.js.
type proxiedClient struct {
	config string // polling, websocket or default (polling, then upgrade)
	// upgrade, for the default configuration: "websocket" when the probe
	// must succeed, "refused" when the proxy cannot carry it.
	upgrade string
	final   string // the transport every client must end on
}

// proxiedClients lists the client configurations that mode can carry.
// nginx forwards a websocket only with proxy_http_version 1.1: over HTTP/1.0
// it drops Upgrade and Connection, so tornadio sees a plain GET. There the
// websocket-only client cannot connect at all and is not run, and the
// default client must see its websocket probe fail and stay on polling.
func proxiedClients(mode upstreamMode) []proxiedClient {
	if !mode.http11 {
		return []proxiedClient{
			{config: "polling", final: "polling"},
			{config: "default", upgrade: "refused", final: "polling"},
		}
	}
	return []proxiedClient{
		{config: "polling", final: "polling"},
		{config: "websocket", final: "websocket"},
		{config: "default", upgrade: "websocket", final: "websocket"},
	}
}

func TestNginx(t *testing.T) {
	requireNode(t)
	requireNginx(t)
	for _, mode := range upstreamModes {
		t.Run(mode.name, func(t *testing.T) {
			for _, c := range proxiedClients(mode) {
				t.Run(c.config, func(t *testing.T) { runProxied(t, mode, c) })
			}
			t.Run("engine.io", func(t *testing.T) { engineIOThroughNginx(t, mode) })
			t.Run("oversized", func(t *testing.T) { oversizedThroughNginx(t, mode) })
		})
	}
}

// handshakes records the peer address of every Engine.IO handshake: behind
// nginx that is nginx's end of an upstream connection, so a repeated
// address is a reused (keep-alive) connection.
type handshakes struct {
	mu    sync.Mutex
	addrs []string
}

func (h *handshakes) record(r *tornadio.Request) error {
	h.mu.Lock()
	h.addrs = append(h.addrs, r.RemoteAddr)
	h.mu.Unlock()
	return nil
}

// counts returns the number of handshakes and of distinct connections.
func (h *handshakes) counts() (total, distinct int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]bool{}
	for _, a := range h.addrs {
		seen[a] = true
	}
	return len(h.addrs), len(seen)
}

// startBehindNginx starts a tornadio server with the test namespace plus
// "shout" (a broadcast to the whole namespace, acknowledged) and "fill" (n
// events "filler" carrying size bytes each), and nginx in front of it;
// extra options go to the server.
func startBehindNginx(t *testing.T, mode upstreamMode, extra ...tornadio.Option) (*recorder, *handshakes, *nginxProc) {
	t.Helper()
	rec, hs := newRecorder(), &handshakes{}
	srv, _ := startServer(t, func(s *tornadio.Server) {
		installTestNamespace(s, rec)
		root := s.Of("/")
		root.OnConnection(func(sock *tornadio.Socket) {
			sock.On("shout", func(p map[string]any, ack tornadio.Ack) {
				p["from"] = sock.ID()
				err := root.Emit("news", p)
				if ack != nil {
					ack(err == nil)
				}
			})
			sock.On("fill", func(n, size int) {
				payload := strings.Repeat("0123456789", size/10)
				for i := range n {
					_ = sock.Emit("filler", i, payload)
				}
			})
		})
	}, append(extra, tornadio.WithAllowRequest(hs.record))...)
	return rec, hs, startNginx(t, srv.Addr(), mode)
}

// runProxied runs proxied.js through nginx and checks what both ends saw.
func runProxied(t *testing.T, mode upstreamMode, c proxiedClient) {
	rec, hs, ngx := startBehindNginx(t, mode)
	const clients = 3
	opts, _ := json.Marshal(map[string]any{
		"clients": clients, "rounds": 5, "token": t.Name(), "upgrade": c.upgrade, "timeoutMs": 60000,
	})
	r := runScript(t, 75*time.Second, "proxied.js", c.config, ngx.url, string(opts))
	r.requireOK(t)

	finals := r.all("final")
	if len(finals) != clients {
		t.Fatalf("%d clients reached the end, want %d:\n%s", len(finals), clients, r.dump())
	}
	var ids []string
	for _, f := range finals {
		id := f.str("id")
		ids = append(ids, id)
		if got := f.str("transport"); got != c.final {
			t.Errorf("client %v ended on %q, want %q", f["i"], got, c.final)
		}
		if _, ok := rec.conn(id); !ok {
			t.Errorf("client %v connected as %q but OnConnection never saw that id (saw %v)", f["i"], id, rec.ids())
		}
	}
	expectDisconnects(t, rec, ids, "client namespace disconnect")
	if p := ngx.problems(); len(p) > 0 {
		t.Errorf("nginx logged %d failures between it and tornadio:\n%s", len(p), joinLines(p))
	}
	total, distinct := hs.counts()
	t.Logf("%d handshakes reached tornadio on %d distinct upstream connections", total, distinct)
}

// expectDisconnects waits for each socket's disconnect, lets a second one
// show up, then checks that each came once, with reason want.
func expectDisconnects(t *testing.T, rec *recorder, ids []string, want tornadio.DisconnectReason) {
	t.Helper()
	for _, id := range ids {
		rec.waitDisconnect(t, id, 5*time.Second)
	}
	time.Sleep(500 * time.Millisecond)
	for _, id := range ids {
		all := rec.disconnects(id)
		if len(all) != 1 || all[0].reason != want {
			t.Errorf("socket %s: server-side disconnects %v, want one with reason %q", id, all, want)
		}
	}
}

func joinLines(lines []string) string { return "  " + strings.Join(lines, "\n  ") + "\n" }
