package loop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
)

type drainNopApp struct{}

func (drainNopApp) Open(*transports.Session) error                          { return nil }
func (drainNopApp) Message(*transports.Session, []byte, bool)               {}
func (drainNopApp) Close(*transports.Session, string)                       {}
func (drainNopApp) LegacyOpen(*transports.LegacySession) error              { return nil }
func (drainNopApp) LegacyMessage(*transports.LegacySession, legacy.Message) {}
func (drainNopApp) LegacyClose(*transports.LegacySession, string)           {}

// drainBody is what the test server answers, then closes: far more than
// the socket buffers of loopback take at once.
var drainBody = strings.Repeat("0123456789abcdef", (8<<20)/16)

// startDrainEngine serves, on one loop, a fallback that answers any
// request with drainBody and closes.
func startDrainEngine(t *testing.T, timeout time.Duration) *Engine {
	t.Helper()
	resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(drainBody), drainBody)
	return startClosingEngine(t, Options{DrainTimeout: timeout}, resp)
}

// startClosingEngine serves, on one loop with opts, a fallback that answers
// any request with resp and closes.
func startClosingEngine(t *testing.T, opts Options, resp string) *Engine {
	t.Helper()
	opts.Loops = 1
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	e := New(opts)
	srv := transports.NewServer(transports.Config{
		Polling: true,
		Fallback: func(_ *httpparse.Request, _ string, respond func([]byte, bool)) {
			respond([]byte(resp), true)
		},
	}, drainNopApp{}, e, e.Loops())
	startBound(t, e, srv)
	return e
}

// startBound binds srv to e, starts e on a loopback port and stops it when
// the test ends.
func startBound(t *testing.T, e *Engine, srv *transports.Server) {
	t.Helper()
	e.Bind(srv)
	if err := e.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.Stop(ctx)
	})
}

// waitForgotten waits until loop 0 drains nothing, then checks that no
// connection is counted open.
func (e *Engine) waitForgotten(t *testing.T) {
	t.Helper()
	e.waitDraining(t, 0, 5*time.Second)
	e.wantNoneOpen(t)
}

// wantNoneOpen fails t when a connection is still counted open.
func (e *Engine) wantNoneOpen(t *testing.T) {
	t.Helper()
	if n := e.limit.open.Load(); n != 0 {
		t.Fatalf("%d connections counted open", n)
	}
}

// drainingNow is the number of connections loop 0 is draining, read on it.
func (e *Engine) drainingNow(t *testing.T) int {
	t.Helper()
	return e.drainingOn(t, 0)
}

// drainingOn is the number of connections loop i is draining, read on it.
func (e *Engine) drainingOn(t *testing.T, i int) int {
	t.Helper()
	if !e.Active(i) {
		return 0 // no connection yet: Post would drop the function
	}
	ch := make(chan int, 1)
	e.Post(i, func() { ch <- len(e.drains[i]) })
	select {
	case n := <-ch:
		return n
	case <-time.After(5 * time.Second):
		t.Fatalf("loop %d runs nothing", i)
		return 0
	}
}

// waitDraining waits until loop 0 drains n connections.
func (e *Engine) waitDraining(t *testing.T, n int, within time.Duration) {
	t.Helper()
	e.waitDrainingOn(t, 0, n, within)
}

