package interop_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// nodeDir holds package.json and the scripts; tests run in interop/.
const nodeDir = "node"

// inCI reports whether the CI environment variable is set: then a missing
// node or chromium is a failure, not a reason to skip.
func inCI() bool {
	_, ok := os.LookupEnv("CI")
	return ok
}

// requireNode returns the path of node, skipping the test outside CI when it
// is not installed (TestMain has checked the Node packages).
func requireNode(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if !inCI() {
			t.Skip("node is not installed (set CI=true to make this a failure)")
		}
		t.Fatalf("CI is set and node is not installed: %v", err)
	}
	return node
}

// obs is one JSON line printed by a Node.js script.
type obs map[string]any

func (o obs) str(key string) string {
	s, _ := o[key].(string)
	return s
}

func (o obs) num(key string) float64 {
	f, _ := o[key].(float64)
	return f
}

func (o obs) obj(key string) obs {
	m, _ := o[key].(map[string]any)
	return obs(m)
}

func (o obs) String() string {
	b, _ := json.Marshal(map[string]any(o))
	return string(b)
}

// nodeRun is the outcome of one Node.js process.
type nodeRun struct {
	lines  []obs
	stderr string
	err    error // from Wait: nil when the script exited 0
}

// all returns every line whose "event" is ev.
func (r *nodeRun) all(ev string) []obs {
	var out []obs
	for _, l := range r.lines {
		if l.str("event") == ev {
			out = append(out, l)
		}
	}
	return out
}

// first returns the first line whose "event" is ev, or nil.
func (r *nodeRun) first(ev string) obs {
	for _, l := range r.lines {
		if l.str("event") == ev {
			return l
		}
	}
	return nil
}

// failedChecks lists the script's own checks that did not pass.
func (r *nodeRun) failedChecks() []obs {
	var out []obs
	for _, l := range r.all("check") {
		if ok, _ := l["ok"].(bool); !ok {
			out = append(out, l)
		}
	}
	return out
}

func (r *nodeRun) dump() string {
	var b strings.Builder
	for _, l := range r.lines {
		b.WriteString("  ")
		b.WriteString(l.String())
		b.WriteByte('\n')
	}
	if r.stderr != "" {
		b.WriteString("  stderr: ")
		b.WriteString(strings.TrimSpace(r.stderr))
		b.WriteByte('\n')
	}
	return b.String()
}

// requireOK fails the test unless the script exited 0 with a passing "done".
func (r *nodeRun) requireOK(t testing.TB) {
	t.Helper()
	done := r.first("done")
	ok, _ := done["ok"].(bool)
	if r.err != nil || done == nil || !ok || len(r.failedChecks()) > 0 {
		t.Fatalf("node script failed (exit: %v); failed checks: %v\noutput:\n%s", r.err, r.failedChecks(), r.dump())
	}
}

func parseLine(line []byte) obs {
	var o obs
	if err := json.Unmarshal(line, &o); err != nil || o == nil {
		return obs{"event": "raw", "text": string(line)}
	}
	return o
}

// runScript runs `node <script> args...` in interop/node and collects its
// JSON lines. The process is killed after timeout.
func runScript(t testing.TB, timeout time.Duration, script string, args ...string) *nodeRun {
	t.Helper()
	node := requireNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	cmd.Dir = nodeDir
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	r := &nodeRun{stderr: stderr.String(), err: err}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			r.lines = append(r.lines, parseLine(sc.Bytes()))
		}
	}
	if ctx.Err() != nil {
		r.err = fmt.Errorf("killed after %v: %w", timeout, ctx.Err())
	}
	t.Logf("node %s %s: %v in %v\n%s", script, strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond), r.dump())
	return r
}

// runScenario runs scenario.js.
func runScenario(t testing.TB, scenario, url string, opts map[string]any) *nodeRun {
	t.Helper()
	if opts == nil {
		opts = map[string]any{}
	}
	if _, ok := opts["timeoutMs"]; !ok {
		opts["timeoutMs"] = 20000
	}
	raw, _ := json.Marshal(opts)
	limit := time.Duration(toFloat(opts["timeoutMs"]))*time.Millisecond + 10*time.Second
	return runScript(t, limit, "scenario.js", scenario, url, string(raw))
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// testLogger sends the server's log to t.Log until the test ends.
func testLogger(t testing.TB) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(w.close) // registered first, so it runs after the server's Shutdown
	level := slog.LevelWarn
	if os.Getenv("INTEROP_LOG") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

type testWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log("server: " + strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testWriter) close() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
}

