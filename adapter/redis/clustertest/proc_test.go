package clustertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Deadlines. Generous: the machine is small and shared, and none of them is
// a synchronisation point (tests wait for events, these only bound the wait).
const (
	answerTimeout = 30 * time.Second // one command's answer
	eventTimeout  = 30 * time.Second // an awaited report
	startTimeout  = 60 * time.Second // a process's ready report
)

// Report is one line a process reported on its own (not an answer): a
// connection, a received event, a server-side emit, ...; the fields present
// depend on Event (see interop/node/cluster-*.js).
type Report struct {
	Event     string            `json:"event"`
	Client    string            `json:"client,omitempty"`
	Sid       string            `json:"sid,omitempty"`
	Nsp       string            `json:"nsp,omitempty"`
	Name      string            `json:"name,omitempty"`
	Args      []json.RawMessage `json:"args,omitempty"`
	WithAck   bool              `json:"withAck,omitempty"`
	Reason    string            `json:"reason,omitempty"`
	Recovered bool              `json:"recovered,omitempty"`
	Transport string            `json:"transport,omitempty"`
	Message   string            `json:"message,omitempty"`
	Port      int               `json:"port,omitempty"`
}

// Reports is the ordered log of what one process (or one tornadio node)
// observed, with waiting on it. Safe for concurrent use.
type Reports struct {
	mu      sync.Mutex
	list    []Report
	changed chan struct{} // closed and replaced on every Add and on Close
	closed  error         // set when the source ended
}

func newReports() *Reports { return &Reports{changed: make(chan struct{})} }

// Add appends a report and wakes the waiters.
func (r *Reports) Add(rep Report) {
	r.mu.Lock()
	r.list = append(r.list, rep)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// Close marks the log ended (its process exited): waiters fail at once.
func (r *Reports) Close(err error) {
	r.mu.Lock()
	if r.closed == nil {
		r.closed = err
		close(r.changed)
		r.changed = make(chan struct{})
	}
	r.mu.Unlock()
}

// Count is the number of reports matching pred.
func (r *Reports) Count(pred func(Report) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, rep := range r.list {
		if pred(rep) {
			n++
		}
	}
	return n
}

// Matching returns the reports matching pred, in order.
func (r *Reports) Matching(pred func(Report) bool) []Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Report
	for _, rep := range r.list {
		if pred(rep) {
			out = append(out, rep)
		}
	}
	return out
}

// WaitCount waits until at least n reports match pred and returns the
// matching ones; the test fails after eventTimeout or if the source ends.
func (r *Reports) WaitCount(t testing.TB, what string, n int, pred func(Report) bool) []Report {
	t.Helper()
	deadline := time.NewTimer(eventTimeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		var got []Report
		for _, rep := range r.list {
			if pred(rep) {
				got = append(got, rep)
			}
		}
		closed, changed := r.closed, r.changed
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if closed != nil {
			t.Fatalf("waiting for %s (%d of %d seen): the process ended: %v", what, len(got), n, closed)
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("waiting for %s: %d of %d seen after %v", what, len(got), n, eventTimeout)
		}
	}
}

// answer is a process's reply to one command.
type answer struct {
	ID     int             `json:"id"`
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
}

// lineProc is a Node process speaking interop/node/cluster-lines.js's
// protocol: commands with ids on stdin, answers and reports on stdout.
type lineProc struct {
	name    string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	reports *Reports
	stderr  *tailBuffer

	mu      sync.Mutex
	nextID  int
	pending map[int]chan answer
	exited  chan struct{}
}

