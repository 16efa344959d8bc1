package tornadio_test

import (
	"io"
	"log/slog"

	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestServeHTTPLegacy runs the legacy 0.6 road through net/http, the server
// as the http.Server's handler (an http.ServeMux would redirect the road's
// URLs, which have empty segments, to cleaned ones): the
// polling transports and the streams (htmlfile chunked, xhr-multipart raw
// until the end) through the bridge, the websocket and flashsocket
// handshakes (hixie-75, hixie-76 with its key after the head, RFC 6455)
// through a hijacked connection; each session echoes and ends with its
// client.
func TestServeHTTPLegacy(t *testing.T) {
	h := newLGHandler(true)
	srv := tornadio.NewServer(lgAllTransports, tornadio.WithLegacyOptions(lgFastOptions()),
		tornadio.WithEventLoops(2),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	srv.Handle(h)
	t.Cleanup(func() { shutdownWithin(t, srv) })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	addr := ts.Listener.Addr().String()

	for _, k := range lgKinds {
		t.Run(k.name, func(t *testing.T) {
			c, rest := k.open(t, addr, "")
			if len(rest) != 0 {
				t.Errorf("first answer: messages after the session id: %q", rest)
			}
			id := c.sid()
			c.send(lgFrames(lgText, lgUnicode, ""))
			if got := h.waitMessages(t, id, 3, 5*time.Second); !reflect.DeepEqual(got, []any{lgText, lgUnicode, ""}) {
				t.Errorf("OnMessage got %#v", got)
			}
			if msgs, _ := lgCollect(t, c, 3, 8*time.Second); !reflect.DeepEqual(msgs, []string{lgText, lgUnicode, ""}) {
				t.Errorf("echoes %q", msgs)
			}
			c.gone()
			within := 3 * time.Second
			if !k.streaming {
				within = 6 * time.Second
			}
			if r := h.waitClose(t, id, within, 0); r != tornadio.ReasonTransportClose {
				t.Errorf("OnClose reason %q, want %q", r, tornadio.ReasonTransportClose)
			}
		})
	}
	lgWaitNoSockets(t, srv)
}

// TestServeHTTPLegacyUnknownSession: a legacy poll for a session the server
// does not know, which tornadio's own listener answers by closing the
// connection, gets a plain 404 through net/http, over HTTP/1.1 and HTTP/2
// alike, where aborting the handler would reset an HTTP/2 stream (a
// protocol error to browsers).
func TestServeHTTPLegacyUnknownSession(t *testing.T) {
	srv := tornadio.NewServer(lgAllTransports, tornadio.WithEventLoops(1),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	srv.Handle(newLGHandler(true))
	t.Cleanup(func() { shutdownWithin(t, srv) })
	for _, tlsOn := range []bool{false, true} {
		ts := httptest.NewUnstartedServer(srv)
		ts.Config.ErrorLog = nil
		if tlsOn {
			ts.EnableHTTP2 = true
			ts.StartTLS()
		} else {
			ts.Start()
		}
		t.Cleanup(ts.Close)
		code, _, proto := edgeDo(t, ts.Client(), "GET", ts.URL+"/socket.io/xhr-polling/1796576212293", "")
		if code != 404 {
			t.Errorf("%s: status %d, want 404", proto, code)
		}
		if tlsOn && proto != "HTTP/2.0" {
			t.Errorf("over TLS the request went over %s, want HTTP/2.0", proto)
		}
	}
}
