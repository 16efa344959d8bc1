package tornadio_test

// End-to-end tests of the Flash socket policy service (docs/legacy-0.6.md
// section 6 and decision 1): the policy listener the Server starts when
// flashsocket is enabled (WithFlashPolicy's port and file), the inline
// answer on the main port, and the standalone PolicyServer. The answer is
// the policy file's bytes followed by NUL, then the connection closes.

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

const lgPolicyRequest = "<policy-file-request/>\x00"

// lgPolicyFile writes a policy file and returns its path and content.
func lgPolicyFile(t testing.TB) (string, string) {
	t.Helper()
	content := "<?xml version=\"1.0\"?>\n<!DOCTYPE cross-domain-policy SYSTEM \"/xml/dtds/cross-domain-policy.dtd\">\n" +
		"<cross-domain-policy>\n   <allow-access-from domain=\"example.com\" to-ports=\"8080,9000-9010\"/>\n</cross-domain-policy>\n"
	path := filepath.Join(t.TempDir(), "flashpolicy.xml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, content
}

// lgPolicyAsk connects to addr, writes pieces with gap between them, and
// reads until the server closes the connection (within d). err is non-nil
// when it did not close.
func lgPolicyAsk(t testing.TB, addr string, pieces []string, gap, d time.Duration) ([]byte, error) {
	t.Helper()
	r := lgDial(t, addr)
	defer r.close()
	for i, p := range pieces {
		if i > 0 {
			time.Sleep(gap)
		}
		if err := r.write(p); err != nil {
			return nil, err
		}
	}
	return tcExpectEOF(r.c, r.br, d)
}

// lgCheckPolicy checks that addr answers the request (sent in pieces) with
// want + NUL and closes.
func lgCheckPolicy(t *testing.T, what, addr string, pieces []string, want string) {
	t.Helper()
	got, err := lgPolicyAsk(t, addr, pieces, 30*time.Millisecond, 3*time.Second)
	if err != nil {
		t.Errorf("%s %q: %v", what, pieces, err)
		return
	}
	if string(got) != want+"\x00" {
		t.Errorf("%s %q: got %q, want the policy and NUL %q", what, pieces, got, want+"\x00")
	}
}

// lgSplits are the ways the request is sent: whole, in pieces, a byte at a
// time.
func lgSplits() [][]string {
	bytewise := make([]string, len(lgPolicyRequest))
	for i := range lgPolicyRequest {
		bytewise[i] = lgPolicyRequest[i : i+1]
	}
	return [][]string{
		{lgPolicyRequest},
		{"<policy", "-file-request/>", "\x00"},
		{"<policy-file-request/>", "\x00"},
		bytewise,
	}
}

// TestLegacyPolicyListener: the Server's policy listener on the port given
// with WithFlashPolicy serves the file, and the main port answers inline.
func TestLegacyPolicyListener(t *testing.T) {
	file, content := lgPolicyFile(t)
	port := lgFreePort(t)
	srv := tcStartServer(t, nil, lgAllTransports, tornadio.WithFlashPolicy(port, file),
		tornadio.WithHTTPIdleTimeout(time.Second))
	if got, want := srv.PolicyAddr(), "127.0.0.1:"+strconv.Itoa(port); got != want {
		t.Fatalf("PolicyAddr %q, want %q", got, want)
	}
	paddr := srv.PolicyAddr()

	for _, split := range lgSplits() {
		lgCheckPolicy(t, "policy port", paddr, split, content)
		lgCheckPolicy(t, "main port", srv.Addr(), split, content)
	}

	// Many at once.
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := paddr
			if i%2 == 1 {
				addr = srv.Addr()
			}
			got, err := lgPolicyAsk(t, addr, []string{lgPolicyRequest}, 0, 5*time.Second)
			if err == nil && string(got) != content+"\x00" {
				err = errors.New("answer " + strconv.Quote(string(got)))
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent policy request: %v", err)
	}

	// Garbage on the policy port: closed at once, no answer.
	for _, garbage := range []string{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "<policy-file-request/>X", "<cross-domain-policy/>\x00", "\x00"} {
		got, err := lgPolicyAsk(t, paddr, []string{garbage}, 0, 3*time.Second)
		if err != nil || len(got) != 0 {
			t.Errorf("policy port, garbage %q: got %q, %v; want closed without an answer", garbage, got, err)
		}
	}
	// A request that stops half way: closed by the idle timeout.
	got, err := lgPolicyAsk(t, paddr, []string{"<policy-file"}, 0, 4*time.Second)
	if err != nil || len(got) != 0 {
		t.Errorf("policy port, half a request: got %q, %v; want closed by the idle timeout", got, err)
	}

	// Garbage that starts like a request on the main port: an HTTP error,
	// then closed.
	got, err = lgPolicyAsk(t, srv.Addr(), []string{"<policy-file-request/>X"}, 0, 3*time.Second)
	if err != nil || !strings.HasPrefix(string(got), "HTTP/1.1 400 ") {
		t.Errorf("main port, garbage: got %q, %v; want 400 and closed", got, err)
	}
	// The main port still serves HTTP and the legacy road, and a policy
	// request after an HTTP request on the same connection is not one.
	r := lgDial(t, srv.Addr())
	resp, body := r.roundTrip("GET", "/socket.io/xhr-polling//1", nil, "")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "~m~") {
		t.Errorf("xhr-polling handshake after policy requests: %d %q", resp.StatusCode, body)
	}
	_ = r.write(lgPolicyRequest)
	if got, err := tcExpectEOF(r.c, r.br, 3*time.Second); err != nil || strings.Contains(string(got), "cross-domain") {
		t.Errorf("policy request after HTTP: got %q, %v; want no policy, closed", got, err)
	}
}