// waitDrainingOn waits until loop i drains n connections.
func (e *Engine) waitDrainingOn(t *testing.T, i, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for e.drainingOn(t, i) != n {
		if time.Now().After(deadline) {
			t.Fatalf("loop %d drains %d connections after %v, want %d", i, e.drainingOn(t, i), within, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// askBig connects with a small receive buffer and sends a request; the
// answer is drainBody and the server closes after it.
func askBig(t *testing.T, e *Engine) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", e.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	tc := c.(*net.TCPConn)
	if err := tc.SetReadBuffer(16 << 10); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	return tc
}

// readAnswer reads the answer with small reads and returns its body and
// the error that ended it, if any.
func readAnswer(c net.Conn, within time.Duration) (string, error) {
	c.SetReadDeadline(time.Now().Add(within))
	br := bufio.NewReaderSize(c, 8<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return "", err
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return string(body), err
	}
	var b [1]byte
	if n, err := br.Read(b[:]); n > 0 || !errors.Is(err, io.EOF) {
		return string(body), fmt.Errorf("after the body: %d bytes, %v", n, err)
	}
	return string(body), nil
}

// Everything is delivered, then EOF, and the server forgets the
// connection once the client has closed; input that comes while the
// answer drains is thrown away without a reset.
func TestDrainDelivers(t *testing.T) {
	e := startDrainEngine(t, time.Minute)
	c := askBig(t, e)
	e.waitDraining(t, 1, 5*time.Second)
	if _, err := c.Write([]byte("GET /more HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	body, err := readAnswer(c, 20*time.Second)
	if err != nil || body != drainBody {
		t.Fatalf("%d of %d bytes: %v", len(body), len(drainBody), err)
	}
	c.Close()
	e.waitForgotten(t)
}

// A client that does not read is cut at the drain deadline: the
// connection is closed and uncounted, and the client gets less than the
// whole answer.
func TestDrainDeadline(t *testing.T) {
	const timeout = 300 * time.Millisecond
	e := startDrainEngine(t, timeout)
	c := askBig(t, e)
	start := time.Now()
	e.waitDraining(t, 1, 5*time.Second)
	e.waitDraining(t, 0, timeout+5*time.Second)
	if d := time.Since(start); d < timeout {
		t.Fatalf("closed after %v, before the %v deadline", d, timeout)
	}
	e.wantNoneOpen(t)
	body, err := readAnswer(c, 10*time.Second)
	if err == nil {
		t.Fatalf("the whole answer (%d bytes) came from a connection cut at its deadline", len(body))
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("after %d bytes, the connection is still open: %v", len(body), err)
	}
}

// A client that goes away while its answer drains is forgotten at once,
// not at the deadline.
func TestDrainPeerGone(t *testing.T) {
	e := startDrainEngine(t, time.Minute)
	c := askBig(t, e)
	e.waitDraining(t, 1, 5*time.Second)
	c.Close()
	e.waitForgotten(t)
}

// Stop closes draining connections too.
func TestDrainStop(t *testing.T) {
	e := startDrainEngine(t, time.Minute)
	c := askBig(t, e)
	e.waitDraining(t, 1, 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.limit.open.Load(); n != 0 {
		t.Fatalf("%d connections counted open after Stop", n)
	}
	if _, err := readAnswer(c, 10*time.Second); err == nil {
		t.Fatal("the whole answer came from a connection closed by Stop")
	}
}

// startLingerEngine serves, on one loop, a fallback that answers any
// request with a small 400 and closes: gnet's buffer is empty at the
// close, so the connection lingers.
func startLingerEngine(t *testing.T, linger time.Duration) *Engine {
	t.Helper()
	resp := "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno"
	return startClosingEngine(t, Options{LingerTimeout: linger, DrainTimeout: time.Minute}, resp)
}

// askSmall sends a request whose answer is small, and more bytes after it.
func askSmall(t *testing.T, e *Engine) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", e.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Write([]byte("GET /x HTTP/1.1\r\nHost: x\r\n\r\nmore bytes the server never reads")); err != nil {
		t.Fatal(err)
	}
	return c
}

// A close with nothing left to write lingers: the client reads the
// answer and the end at once, its later writes succeed, and the server
// forgets the connection when the client closes.
func TestLingerPeerCloses(t *testing.T) {
	e := startLingerEngine(t, time.Minute)
	c := askSmall(t, e)
	body, err := readAnswer(c, 10*time.Second)
	if err != nil || body != "no" {
		t.Fatalf("answer %q: %v", body, err)
	}
	e.waitDraining(t, 1, 5*time.Second)
	for range 64 {
		if _, err := c.Write(make([]byte, 64<<10)); err != nil {
			t.Fatalf("writing to a lingering connection: %v", err)
		}
	}
	c.Close()
	e.waitForgotten(t)
}

// A client that never closes is cut at the linger deadline.
func TestLingerDeadline(t *testing.T) {
	const linger = 300 * time.Millisecond
	e := startLingerEngine(t, linger)
	start := time.Now()
	c := askSmall(t, e)
	if body, err := readAnswer(c, 10*time.Second); err != nil || body != "no" {
		t.Fatalf("answer %q: %v", body, err)
	}
	e.waitDraining(t, 1, 5*time.Second)
	e.waitDraining(t, 0, linger+5*time.Second)
	if d := time.Since(start); d < linger {
		t.Fatalf("closed after %v, before the %v linger bound", d, linger)
	}
	e.wantNoneOpen(t)
}
