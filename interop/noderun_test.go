package interop_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Running the Node.js scripts of interop/node: to the end (runScript,
// collecting the JSON lines they print), or beside the test (startNode,
// reading their lines as they come).

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
	return runScriptEnv(t, timeout, nil, script, args...)
}

// runScriptEnv is runScript with extra environment variables (NAME=value).
func runScriptEnv(t testing.TB, timeout time.Duration, env []string, script string, args ...string) *nodeRun {
	t.Helper()
	node := requireNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	cmd.Dir = nodeDir
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
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
	withEnv := ""
	if len(env) > 0 {
		withEnv = fmt.Sprintf(" (env %v)", env)
	}
	t.Logf("node %s %s%s: %v in %v\n%s", script, strings.Join(args, " "), withEnv, err, time.Since(start).Round(time.Millisecond), r.dump())
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

// startNode starts `node <script> args...` in interop/node beside the test,
// with extra environment variables (NAME=value), and returns a reader of
// its JSON lines. When the test ends its stdin is closed (the Node servers
// here exit then), the process killed and waited for, and its stderr
// logged.
func startNode(t testing.TB, env []string, script string, args ...string) *lineReader {
	t.Helper()
	node := requireNode(t)
	cmd := exec.Command(node, append([]string{script}, args...)...)
	cmd.Dir = nodeDir
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.WaitDelay = 2 * time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder // read once the process has ended
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", script, err)
	}
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if s := stderr.String(); s != "" {
			t.Logf("%s stderr: %s", script, s)
		}
	})
	return newLineReader(stdout)
}

// startNodeServer starts a Node.js server script (refserver.js,
// msgpack-server.js) with startNode and returns the line it prints once it
// listens, {"event":"listening",...}; it is stopped when the test ends.
func startNodeServer(t testing.TB, script string, args ...string) obs {
	t.Helper()
	lr := startNode(t, nil, script, args...)
	var seen []obs
	l, err := lr.waitEvent("listening", 20*time.Second, &seen)
	if err != nil {
		t.Fatalf("%s did not start: %v; its output: %v", script, err, seen) // its stderr follows
	}
	go func() { // the rest of its output is not read
		for range lr.lines {
		}
	}()
	return l
}