// startLineProc runs `node <script> args...` from interop/node and waits for
// its ready report, which it returns. The process is ended (stdin closed,
// then killed) when the test ends.
func startLineProc(t testing.TB, name, script string, args ...string) (*lineProc, Report) {
	t.Helper()
	dir := nodeDir(t)
	cmd := exec.Command(nodeBinary(t), append([]string{filepath.Join(dir, script)}, args...)...)
	cmd.Dir = dir
	p := &lineProc{
		name:    name,
		cmd:     cmd,
		reports: newReports(),
		stderr:  &tailBuffer{max: 16 << 10},
		pending: map[int]chan answer{},
		exited:  make(chan struct{}),
	}
	cmd.Stderr = p.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatalf("%s: stdin: %v", name, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("%s: stdout: %v", name, err)
	}
	p.stdin = stdin
	setParentDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: starting node %s: %v", name, script, err)
	}
	go p.read(stdout)
	t.Cleanup(func() { p.stop(t) })

	ready := p.reports.WaitCount(t, name+" ready", 1, func(r Report) bool { return r.Event == "ready" || r.Event == "fatal" })
	if ready[0].Event == "fatal" {
		t.Fatalf("%s: %s failed to start: %s\nstderr:\n%s", name, script, ready[0].Message, p.stderr)
	}
	return p, ready[0]
}

// read dispatches stdout lines: answers to their waiting command, the rest
// to the reports.
func (p *lineProc) read(stdout io.Reader) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var probe struct {
			ID    *int   `json:"id"`
			Event string `json:"event"`
		}
		if err := json.Unmarshal(line, &probe); err != nil {
			p.reports.Add(Report{Event: "garbage", Message: string(line)})
			continue
		}
		if probe.ID != nil {
			var a answer
			_ = json.Unmarshal(line, &a)
			p.mu.Lock()
			ch := p.pending[a.ID]
			delete(p.pending, a.ID)
			p.mu.Unlock()
			if ch != nil {
				ch <- a
			}
			continue
		}
		var r Report
		_ = json.Unmarshal(line, &r)
		if r.Event == "fatal" {
			var f struct{ Where, Error string }
			_ = json.Unmarshal(line, &f)
			r.Message = f.Where + ": " + f.Error
		}
		p.reports.Add(r)
	}
	err := p.cmd.Wait()
	p.reports.Close(fmt.Errorf("%s exited (%v); stderr:\n%s", p.name, err, p.stderr))
	close(p.exited)
}

// Do sends one command and waits for its answer: the result, or an error
// with the process's message.
func (p *lineProc) Do(op Op) (json.RawMessage, error) {
	ch := make(chan answer, 1)
	// One line per write, under the lock: Do is safe from several
	// goroutines (a test can leave a request pending while it acts).
	p.mu.Lock()
	p.nextID++
	op.ID = p.nextID
	p.pending[op.ID] = ch
	line, err := json.Marshal(op)
	if err == nil {
		_, err = p.stdin.Write(append(line, '\n'))
	}
	p.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("%s: sending %s: %w", p.name, op.Op, err)
	}
	select {
	case a := <-ch:
		if !a.OK {
			return nil, fmt.Errorf("%s: %s: %s", p.name, op.Op, a.Error)
		}
		return a.Result, nil
	case <-p.exited:
		return nil, fmt.Errorf("%s: %s: the process exited; stderr:\n%s", p.name, op.Op, p.stderr)
	case <-time.After(answerTimeout):
		return nil, fmt.Errorf("%s: %s: no answer after %v", p.name, op.Op, answerTimeout)
	}
}

// stop closes stdin (the scripts exit on it) and kills the process if it is
// still there after a while.
func (p *lineProc) stop(t testing.TB) {
	_ = p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	if t.Failed() {
		t.Logf("%s stderr (tail):\n%s", p.name, p.stderr)
	}
}

// Kill ends the process hard, as a crash would.
func (p *lineProc) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// nodeDir is interop/node, with its modules installed; the test skips (or
// fails under CI) where node or the modules are missing.
func nodeDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "interop", "node"))
	if err != nil {
		t.Fatal(err)
	}
	for _, mod := range []string{"socket.io", "socket.io-client", "@socket.io/redis-adapter", "@socket.io/redis-streams-adapter", "@socket.io/redis-emitter", "redis"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", mod, "package.json")); err != nil {
			missing(t, fmt.Sprintf("%s is not installed in %s (make node-deps)", mod, dir))
		}
	}
	return dir
}

func nodeBinary(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node is not installed")
	}
	return p
}

// missing skips the test, or fails it when CI is set.
func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI is set, so this fails instead of skipping)", what)
	}
	t.Skip(what)
}

// quote makes a value readable in failure messages.
func quote(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(string(b))
}
