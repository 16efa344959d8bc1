package interop_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// The server mounted in a net/http mux: tornadio as an http.Handler under
// /socket.io/ of an http.ServeMux that serves plain pages beside it, in an
// http.Server of the test's serving TLS (HTTP/2 offered by ALPN). Real
// clients: socket.io-client 4.x in Node.js (polling over HTTP/1.1,
// websocket over wss, upgrade), the browser clients in Chromium (polling
// over HTTP/2), the 0.6 client in Chromium.

// startNetHTTP builds newUnstarted's server, never calls Start: it is
// mounted at /socket.io/ in mux, which is served over TLS. The tornadio
// server is shut down before the http.Server, so that its long-polls end
// first.
func startNetHTTP(t *testing.T, mux *http.ServeMux, setup func(*tornadio.Server), extra ...tornadio.Option) (*tornadio.Server, *tlsSite) {
	t.Helper()
	srv := newUnstarted(t, setup, extra...)
	var h http.Handler = srv
	mux.Handle("/socket.io/", h)
	site := startTLSSite(t, mux)
	t.Cleanup(func() { shutdown(t, srv) })
	return srv, site
}

// startNetHTTPAhead is startNetHTTP for the legacy road, whose URLs have
// empty segments ("/socket.io/xhr-polling//<t>") that an http.ServeMux
// redirects to cleaned paths (the 0.6 handshake would come back as a poll
// of an unknown session): a handler ahead of the mux routes the Engine.IO
// path to the server, everything else (the 0.6 client file included) to
// mux.
func startNetHTTPAhead(t *testing.T, mux *http.ServeMux, setup func(*tornadio.Server), extra ...tornadio.Option) (*tornadio.Server, *tlsSite) {
	t.Helper()
	srv := newUnstarted(t, setup, extra...)
	site := startTLSSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/socket.io/") && r.URL.Path != "/socket.io/socket.io.js" {
			srv.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { shutdown(t, srv) })
	return srv, site
}

// plainPage is what the mux serves beside tornadio.
const plainPage = "<!doctype html><title>beside tornadio</title><p>a plain page of the same mux</p>"

func pageMux() *http.ServeMux {
	mux := http.NewServeMux()
	serveBytes(mux, "/plain", []byte(plainPage))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return mux
}

// TestNetHTTPNodeClient runs socket.io-client 4.x in Node.js against the
// mounted server over TLS: polling (Node's XHR speaks HTTP/1.1), websocket
// (wss, hijacked from the http.Server) and polling upgraded to websocket.
// Each run fetches the mux's plain page, echoes text (200 KB too) and
// binary with acks, answers a server-side ack and asks whoami; the server
// must have seen the requests over HTTP/1.1 and the socket disconnect once.
// scenario.js then runs its acks, binary and upgrade scenarios through the
// same server, trusting the certificate (NODE_EXTRA_CA_CERTS) instead.
func TestNetHTTPNodeClient(t *testing.T) {
	rec := newRecorder()
	_, site := startNetHTTP(t, pageMux(), func(s *tornadio.Server) { installTestNamespace(s, rec) })

	for _, transport := range []string{"polling", "websocket", "any"} {
		t.Run(transport, func(t *testing.T) {
			site.log.under("") // this subtest's requests only
			opts, _ := json.Marshal(map[string]any{"page": "/plain", "pageText": "a plain page of the same mux", "timeoutMs": 30000})
			r := runScript(t, 45*time.Second, "nethttp-client.js", transport, site.base, string(opts))
			r.requireOK(t)
			id := r.first("done").str("id")
			if _, ok := rec.conn(id); !ok {
				t.Fatalf("the server never saw socket %q connect", id)
			}
			rec.expectSingleDisconnect(t, id, "client namespace disconnect")

			reqs := site.log.under("/socket.io/")
			if len(reqs) == 0 {
				t.Fatal("no request reached /socket.io/ through the mux")
			}
			var polls, upgrades int
			for _, q := range reqs {
				if q.major != 1 {
					t.Errorf("%s %s?%s came over %s, want HTTP/1.1 (Node's clients)", q.method, q.path, q.query, q.proto)
				}
				if q.upgrade == "websocket" {
					upgrades++
				} else {
					polls++
				}
			}
			switch transport {
			case "polling":
				if upgrades != 0 || polls < 2 {
					t.Errorf("polling: %d polling requests and %d upgrades, want several and none", polls, upgrades)
				}
			case "websocket":
				if upgrades != 1 || polls != 0 {
					t.Errorf("websocket: %d polling requests and %d upgrades, want none and one", polls, upgrades)
				}
			case "any":
				if upgrades != 1 || polls < 2 {
					t.Errorf("upgrade: %d polling requests and %d upgrades, want several and one", polls, upgrades)
				}
			}
		})
	}

	for _, c := range []struct{ scenario, transport string }{
		{"acks", "polling"}, {"acks", "websocket"},
		{"binary", "polling"}, {"binary", "websocket"},
		{"upgrade", ""},
	} {
		t.Run("scenario/"+c.scenario+"/"+c.transport, func(t *testing.T) {
			opts := map[string]any{"timeoutMs": 30000}
			if c.transport != "" {
				opts["transport"] = c.transport
			}
			raw, _ := json.Marshal(opts)
			r := runScriptEnv(t, 45*time.Second, site.nodeEnv(), "scenario.js", c.scenario, site.base, string(raw))
			r.requireOK(t)
		})
	}
}