// Short heartbeats: the tests see pings, and dead peers go quickly.
const (
	testPingInterval = 500 * time.Millisecond
	testPingTimeout  = 1500 * time.Millisecond
)

// startServer starts a server on a random loopback port with 4 event loops
// and short heartbeats; extra options come last and win. setup runs before
// Start. It returns the server and its base URL.
func startServer(t testing.TB, setup func(*tornadio.Server), extra ...tornadio.Option) (*tornadio.Server, string) {
	t.Helper()
	requireNode(t) // every server here is for a Node.js client: skip or fail first
	opts := append([]tornadio.Option{
		tornadio.WithEventLoops(4),
		tornadio.WithPingInterval(testPingInterval),
		tornadio.WithPingTimeout(testPingTimeout),
		tornadio.WithLogger(testLogger(t)),
	}, extra...)
	srv := tornadio.NewServer(opts...)
	if setup != nil {
		setup(srv)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { shutdown(t, srv) })
	return srv, "http://" + srv.Addr()
}

func shutdown(t testing.TB, srv *tornadio.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Errorf("Shutdown did not return within 15s")
	}
}

// discEvent is one OnDisconnect/OnClose call seen by the server.
type discEvent struct {
	id     string
	reason tornadio.DisconnectReason
	at     time.Time
}

type connInfo struct {
	at        time.Time
	transport string
}

type askAnswer struct {
	id      string
	answer  string
	doubled int
}

// recorder keeps what the server side observed.
type recorder struct {
	connCount atomic.Int64
	discCount atomic.Int64

	mu    sync.Mutex
	conns map[string]connInfo
	discs map[string][]discEvent

	discCh chan discEvent
	asks   chan askAnswer
}

func newRecorder() *recorder {
	return &recorder{
		conns:  map[string]connInfo{},
		discs:  map[string][]discEvent{},
		discCh: make(chan discEvent, 4096),
		asks:   make(chan askAnswer, 64),
	}
}

func (r *recorder) connected(s *tornadio.Socket) {
	r.mu.Lock()
	r.conns[s.ID()] = connInfo{at: time.Now(), transport: s.Transport()}
	r.mu.Unlock()
	r.connCount.Add(1)
}

func (r *recorder) disconnected(id string, reason tornadio.DisconnectReason) {
	ev := discEvent{id: id, reason: reason, at: time.Now()}
	r.mu.Lock()
	r.discs[id] = append(r.discs[id], ev)
	r.mu.Unlock()
	r.discCount.Add(1)
	select {
	case r.discCh <- ev:
	default:
	}
}

func (r *recorder) conn(id string) (connInfo, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.conns[id]
	return c, ok
}

func (r *recorder) disconnects(id string) []discEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]discEvent(nil), r.discs[id]...)
}

