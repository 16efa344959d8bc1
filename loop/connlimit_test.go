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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tornadio/tornadio/loop"
	"github.com/tornadio/tornadio/transports"
)

// fileLimitChildEnv makes the test binary run TestFileLimitChild: a server
// whose RLIMIT_NOFILE is the variable's value.
const (
	fileLimitChildEnv = "TORNADIO_LOOP_FILE_LIMIT_CHILD"
	// fileLimitEnv sets the child's file limit for TestFileLimit (1000 by
	// default, to stay quick).
	fileLimitEnv   = "TORNADIO_LOOP_FILE_LIMIT"
	fileLimitExtra = 200 // clients dialed past the child's file limit
)

// TestFileLimitChild is the server side of TestFileLimit; it runs only in
// the subprocess. It lowers its file limit, serves with two loops, prints
// its address, and obeys the lines of its stdin: "stat" prints its
// counts, "fill" opens files until no descriptor is left (as another part
// of a program might), "unfill" closes them. When stdin closes it reports
// whether the engine still runs.
func TestFileLimitChild(t *testing.T) {
	limit, _ := strconv.Atoi(os.Getenv(fileLimitChildEnv))
	if limit <= 0 {
		t.Skip("subprocess of TestFileLimit")
	}
	rl := syscall.Rlimit{Cur: uint64(limit), Max: uint64(limit)}
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
	fmt.Printf("addr %s\n", e.Addr())
	in := bufio.NewScanner(os.Stdin)
	var filler []*os.File
	for in.Scan() {
		switch in.Text() {
		case "stat":
			fmt.Printf("open %d refused %d fds %d\n", e.OpenConns(), e.Refused(), openFiles())
		case "fill":
			for {
				f, err := os.Open(os.DevNull)
				if err != nil {
					break
				}
				filler = append(filler, f)
			}
			fmt.Printf("filled %d\n", len(filler))
		case "unfill":
			for _, f := range filler {
				f.Close()
			}
			filler = nil
		}
	}
	select {
	case <-engineDone(e):
		fmt.Printf("engine stopped: %v\n", e.Wait())
		os.Exit(3)
	default:
	}
	fmt.Printf("alive\n")
	_ = e.Stop(context.Background())
}

// openFiles counts the process's open descriptors; -1 when it cannot
// (no descriptor left to read the list with).
func openFiles() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents) - 1 // the directory being read
}

func engineDone(e *loop.Engine) <-chan struct{} {
	ch := make(chan struct{})
	go func() { _ = e.Wait(); close(ch) }()
	time.Sleep(10 * time.Millisecond)
	return ch
}

// fileLimitChild runs TestFileLimitChild with the given file limit.
type fileLimitChild struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Scanner
	stderr lockedLog
	addr   string
}

func startFileLimitChild(t *testing.T, limit int) *fileLimitChild {
	t.Helper()
	ch := &fileLimitChild{cmd: exec.Command(os.Args[0], "-test.run=^TestFileLimitChild$", "-test.v")}
	ch.cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", fileLimitChildEnv, limit))
	var err error
	if ch.stdin, err = ch.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := ch.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	ch.cmd.Stderr = &ch.stderr
	if err := ch.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.cmd.Process.Kill() })
	ch.out = bufio.NewScanner(stdout)
	for ch.out.Scan() {
		if _, err := fmt.Sscanf(ch.out.Text(), "addr %s", &ch.addr); err == nil {
			return ch
		}
	}
	t.Fatalf("no address from the child; stderr:\n%s", ch.stderr.String())
	return nil
}

// fill has the child take every descriptor left, and returns how many.
func (ch *fileLimitChild) fill(t *testing.T) int {
	t.Helper()
	if _, err := io.WriteString(ch.stdin, "fill\n"); err != nil {
		t.Fatal(err)
	}
	for ch.out.Scan() {
		var n int
		if _, err := fmt.Sscanf(ch.out.Text(), "filled %d", &n); err == nil {
			return n
		}
	}
	t.Fatalf("no answer to fill from the child; stderr:\n%s", ch.stderr.String())
	return 0
}

// stat asks the child for its open connections, refusals and descriptors.
func (ch *fileLimitChild) stat(t *testing.T) (open, refused, fds int) {
	t.Helper()
	if _, err := io.WriteString(ch.stdin, "stat\n"); err != nil {
		t.Fatal(err)
	}
	for ch.out.Scan() {
		if _, err := fmt.Sscanf(ch.out.Text(), "open %d refused %d fds %d", &open, &refused, &fds); err == nil {
			return open, refused, fds
		}
	}
	t.Fatalf("no stat from the child; stderr:\n%s", ch.stderr.String())
	return
}

// fate is what became of a client: answered (held by the server),
// refused (closed by it) or waiting (no answer before the deadline).
type fate int

const (
	answered fate = iota
	refused
	waiting
)