// TestNetHTTPBrowserHTTP2 runs the browser builds of socket.io-client 4.x
// and 2.x in headless Chromium against the mounted server over TLS.
// Chromium negotiates HTTP/2 by ALPN, so long-polling (XHR, JSONP) runs over
// HTTP/2 streams: the server must see every polling request as HTTP/2 and
// Chromium's Resource Timing must say h2. Its websockets (Go's HTTP/2
// server does not offer RFC 8441's extended CONNECT) open an HTTP/1.1 TLS
// connection of their own, hijacked.
func TestNetHTTPBrowserHTTP2(t *testing.T) {
	requireChromium(t)
	rec := newRecorder()
	_, site := startNetHTTP(t, browserMux(t, "clients.html"), func(s *tornadio.Server) { installTestNamespace(s, rec) },
		tornadio.WithPingInterval(2*time.Second), tornadio.WithPingTimeout(5*time.Second))

	for _, c := range []struct {
		name, query string
		websocket   bool
	}{
		{"v4/polling", "client=v4&transports=polling&expect=polling", false},
		{"v4/upgrade", "client=v4&expect=websocket", true},
		{"v4/websocket", "client=v4&transports=websocket&expect=websocket", true},
		{"v2/polling-jsonp", "client=v2&transports=polling&jsonp=1&expect=polling", false},
		{"v2/upgrade", "client=v2&expect=websocket", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			site.log.under("")
			r := runBrowserPage(t, site.base+"/page?"+c.query, map[string]any{"protocols": true})
			r.requireOK(t)
			id := r.first("connect").str("id")
			if _, ok := rec.conn(id); !ok {
				t.Errorf("the server never saw socket %q connect", id)
			}
			rec.expectSingleDisconnect(t, id, "client namespace disconnect")

			var polls, upgrades int
			for _, q := range site.log.under("/socket.io/") {
				switch {
				case q.upgrade == "websocket":
					upgrades++
					if q.major != 1 {
						t.Errorf("the websocket upgrade came over %s, want HTTP/1.1", q.proto)
					}
				default:
					polls++
					if q.major != 2 {
						t.Errorf("%s %s?%s came over %s, want HTTP/2", q.method, q.path, q.query, q.proto)
					}
				}
			}
			if c.websocket != (upgrades == 1) {
				t.Errorf("%d websocket upgrades reached the server, want %d", upgrades, map[bool]int{true: 1}[c.websocket])
			}
			if !strings.Contains(c.query, "transports=websocket") && polls == 0 {
				t.Error("no polling request reached the server")
			}
			// The browser's view of the same requests.
			reqs, _ := r.first("protocols")["requests"].([]any)
			for _, q := range reqs {
				m, _ := q.(map[string]any)
				if p, _ := m["protocol"].(string); p != "h2" {
					t.Errorf("Chromium fetched %v over %q, want h2", m["path"], p)
				}
			}
			if polls > 0 && len(reqs) == 0 {
				t.Error("Chromium's Resource Timing lists no request under /socket.io/")
			}
		})
	}
}