// TestLegacyPolicyOptions: where the listener goes, and when there is none.
func TestLegacyPolicyOptions(t *testing.T) {
	t.Run("without flashsocket", func(t *testing.T) {
		srv := tcStartServer(t, nil, tornadio.WithTransports("xhr-polling", "websocket", "polling"),
			tornadio.WithFlashPolicy(lgFreePort(t), ""))
		if got := srv.PolicyAddr(); got != "" {
			t.Errorf("PolicyAddr %q without flashsocket, want none", got)
		}
		got, err := lgPolicyAsk(t, srv.Addr(), []string{lgPolicyRequest}, 0, 3*time.Second)
		if err != nil || strings.Contains(string(got), "cross-domain") {
			t.Errorf("inline policy without flashsocket: got %q, %v; want no policy, closed", got, err)
		}
	})

	t.Run("missing file", func(t *testing.T) {
		srv := tornadio.NewServer(lgAllTransports, tornadio.WithLogger(lgDiscardLogger()), tornadio.WithFlashPolicy(lgFreePort(t), filepath.Join(t.TempDir(), "nope.xml")))
		if err := srv.Start("127.0.0.1:0"); err == nil {
			srv.Shutdown(context.Background())
			t.Fatal("Start with a missing policy file succeeded")
		}
	})

	t.Run("port taken", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		port := l.Addr().(*net.TCPAddr).Port
		srv := tornadio.NewServer(lgAllTransports, tornadio.WithLogger(lgDiscardLogger()), tornadio.WithFlashPolicy(port, ""))
		if err := srv.Start("127.0.0.1:0"); err == nil {
			srv.Shutdown(context.Background())
			t.Fatal("Start with a taken policy port set by WithFlashPolicy succeeded")
		}
	})

	// WithFlashPolicy(0, …) picks a free port, like a listen address ":0".
	t.Run("port 0", func(t *testing.T) {
		srv := tornadio.NewServer(lgAllTransports, tornadio.WithLogger(lgDiscardLogger()), tornadio.WithFlashPolicy(0, ""))
		if err := srv.Start("127.0.0.1:0"); err != nil {
			t.Fatalf("Start: %v", err)
		}
		defer srv.Shutdown(context.Background())
		pa := srv.PolicyAddr()
		if _, port, _ := net.SplitHostPort(pa); port == "" || port == "0" || pa == srv.Addr() {
			t.Fatalf("PolicyAddr %q (main %q): want a free port of its own", pa, srv.Addr())
		}
		lgCheckPolicy(t, "free port", pa, []string{lgPolicyRequest}, lgBuiltinPolicy(t))
	})

	// No WithFlashPolicy, flashsocket named: the default port is tried
	// and, when it cannot be bound, the server goes on with the inline
	// answer only.
	t.Run("default port", func(t *testing.T) {
		srv := tornadio.NewServer(lgAllTransports, tornadio.WithLogger(lgDiscardLogger()))
		if err := srv.Start("127.0.0.1:0"); err != nil {
			t.Fatalf("Start: %v", err)
		}
		defer srv.Shutdown(context.Background())
		if pa := srv.PolicyAddr(); pa != "" && pa != "127.0.0.1:843" {
			t.Errorf("PolicyAddr %q, want none or 127.0.0.1:843", pa)
		}
		lgCheckPolicy(t, "main port", srv.Addr(), []string{lgPolicyRequest}, lgBuiltinPolicy(t))
	})
}

