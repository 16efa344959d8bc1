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