// TestNetHTTPLegacyBrowser runs the unmodified Socket.IO 0.6.3 browser
// client in headless Chromium against a seed-style echo Handler through the
// net/http edge over TLS: xhr-polling and jsonp-polling over HTTP/2,
// websocket over an HTTP/1.1 TLS connection (wss). The page is
// testdata/legacy.html with the client told to use TLS (secure: true, the
// 0.6 client's option); the run is checked as TestLegacyBrowser's are
// (checkLegacyRun), then the protocol of each request. The server is
// routed to ahead of the ServeMux (see startNetHTTPAhead), which serves the
// page and the client file.
func TestNetHTTPLegacyBrowser(t *testing.T) {
	requireChromium(t)
	plain := []byte("{ port: port, transports: [transport] }")
	if !bytes.Contains(legacyPage, plain) {
		t.Fatalf("testdata/legacy.html no longer creates its socket with %s", plain)
	}
	page := bytes.Replace(legacyPage, plain, []byte("{ port: port, secure: location.protocol === 'https:', transports: [transport] }"), 1)
	echo := newLegacyEcho()
	_, site := startNetHTTPAhead(t, legacyMux(t, page), func(s *tornadio.Server) { s.Handle(echo) }, legacyServerOptions()...)

	for _, transport := range []string{"xhr-polling", "jsonp-polling", "websocket"} {
		t.Run(transport, func(t *testing.T) {
			site.log.under("")
			r := runBrowserPage(t, site.base+"/legacy.html?hold=3000&transport="+transport, nil)
			r.requireOK(t)
			checkLegacyRun(t, r, echo, transport)

			var polls, upgrades int
			for _, q := range site.log.under("/socket.io/") {
				if q.path == "/socket.io/socket.io.js" {
					continue
				}
				if q.upgrade == "websocket" {
					upgrades++
					if q.major != 1 {
						t.Errorf("the websocket upgrade came over %s, want HTTP/1.1", q.proto)
					}
				} else {
					polls++
					if q.major != 2 {
						t.Errorf("%s %s came over %s, want HTTP/2", q.method, q.path, q.proto)
					}
				}
			}
			if transport == "websocket" && upgrades != 1 {
				t.Errorf("%d websocket upgrades reached the server, want 1", upgrades)
			}
			if transport != "websocket" && polls < 2 {
				t.Errorf("%d polling requests reached the server, want several", polls)
			}
		})
	}
}

// TestNetHTTPClientVanishes ends a Node.js client's process while its
// long-poll GET is parked in the http.Server (TLS, HTTP/1.1): the request's
// context ends, the edge tells the session, which closes with "transport
// close" at once, long before the heartbeat (20 s here) could notice.
func TestNetHTTPClientVanishes(t *testing.T) {
	rec := newRecorder()
	_, site := startNetHTTP(t, pageMux(), func(s *tornadio.Server) { installTestNamespace(s, rec) },
		tornadio.WithPingInterval(20*time.Second), tornadio.WithPingTimeout(20*time.Second))
	opts, _ := json.Marshal(map[string]any{"vanish": true, "timeoutMs": 30000})
	r := runScript(t, 45*time.Second, "nethttp-client.js", "polling", site.base, string(opts))
	gone := r.first("vanishing")
	if r.err != nil || gone == nil {
		t.Fatalf("the client did not connect and vanish (exit: %v):\n%s", r.err, r.dump())
	}
	id := gone.str("id")
	if _, ok := rec.conn(id); !ok {
		t.Fatalf("the server never saw socket %q connect", id)
	}
	ev := rec.waitDisconnect(t, id, 10*time.Second)
	if ev.reason != tornadio.ReasonTransportClose {
		t.Errorf("disconnect reason %q, want %q", ev.reason, tornadio.ReasonTransportClose)
	}
}

// vanishingPage connects the 4.x browser client over long-polling and
// reports its id, and never disconnects: the browser's end does.
const vanishingPage = `<!doctype html><meta charset="utf-8"><title>vanishing</title>
<script src="/v4.js"></script>
<script>
window.__log = [];
var socket = io(location.origin, { transports: ['polling'], reconnection: false });
socket.on('connect', function () {
  window.__log.push({ event: 'connect', id: socket.id, transport: socket.io.engine.transport.name });
  // Let the next long-poll park before the driver closes the browser.
  setTimeout(function () { window.__ok = true; window.__done = true; }, 300);
});
socket.on('connect_error', function (err) {
  window.__log.push({ event: 'connect_error', message: String(err && err.message || err) });
  window.__done = true;
});
</script>`

// TestNetHTTPBrowserVanishes closes Chromium while the page's long-poll is
// parked on an HTTP/2 stream: the stream's context ends, and the session
// closes with "transport close" long before the heartbeat (20 s) could.
func TestNetHTTPBrowserVanishes(t *testing.T) {
	requireChromium(t)
	rec := newRecorder()
	mux := browserMux(t, "clients.html")
	serveBytes(mux, "/vanish", []byte(vanishingPage))
	_, site := startNetHTTP(t, mux, func(s *tornadio.Server) { installTestNamespace(s, rec) },
		tornadio.WithPingInterval(20*time.Second), tornadio.WithPingTimeout(20*time.Second))
	r := runBrowserPage(t, site.base+"/vanish", nil)
	r.requireOK(t)
	id := r.first("connect").str("id")
	if _, ok := rec.conn(id); !ok {
		t.Fatalf("the server never saw socket %q connect", id)
	}
	for _, q := range site.log.under("/socket.io/") {
		if q.major != 2 {
			t.Errorf("%s %s came over %s, want HTTP/2", q.method, q.path, q.proto)
		}
	}
	ev := rec.waitDisconnect(t, id, 10*time.Second)
	if ev.reason != tornadio.ReasonTransportClose {
		t.Errorf("disconnect reason %q, want %q", ev.reason, tornadio.ReasonTransportClose)
	}
}
