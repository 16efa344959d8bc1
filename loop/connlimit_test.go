package loop_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tornadio/tornadio/loop"
	"github.com/tornadio/tornadio/transports"
)

// emfileChildEnv makes the test binary run TestFileLimitChild: a server
// whose RLIMIT_NOFILE is emfileLimit.
const (
	emfileChildEnv = "TORNADIO_LOOP_EMFILE_CHILD"
	emfileLimit    = 256
	emfileConns    = 320 // more than the child may hold open
)

// TestFileLimitChild is the server side of TestFileLimit; it runs only in
// the subprocess. It lowers its file limit, serves, prints its address
// and cap, and when stdin closes reports whether the engine still runs.
func TestFileLimitChild(t *testing.T) {
	if os.Getenv(emfileChildEnv) != "1" {
		t.Skip("subprocess of TestFileLimit")
	}
	rl := syscall.Rlimit{Cur: emfileLimit, Max: emfileLimit}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e := loop.New(loop.Options{Loops: 2, Logger: logger})
	srv := transports.NewServer(transports.Config{Polling: true, WebSocket: true}, nopApp{}, e, e.Loops())
	e.Bind(srv)
	if err := e.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("addr %s max %d\n", e.Addr(), e.MaxConns())
	_, _ = io.Copy(io.Discard, os.Stdin)
	select {
	case <-engineDone(e):
		fmt.Printf("engine stopped: %v\n", e.Wait())
		os.Exit(3)
	default:
	}
	fmt.Printf("alive refused %d\n", e.Refused())
	_ = e.Stop(context.Background())
}

func engineDone(e *loop.Engine) <-chan struct{} {
	ch := make(chan struct{})
	go func() { _ = e.Wait(); close(ch) }()
	time.Sleep(10 * time.Millisecond)
	return ch
}

// At its file limit, the server closes the connections past its cap right
// after accept (clean EOF, not a hang or a reset), logs that once, keeps
// the connections it admitted, and answers a fresh handshake once the
// extra connections are gone; gnet's engine would otherwise stop on the
// first EMFILE from accept(2).
func TestFileLimit(t *testing.T) {
	if os.Getenv(emfileChildEnv) == "1" {
		t.Skip("in the subprocess")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFileLimitChild$", "-test.v")
	cmd.Env = append(os.Environ(), emfileChildEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	out := bufio.NewScanner(stdout)
	var addr string
	var maxConns int
	for out.Scan() {
		if _, err := fmt.Sscanf(out.Text(), "addr %s max %d", &addr, &maxConns); err == nil {
			break
		}
	}
	if addr == "" {
		t.Fatalf("no address from the child; stderr:\n%s", stderr.String())
	}
	// The reserve is measured: the child's open files, the engine's own and
	// a margin of 32, far less than a share of the limit.
	if maxConns <= 0 || maxConns >= emfileLimit || emfileLimit-maxConns > 80 {
		t.Fatalf("cap %d with a file limit of %d: want a reserve of a few dozen descriptors", maxConns, emfileLimit)
	}
	t.Logf("cap %d connections under a file limit of %d", maxConns, emfileLimit)

	// Dial more than the child can hold, a few at a time: all connect (the
	// kernel completes the handshake), the server closes the extra ones.
	t0 := time.Now()
	conns := make([]net.Conn, emfileConns)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	errs := make(chan error, emfileConns)
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, err := net.DialTimeout("tcp", addr, 3*time.Second)
			if err != nil {
				errs <- err
				return
			}
			conns[i] = c
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("dial: %v", err)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()

	// Read every connection at once until a common deadline: the extra
	// ones see EOF, the admitted ones time out. (One after the other would
	// not do: past its deadline a Read fails without looking.)
	var open, eof int
	var mu sync.Mutex
	deadline := time.Now().Add(500 * time.Millisecond)
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(deadline)
			_, err := c.Read(make([]byte, 1))
			var ne net.Error
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, io.EOF):
				eof++
			case errors.As(err, &ne) && ne.Timeout():
				open++
			default:
				t.Errorf("extra connection not closed cleanly: %v", err)
			}
		}()
	}
	wg.Wait()
	if open != maxConns || eof != emfileConns-maxConns {
		t.Errorf("%d connections kept, %d closed; want %d and %d; child stderr:\n%s", open, eof, maxConns, emfileConns-maxConns, stderr.String())
	}

	t.Logf("%d dialed, %d kept, %d closed by the server in %v", emfileConns, open, eof, time.Since(t0).Round(time.Millisecond))
	// At the cap a newcomer is refused too, and the server keeps going.
	if got := handshake(addr); got != "" {
		t.Errorf("handshake at the cap answered %q", got)
	}
	for _, c := range conns {
		c.Close()
	}
	// Once the server has seen the closes, a fresh handshake works.
	var got string
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if got = handshake(addr); got != "" {
			break
		}
	}
	if !strings.HasPrefix(got, "HTTP/1.1 200 ") || !strings.Contains(got, `"sid":`) {
		t.Errorf("handshake after the extra connections closed: %q", got)
	}

	stdin.Close()
	rest, _ := io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s\nstderr:\n%s", err, rest, stderr.String())
	}
	var refused int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(rest)), "alive refused %d", &refused); err != nil || refused < emfileConns-maxConns+1 {
		t.Errorf("child said %q; want it alive, with at least %d refused", rest, emfileConns-maxConns+1)
	}
	// The refusals came in one burst: one log line, well within the interval.
	if n := strings.Count(stderr.String(), "connections refused at the connection limit"); n != 1 {
		t.Errorf("%d refusal log lines, want 1:\n%s", n, stderr.String())
	}
	if strings.Contains(stderr.String(), "Accept() failed") {
		t.Errorf("accept failed:\n%s", stderr.String())
	}
}

// handshake opens an Engine.IO polling session and returns the response,
// or "" when the server closed the connection without one.
func handshake(addr string) string {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return ""
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	b, _ := io.ReadAll(c)
	return string(b)
}
