// Package redistest runs a real redis-server for tests: one process per
// Start, on a free loopback port, without persistence, in the test's
// temporary directory, stopped when the test ends. Fault tests kill it hard
// and start it again on the same port (Restart), and Monitor records the
// commands it executes so that a test can count the publishes a broadcast
// costs.
//
// Where redis-server is not installed the tests that need it skip, except
// when the environment variable CI is set: there they fail, so that a CI
// machine without Redis cannot pass by skipping.
package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/internal/redisserver"
)

// startTimeout bounds how long a redis-server may take to say it is ready.
// Generous: the test machine is small and shared.
const startTimeout = 30 * time.Second

// readyLine is what redis-server 7 logs once it accepts connections.
const readyLine = "Ready to accept connections"

// Server is one redis-server process bound to 127.0.0.1:Port.
type Server struct {
	path string // the redis-server binary
	dir  string // working directory and log file's home
	port int
	args []string // extra redis-server arguments (cluster mode)

	mu   sync.Mutex
	proc *process // nil while killed
}

// process is one run of redis-server; exited is closed once it has been
// waited for.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // Wait's result, set before exited closes
}

// Binary returns the path of redis-server, or "" where it is not installed.
func Binary() string { return redisserver.Binary() }

// Require returns the path of redis-server. Where it is missing the test is
// skipped, or failed when the environment variable CI is set.
func Require(t testing.TB) string {
	t.Helper()
	p := Binary()
	if p == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("redistest: redis-server is not installed (CI is set, so this fails instead of skipping)")
		}
		t.Skip("redistest: redis-server is not installed")
	}
	return p
}

// Start runs a redis-server on a free loopback port and stops it when the
// test ends. It returns once the server accepts connections.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, nil)
}

// start runs redis-server with the extra arguments args (which may name
// files in dir).
func start(t testing.TB, args func(dir string) []string) *Server {
	t.Helper()
	s := &Server{path: Require(t), dir: t.TempDir()}
	if args != nil {
		s.args = args(s.dir)
	}
	t.Cleanup(func() { s.stop() })
	// Another process may take the free port between the probe and
	// redis-server's bind; try a few ports before giving up.
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := redisserver.FreePort()
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		s.port = port
		if lastErr = s.launch(); lastErr == nil {
			return s
		}
	}
	t.Fatalf("redistest: starting redis-server: %v", lastErr)
	return nil
}

// Addr is the server's host:port, for redis.Options.Addr and for Node's
// redis clients (redis://Addr).
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL is the server's address as a redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr() }

// Port is the server's TCP port.
func (s *Server) Port() int { return s.port }

// Client returns a go-redis client of this server, closed when the test ends.
// It reconnects by itself after a Restart.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	t.Cleanup(func() { _ = c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("redistest: PING %s: %v", s.Addr(), err)
	}
	return c
}

// Kill stops the server with SIGKILL, as a crash would, and waits until the
// process is gone. Every client connection drops. Killing a killed server
// does nothing.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	if err := s.stop(); err != nil {
		t.Fatalf("redistest: killing redis-server: %v", err)
	}
}

// Restart kills the server hard (if it runs) and starts it again on the same
// port, empty: no persistence, so no keys or streams survive. It returns once
// the new process accepts connections.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Kill(t)
	if err := s.launch(); err != nil {
		t.Fatalf("redistest: restarting redis-server on port %d: %v", s.port, err)
	}
}

// Running reports whether the server process is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil
}

// launch starts redis-server on s.port and waits for its ready line.
func (s *Server) launch() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("already running")
	}
	cmd := exec.Command(s.path, append(redisserver.Args(s.port, s.dir, ""), s.args...)...)
	cmd.Dir = s.dir
	setParentDeathSignal(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("stdout pipe: %w", err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("exec %s: %w", s.path, err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}

	// The log goes to a file in the test's directory; the ready line is
	// looked for on the way.
	logFile, err := os.OpenFile(filepath.Join(s.dir, "redis.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return fmt.Errorf("log file: %w", err)
	}
	ready := make(chan struct{})
	var tail strings.Builder // the first lines, for the error when it never gets ready
	go func() {
		defer logFile.Close()
		sc := bufio.NewScanner(out)
		seen := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logFile, line)
			if seen {
				continue
			}
			if tail.Len() < 4096 {
				tail.WriteString(line + "\n")
			}
			if strings.Contains(line, readyLine) {
				seen = true
				close(ready)
			}
		}
		_, _ = io.Copy(io.Discard, out)
		p.err = cmd.Wait()
		close(p.exited)
	}()

	select {
	case <-ready:
		s.proc = p
		return nil
	case <-p.exited:
		return fmt.Errorf("redis-server exited before it was ready (%v):\n%s", p.err, tail.String())
	case <-time.After(startTimeout):
		_ = cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("redis-server not ready after %v:\n%s", startTimeout, tail.String())
	}
}

// stop kills the process and waits for it; a stopped server stays stopped.
func (s *Server) stop() error {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(startTimeout):
		return errors.New("redis-server did not exit after SIGKILL")
	}
}
