package transports_test

import (
	"net/netip"
	"testing"

	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

func proxyConfig(trusted ...string) transports.Config {
	cfg := testConfig()
	for _, p := range trusted {
		cfg.TrustedProxies = append(cfg.TrustedProxies, netip.MustParsePrefix(p))
	}
	return cfg
}

// handshakeFrom opens a polling session from peer with headers and
// returns its remote address.
func handshakeFrom(t *testing.T, cfg transports.Config, peer string, headers ...string) string {
	t.Helper()
	h := newHarness(t, cfg, 1)
	c := h.DialFrom(0, peer)
	sid := pollOpen(t, h, c, 4, headers...).SID
	return session(t, h, sid).Handshake().RemoteAddr()
}

func TestTrustedProxies(t *testing.T) {
	const proxy = "10.0.0.5:43210"
	for _, c := range []struct {
		name    string
		trusted []string
		peer    string
		headers []string
		want    string
	}{
		{"no proxies trusted", nil, proxy, []string{"X-Forwarded-For: 203.0.113.7"}, proxy},
		{"peer not trusted", []string{"10.1.0.0/16"}, proxy, []string{"X-Forwarded-For: 203.0.113.7"}, proxy},
		{"trusted, no header", []string{"10.0.0.5/32"}, proxy, nil, proxy},
		{"X-Forwarded-For", []string{"10.0.0.0/8"}, proxy, []string{"X-Forwarded-For: 203.0.113.7"}, "203.0.113.7:0"},
		{"spoofed hop to the left", []string{"10.0.0.0/8"}, proxy,
			[]string{"X-Forwarded-For: 6.6.6.6, 203.0.113.7"}, "203.0.113.7:0"},
		{"chain of trusted proxies", []string{"10.0.0.0/8"}, proxy,
			[]string{"X-Forwarded-For: 6.6.6.6, 203.0.113.7, 10.9.9.9, 10.0.0.8"}, "203.0.113.7:0"},
		{"every hop trusted", []string{"10.0.0.0/8"}, proxy,
			[]string{"X-Forwarded-For: 10.3.3.3, 10.2.2.2"}, "10.3.3.3:0"},
		{"fields join", []string{"10.0.0.0/8"}, proxy,
			[]string{"X-Forwarded-For: 6.6.6.6", "X-Forwarded-For: 203.0.113.7, 10.2.2.2"}, "203.0.113.7:0"},
		{"hop with a port", []string{"10.0.0.0/8"}, proxy, []string{"X-Forwarded-For: 203.0.113.7:5555"}, "203.0.113.7:5555"},
		{"IPv6 hop", []string{"10.0.0.0/8"}, proxy, []string{"X-Forwarded-For: 2001:db8::7"}, "[2001:db8::7]:0"},
		{"IPv4-mapped hop", []string{"10.0.0.0/8"}, proxy, []string{"X-Forwarded-For: ::ffff:203.0.113.7"}, "203.0.113.7:0"},
		{"garbage first", []string{"10.0.0.0/8"}, proxy, []string{"X-Forwarded-For: nonsense"}, proxy},
		{"garbage past a trusted hop", []string{"10.0.0.0/8"}, proxy,
			[]string{"X-Forwarded-For: 203.0.113.7, unknown, 10.2.2.2"}, "10.2.2.2:0"},
		{"IPv6 peer", []string{"fd00::/8"}, "[fd00::1]:80", []string{"X-Forwarded-For: 203.0.113.7"}, "203.0.113.7:0"},
		{"IPv4-mapped peer", []string{"10.0.0.0/8"}, "[::ffff:10.0.0.5]:80", []string{"X-Forwarded-For: 203.0.113.7"}, "203.0.113.7:0"},
		{"Forwarded", []string{"10.0.0.0/8"}, proxy, []string{`Forwarded: for=203.0.113.7;proto=http;by=10.0.0.5`}, "203.0.113.7:0"},
		{"Forwarded IPv6 with port", []string{"10.0.0.0/8"}, proxy,
			[]string{`Forwarded: for=6.6.6.6, For="[2001:db8:cafe::17]:4711"`}, "[2001:db8:cafe::17]:4711"},
		{"Forwarded chain", []string{"10.0.0.0/8"}, proxy,
			[]string{`Forwarded: for=6.6.6.6`, `Forwarded: for=203.0.113.7, for=10.1.1.1;proto=https`}, "203.0.113.7:0"},
		{"Forwarded unknown", []string{"10.0.0.0/8"}, proxy, []string{`Forwarded: for=unknown`}, proxy},
		{"Forwarded without for", []string{"10.0.0.0/8"}, proxy, []string{`Forwarded: proto=https`}, proxy},
		{"X-Forwarded-For over Forwarded", []string{"10.0.0.0/8"}, proxy,
			[]string{`Forwarded: for=6.6.6.6`, "X-Forwarded-For: 203.0.113.7"}, "203.0.113.7:0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := handshakeFrom(t, proxyConfig(c.trusted...), c.peer, c.headers...); got != c.want {
				t.Errorf("RemoteAddr %q, want %q", got, c.want)
			}
		})
	}
}

// The websocket road and a Fallback get the forwarded client too.
func TestTrustedProxyWebSocketAndFallback(t *testing.T) {
	cfg := proxyConfig("10.0.0.0/8")
	var fallbackRemote string
	cfg.Fallback = func(_ *httpparse.Request, remote string, respond func([]byte, bool)) {
		fallbackRemote = remote
		respond([]byte("HTTP/1.1 204 No Content\r\n\r\n"), false)
	}
	h := newHarness(t, cfg, 1)
	c := h.DialFrom(0, "10.0.0.5:1234")
	sid := wsOpen(t, h, c, 4, "X-Forwarded-For: 203.0.113.9").SID
	if got := session(t, h, sid).Handshake().RemoteAddr(); got != "203.0.113.9:0" {
		t.Errorf("websocket session RemoteAddr %q", got)
	}
	f := h.DialFrom(0, "10.0.0.5:1235")
	f.Send(tt.Request("GET", "/page", nil, "X-Forwarded-For: 203.0.113.10"))
	if r := response(t, h, f); r.Status != 204 {
		t.Fatalf("fallback: %s", r.Raw)
	}
	if fallbackRemote != "203.0.113.10:0" {
		t.Errorf("fallback remote %q", fallbackRemote)
	}
}

// The legacy road's sessions get the forwarded client too.
func TestTrustedProxyLegacy(t *testing.T) {
	cfg := legacyConfig(1)
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	h, rec := newLegacyHarness(t, cfg, 1)
	c := h.DialFrom(0, "10.0.0.5:1234")
	c.SendString(get("/socket.io/xhr-polling//1300000000000", "X-Forwarded-For: 6.6.6.6, 203.0.113.11"))
	if r := response(t, h, c); r.Status != 200 {
		t.Fatalf("legacy handshake: %s", r.Raw)
	}
	s := rec.last()
	if s == nil {
		t.Fatal("no legacy session")
	}
	if got := s.Handshake().RemoteAddr(); got != "203.0.113.11:0" {
		t.Errorf("legacy session RemoteAddr %q", got)
	}
}
