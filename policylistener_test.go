package tornadio_test

import (
	"bytes"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/tornadio/tornadio"
)

// lockedBuffer is a bytes.Buffer a logger may write from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startLogged starts a server with opts on 127.0.0.1, logging into the
// returned buffer, and shuts it down when the test ends.
func startLogged(t *testing.T, opts ...tornadio.Option) (*tornadio.Server, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	opts = append([]tornadio.Option{tornadio.WithEventLoops(2),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(logs, nil)))}, opts...)
	srv := tornadio.NewServer(opts...)
	tcServe(t, srv)
	return srv, logs
}

// TestPolicyListenerOnlyWhenAsked: the Flash policy listener starts only
// when the user asks for it (WithFlashPolicy, or flashsocket named in
// WithTransports); a default server, whose transport list enables
// flashsocket without naming it, neither binds port 843 nor warns that it
// could not, and still answers policy requests inline on its main port.
func TestPolicyListenerOnlyWhenAsked(t *testing.T) {
	t.Run("default server", func(t *testing.T) {
		srv, logs := startLogged(t)
		if pa := srv.PolicyAddr(); pa != "" {
			t.Errorf("a default server runs a policy listener on %s", pa)
		}
		if strings.Contains(logs.String(), "flash policy listener") {
			t.Errorf("a default server logged about the policy listener:\n%s", logs)
		}
		lgCheckPolicy(t, "main port", srv.Addr(), []string{lgPolicyRequest}, lgBuiltinPolicy(t))
	})

	t.Run("WithFlashPolicy on the default transports", func(t *testing.T) {
		srv, _ := startLogged(t, tornadio.WithFlashPolicy(0, ""))
		pa := srv.PolicyAddr()
		if _, port, _ := net.SplitHostPort(pa); port == "" || port == "0" || pa == srv.Addr() {
			t.Fatalf("PolicyAddr %q (main %q): want a listener on a port of its own", pa, srv.Addr())
		}
		lgCheckPolicy(t, "policy port", pa, []string{lgPolicyRequest}, lgBuiltinPolicy(t))
	})

	// Naming flashsocket asks for the listener on the default port: it
	// starts there, or, when the port cannot be bound (no privileges,
	// another server holds it), the server says so and goes on.
	t.Run("flashsocket named", func(t *testing.T) {
		srv, logs := startLogged(t, tornadio.WithTransports("polling", "websocket", "flashsocket"))
		pa := srv.PolicyAddr()
		warned := strings.Contains(logs.String(), "flash policy listener not started")
		if pa == "" && !warned || pa != "" && pa != "127.0.0.1:843" {
			t.Errorf("PolicyAddr %q, warned %v: want the listener on 127.0.0.1:843, or none and a warning", pa, warned)
		}
	})
}