// waitDisconnect waits for the first disconnect of socket id.
func (r *recorder) waitDisconnect(t testing.TB, id string, within time.Duration) discEvent {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if d := r.disconnects(id); len(d) > 0 {
			return d[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("server saw no disconnect of socket %q within %v (connections seen: %v)", id, within, r.ids())
	return discEvent{}
}

// expectSingleDisconnect waits for socket id's disconnect, then makes sure no
// second one follows, and checks the reason.
func (r *recorder) expectSingleDisconnect(t testing.TB, id string, want tornadio.DisconnectReason) discEvent {
	t.Helper()
	ev := r.waitDisconnect(t, id, 5*time.Second)
	time.Sleep(500 * time.Millisecond)
	all := r.disconnects(id)
	if len(all) != 1 {
		t.Errorf("socket %s: OnDisconnect called %d times: %v", id, len(all), all)
	}
	if ev.reason != want {
		t.Errorf("socket %s: server-side disconnect reason = %q, want %q", id, ev.reason, want)
	}
	return ev
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for id := range r.conns {
		ids = append(ids, id)
	}
	return ids
}

// installTestNamespace wires the events every scenario of scenario.js uses
// on namespace "/".
func installTestNamespace(srv *tornadio.Server, rec *recorder) {
	ns := srv.Of("/")
	ns.OnConnection(func(s *tornadio.Socket) {
		rec.connected(s)
		id := s.ID()
		s.OnDisconnect(func(reason tornadio.DisconnectReason) { rec.disconnected(id, reason) })

		// echo answers the ack with what it got.
		s.On("echo", func(v any, ack tornadio.Ack) {
			if ack != nil {
				ack(v)
			}
		})
		// whoami tells the client how the server sees it.
		s.On("whoami", func(ack tornadio.Ack) {
			if ack != nil {
				ack(map[string]any{"id": s.ID(), "transport": s.Transport()})
			}
		})
		// ask-me makes the server emit "ask" with an ack callback; the
		// answer is recorded and sent back as "ask-result".
		s.On("ask-me", func(n int) {
			err := s.Emit("ask", "life", n, func(answer string, doubled int) {
				rec.asks <- askAnswer{id: id, answer: answer, doubled: doubled}
				_ = s.Emit("ask-result", map[string]any{"answer": answer, "doubled": doubled})
			})
			if err != nil {
				_ = s.Emit("ask-result", map[string]any{"error": err.Error()})
			}
		})
		// bin sends the bytes back both as the ack and as an event.
		s.On("bin", func(b []byte, ack tornadio.Ack) {
			if ack != nil {
				ack(b)
			}
			_ = s.Emit("bin-back", fmt.Sprintf("len:%d", len(b)), b)
		})
		// kick makes the server disconnect the socket.
		s.On("kick", func() {
			_ = s.Disconnect()
		})
		// burst emits "tick" (g, i) from several goroutines at once, then
		// "burst-done" once every Emit has returned.
		s.On("burst", func(spec burstSpec, ack tornadio.Ack) {
			if ack != nil {
				ack(true)
			}
			go func() {
				var wg sync.WaitGroup
				var errs atomic.Int64
				for g := range spec.Goroutines {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range spec.Count {
							if err := s.Emit("tick", g, i); err != nil {
								errs.Add(1)
							}
							if spec.PauseMs > 0 {
								time.Sleep(time.Duration(spec.PauseMs) * time.Millisecond)
							}
						}
					}()
				}
				wg.Wait()
				_ = s.Emit("burst-done", map[string]any{"errors": errs.Load(), "sent": spec.Goroutines * spec.Count})
			}()
		})
	})

	admin := srv.Of("/admin")
	admin.OnConnection(func(s *tornadio.Socket) {
		rec.connected(s)
		id := s.ID()
		s.OnDisconnect(func(reason tornadio.DisconnectReason) { rec.disconnected(id, reason) })
		s.On("whoami", func(ack tornadio.Ack) {
			if ack != nil {
				ack(map[string]any{"id": s.ID(), "nsp": "/admin", "transport": s.Transport()})
			}
		})
	})
}

type burstSpec struct {
	Goroutines int `json:"goroutines"`
	Count      int `json:"count"`
	PauseMs    int `json:"pauseMs"` // between two emits of one goroutine
}

// lineReader reads JSON lines from a running script.
type lineReader struct {
	lines chan obs
}

func newLineReader(r io.Reader) *lineReader {
	lr := &lineReader{lines: make(chan obs, 256)}
	go func() {
		defer close(lr.lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) > 0 {
				lr.lines <- parseLine(sc.Bytes())
			}
		}
	}()
	return lr
}

// waitEvent returns the next line whose event is ev, collecting the others.
func (lr *lineReader) waitEvent(ev string, within time.Duration, seen *[]obs) (obs, error) {
	timer := time.NewTimer(within)
	defer timer.Stop()
	for {
		select {
		case l, ok := <-lr.lines:
			if !ok {
				return nil, fmt.Errorf("script ended before %q", ev)
			}
			*seen = append(*seen, l)
			if l.str("event") == ev {
				return l, nil
			}
			if l.str("event") == "done" {
				return nil, fmt.Errorf("script finished before %q: %v", ev, l)
			}
		case <-timer.C:
			return nil, fmt.Errorf("no %q within %v", ev, within)
		}
	}
}

// fetched is FetchSockets' result, which on a single node never fails.
func fetched(list []*tornadio.RemoteSocket, err error) []*tornadio.RemoteSocket {
	if err != nil {
		panic(err)
	}
	return list
}