// lgBuiltinPolicy is the built-in permissive policy, as the standalone
// server serves it without a file; it is checked for N's shape.
var lgBuiltin struct {
	once sync.Once
	text string
	err  error
}

func lgBuiltinPolicy(t testing.TB) string {
	t.Helper()
	lgBuiltin.once.Do(func() {
		p := tornadio.NewPolicyServer()
		if lgBuiltin.err = p.Start("127.0.0.1:0"); lgBuiltin.err != nil {
			return
		}
		defer p.Shutdown(context.Background())
		var got []byte
		got, lgBuiltin.err = lgPolicyAsk(t, p.Addr(), []string{lgPolicyRequest}, 0, 3*time.Second)
		lgBuiltin.text = strings.TrimSuffix(string(got), "\x00")
	})
	if lgBuiltin.err != nil {
		t.Fatalf("built-in policy: %v", lgBuiltin.err)
	}
	return lgBuiltin.text
}

// TestLegacyPolicyServer: the standalone policy server (the seed's
// FlashPolicyServer started apart).
func TestLegacyPolicyServer(t *testing.T) {
	file, content := lgPolicyFile(t)
	p := tornadio.NewPolicyServer(tornadio.WithFlashPolicy(lgFreePort(t), file), tornadio.WithLogger(lgDiscardLogger()))
	if err := p.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	addr := p.Addr()
	if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("Addr %q", addr)
	}
	for _, split := range lgSplits() {
		lgCheckPolicy(t, "policy server", addr, split, content)
	}
	for _, garbage := range []string{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "<policy-file-request/>X"} {
		got, err := lgPolicyAsk(t, addr, []string{garbage}, 0, 3*time.Second)
		if err != nil || len(got) != 0 {
			t.Errorf("garbage %q: got %q, %v; want closed without an answer", garbage, got, err)
		}
	}
	// The legacy road is not served there.
	got, err := lgPolicyAsk(t, addr, []string{"GET /socket.io/xhr-polling//1 HTTP/1.1\r\nHost: x\r\n\r\n"}, 0, 3*time.Second)
	if err != nil || len(got) != 0 {
		t.Errorf("HTTP on the policy server: got %q, %v", got, err)
	}

	// The built-in policy: N's shape, any domain, any port.
	builtin := lgBuiltinPolicy(t)
	for _, want := range []string{`<?xml version="1.0"?>`, "<cross-domain-policy>", `<allow-access-from domain="*" to-ports="*"/>`} {
		if !strings.Contains(builtin, want) {
			t.Errorf("built-in policy %q lacks %q", builtin, want)
		}
	}
	if !strings.HasSuffix(builtin, "</cross-domain-policy>\n") {
		t.Errorf("built-in policy %q", builtin)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts after Shutdown", addr)
	}
	// A missing file: Start fails.
	bad := tornadio.NewPolicyServer(tornadio.WithFlashPolicy(0, filepath.Join(t.TempDir(), "nope.xml")))
	if err := bad.Start("127.0.0.1:0"); err == nil {
		bad.Shutdown(context.Background())
		t.Errorf("Start with a missing file succeeded")
	}
}

// lgDiscardLogger is a logger that writes nowhere.
func lgDiscardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