// pollingClient connects and asks for an Engine.IO handshake, keeping the
// connection open; it reports whether the server answered.
func pollingClient(addr string, within time.Duration) (net.Conn, fate) {
	c, err := net.DialTimeout("tcp", addr, within)
	if err != nil {
		return nil, refused
	}
	_ = c.SetDeadline(time.Now().Add(within))
	_, _ = io.WriteString(c, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n")
	line, err := bufio.NewReader(c).ReadString('\n')
	_ = c.SetDeadline(time.Time{})
	var ne net.Error
	switch {
	case err == nil && strings.HasPrefix(line, "HTTP/1.1 200 "):
		return c, answered
	case errors.As(err, &ne) && ne.Timeout():
		return c, waiting
	}
	c.Close()
	return nil, refused
}

// At its file limit the server holds every client the limit has room for,
// refuses the others (the end of the stream, at once) or keeps them
// waiting, keeps running, and takes new clients again once some close.
// gnet's engine would stop on the first EMFILE from its accept(2), so the
// engine used to stop short of the limit by a sixty-fourth of it.
func TestFileLimit(t *testing.T) {
	if os.Getenv(fileLimitChildEnv) != "" {
		t.Skip("in the subprocess")
	}
	limit := 1000
	if v, err := strconv.Atoi(os.Getenv(fileLimitEnv)); err == nil && v > 0 {
		limit = v
	}
	ch := startFileLimitChild(t, limit)

	t0 := time.Now()
	n := limit + fileLimitExtra
	conns := make([]net.Conn, n)
	fates := make([]fate, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			conns[i], fates[i] = pollingClient(ch.addr, 3*time.Second)
		}()
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	})
	var count [3]int
	for _, f := range fates {
		count[f]++
	}
	open, refusedByServer, fds := ch.stat(t)
	t.Logf("file limit %d: %d clients, %d held, %d refused, %d waiting, in %v; the server counts %d open, %d refused, %d descriptors",
		limit, n, count[answered], count[refused], count[waiting], time.Since(t0).Round(time.Millisecond), open, refusedByServer, fds)
	if count[answered] != open {
		t.Errorf("%d clients answered, the server holds %d", count[answered], open)
	}
	// Every descriptor the limit allows is in use but the one or two a
	// refusal frees for a moment (-1: not even one to list them with).
	if fds != -1 && fds < limit-2 {
		t.Errorf("the server holds %d descriptors of %d: it stopped short of its file limit", fds, limit)
	}
	if count[refused] == 0 || refusedByServer == 0 {
		t.Errorf("nobody refused (%d clients closed, %d refusals counted) %d past the limit", count[refused], refusedByServer, fileLimitExtra)
	}

	// At the limit a newcomer is refused or waits, and the server keeps
	// going; once some clients have gone, newcomers are answered.
	if c, f := pollingClient(ch.addr, time.Second); f == answered {
		t.Errorf("a newcomer at the limit was answered")
		c.Close()
	} else if c != nil {
		c.Close()
	}
	closed := 0
	for i, c := range conns {
		if fates[i] == answered && closed < 50 {
			c.Close()
			conns[i] = nil
			closed++
		}
	}
	got := 0
	for end := time.Now().Add(10 * time.Second); got < 20 && time.Now().Before(end); {
		c, f := pollingClient(ch.addr, 3*time.Second)
		if f == answered {
			conns = append(conns, c)
			got++
			continue
		}
		if c != nil {
			c.Close()
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got < 20 {
		t.Errorf("after %d clients left, %d newcomers answered, want 20", closed, got)
	}

	// With no descriptor left for accept(2) itself (another part of the
	// program took them), a newcomer waits in the listen queue while the
	// engine pauses, and is answered once descriptors are free again.
	if n := ch.fill(t); n == 0 {
		t.Logf("no descriptor was left to fill")
	}
	answer := make(chan fate, 1)
	go func() {
		c, f := pollingClient(ch.addr, 10*time.Second)
		if c != nil {
			defer c.Close()
		}
		answer <- f
	}()
	for end := time.Now().Add(5 * time.Second); !strings.Contains(ch.stderr.String(), "accepting paused at the file limit"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the engine did not pause at the file limit; stderr:\n%s", ch.stderr.String())
		}
	}
	if _, err := io.WriteString(ch.stdin, "unfill\n"); err != nil {
		t.Fatal(err)
	}
	if f := <-answer; f != answered {
		t.Errorf("the client that waited for a descriptor: %v, want answered", f)
	}

	ch.stdin.Close()
	rest, _ := io.ReadAll(scannerRest(ch.out))
	if err := ch.cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s\nstderr:\n%s", err, rest, ch.stderr.String())
	}
	if !strings.Contains(string(rest), "alive") {
		t.Errorf("child said %q; want it alive", rest)
	}
	if s := ch.stderr.String(); strings.Contains(s, "Accept() failed") || strings.Contains(s, "shutdown with error") {
		t.Errorf("gnet failed:\n%s", s)
	}
}

// scannerRest reads what is left of s's input, line by line.
func scannerRest(s *bufio.Scanner) io.Reader {
	var b strings.Builder
	for s.Scan() {
		b.WriteString(s.Text())
		b.WriteByte('\n')
	}
	return strings.NewReader(b.String())
}

// Past MaxConns a connection is closed right after accept (a clean end of
// stream), counted, and logged once for the burst; the ones admitted stay.
func TestMaxConnsRefuses(t *testing.T) {
	var logs lockedLog
	e := loop.New(loop.Options{Loops: 2, MaxConns: 3, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	srv := transports.NewServer(transports.Config{Polling: true}, nopApp{}, e, e.Loops())
	e.Bind(srv)
	if err := e.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())
	var count [3]int
	for range 5 {
		c, f := pollingClient(e.Addr().String(), 5*time.Second)
		if c != nil {
			defer c.Close()
		}
		count[f]++
	}
	if count[answered] != 3 || count[refused] != 2 || e.Refused() != 2 || e.OpenConns() != 3 {
		t.Fatalf("%d answered, %d refused, %d waiting; the engine counts %d open, %d refused; want 3 and 2",
			count[answered], count[refused], count[waiting], e.OpenConns(), e.Refused())
	}
	if n := strings.Count(logs.String(), "connections refused at the"); n != 1 {
		t.Errorf("%d refusal log lines, want 1:\n%s", n, logs.String())
	}
}

// lockedLog is a log sink safe for the acceptors' goroutines.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
