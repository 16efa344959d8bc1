package interop_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// The other roads into the net/http edge, with socket.io-client 4.x in
// Node.js: the server in a plain-HTTP http.Server's mux (websockets
// hijacked as *net.TCPConn and handed to the event loops, where the TLS
// tests get a goroutine pair), and Serve on a listener the application
// owns, plain TCP and TLS (tls.NewListener, HTTP/1.1 only).

// nodeClientRuns runs nethttp-client.js over polling, websocket and the
// upgrade against base; each socket must connect and disconnect once.
func nodeClientRuns(t *testing.T, base string, rec *recorder) {
	t.Helper()
	for _, transport := range []string{"polling", "websocket", "any"} {
		t.Run(transport, func(t *testing.T) {
			opts, _ := json.Marshal(map[string]any{"timeoutMs": 30000})
			r := runScript(t, 45*time.Second, "nethttp-client.js", transport, base, string(opts))
			r.requireOK(t)
			id := r.first("done").str("id")
			if _, ok := rec.conn(id); !ok {
				t.Fatalf("the server never saw socket %q connect", id)
			}
			rec.expectSingleDisconnect(t, id, "client namespace disconnect")
		})
	}
}

// TestNetHTTPPlainMux mounts the server in the mux of a plain-HTTP
// http.Server: polling through the bridge, websockets hijacked as TCP
// connections and served by the event loops.
func TestNetHTTPPlainMux(t *testing.T) {
	rec := newRecorder()
	srv := newUnstarted(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
	mux := pageMux()
	mux.Handle("/socket.io/", srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if hs.Shutdown(ctx) != nil {
			_ = hs.Close()
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	t.Cleanup(func() { shutdown(t, srv) })
	nodeClientRuns(t, "http://"+ln.Addr().String(), rec)
}

// TestNetHTTPServeListener serves the server with Serve on listeners of the
// test's: plain TCP (connections go to the event loops) and TLS over
// HTTP/1.1 (a goroutine pair each); after Shutdown, Serve returns
// ErrServerClosed.
func TestNetHTTPServeListener(t *testing.T) {
	for _, withTLS := range []bool{false, true} {
		name := map[bool]string{false: "tcp", true: "tls"}[withTLS]
		t.Run(name, func(t *testing.T) {
			rec := newRecorder()
			srv := newUnstarted(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			base := "http://" + ln.Addr().String()
			if withTLS {
				cert, _ := selfSignedCert(t)
				ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
				base = "https://" + ln.Addr().String()
			}
			served := make(chan error, 1)
			go func() { served <- srv.Serve(ln) }()
			nodeClientRuns(t, base, rec)

			shutdown(t, srv)
			select {
			case err := <-served:
				if !errors.Is(err, http.ErrServerClosed) {
					t.Errorf("Serve returned %v after Shutdown, want ErrServerClosed", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("Serve did not return within 10 s of Shutdown")
			}
		})
	}
}
