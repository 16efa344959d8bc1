package interop_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// tornadio behind nginx, which appends the client's address to
// X-Forwarded-For and connects from 127.0.0.3 (proxy_bind): trusting
// 127.0.0.3, sockets see the client (127.0.0.1) even when it sends an
// X-Forwarded-For of its own to pass for someone else; trusting nothing,
// they see nginx. Polling (XHR and Fetch, whose gzipped answers pass
// through nginx) and websocket.
func TestTrustedProxyThroughNginx(t *testing.T) {
	requireNode(t)
	requireNginx(t)
	mode := upstreamMode{name: "http1.1", http11: true, keepalive: true, bind: "127.0.0.3"}
	for _, c := range []struct {
		name    string
		trusted []string
		want    func(string) bool
	}{
		{"trusted", []string{"127.0.0.3"}, func(a string) bool { return a == "127.0.0.1:0" }},
		{"not trusted", nil, func(a string) bool { return strings.HasPrefix(a, "127.0.0.3:") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var mu sync.Mutex
			var addrs, forwarded []string
			srv, _ := startServer(t, func(s *tornadio.Server) {
				installBig(s)
				s.Of("/").Use(func(s *tornadio.Socket) error {
					mu.Lock()
					addrs = append(addrs, s.Request().RemoteAddr)
					forwarded = append(forwarded, s.Request().Header.Get("X-Forwarded-For"))
					mu.Unlock()
					return nil
				})
			}, tornadio.WithTrustedProxies(c.trusted...))
			ngx := startNginx(t, srv.Addr(), mode)
			for _, client := range []string{"xhr", "fetch", "websocket"} {
				r := runScript(t, 45*time.Second, "httpcomp.js", client, ngx.url,
					`{"sizes":[5000],"extraHeaders":{"X-Forwarded-For":"6.6.6.6"},"timeoutMs":30000}`)
				r.requireOK(t)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(addrs) != 3 {
				t.Fatalf("%d sockets connected, want 3", len(addrs))
			}
			for i, a := range addrs {
				if !c.want(a) {
					t.Errorf("socket %d: RemoteAddr %q", i, a)
				}
				// The client's own claim, then nginx's hop.
				if forwarded[i] != "6.6.6.6, 127.0.0.1" {
					t.Errorf("socket %d: X-Forwarded-For %q, want the client's then nginx's", i, forwarded[i])
				}
			}
			t.Logf("RemoteAddr of the sockets: %q", addrs)
			if p := ngx.problems(); len(p) > 0 {
				t.Errorf("nginx logged failures:\n%s", joinLines(p))
			}
		})
	}
}
