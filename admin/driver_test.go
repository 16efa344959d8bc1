package admin

import (
	"bufio"
	"bytes"
	"context"
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

	"github.com/tornadio/tornadio"
)

// nodeDir holds the Node scripts and packages (npm ci there).
var nodeDir = filepath.Join("..", "interop", "node")

// within is the generous deadline of every wait: the machine may be loaded.
const within = 20 * time.Second

// requireNode skips the test when node or the Node packages are missing,
// but under CI, where that fails it.
func requireNode(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(nodeDir, "node_modules", "socket.io-client"))
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node and interop/node's packages are needed: %v", err)
		}
		t.Skipf("node or interop/node's packages missing: %v", err)
	}
	return node
}

// obs is one JSON line a driver printed.
type obs map[string]any

func (o obs) str(k string) string { s, _ := o[k].(string); return s }

// args is a message's arguments.
func (o obs) args() []any { a, _ := o["args"].([]any); return a }

// arg decodes argument i of a message into v, through JSON.
func (o obs) arg(i int, v any) error {
	a := o.args()
	if i >= len(a) {
		return fmt.Errorf("message %q has %d arguments", o.str("name"), len(a))
	}
	b, _ := json.Marshal(a[i])
	return json.Unmarshal(b, v)
}

func (o obs) String() string { b, _ := json.Marshal(o); return string(b) }

// driver is interop/node/admin-client.js running beside the test: sockets
// of socket.io-client 4.8 in Node, one playing the UI.
type driver struct {
	t     testing.TB
	stdin io.WriteCloser

	mu    sync.Mutex
	cond  *sync.Cond
	lines []obs
	ended bool
}

func startDriver(t testing.TB) *driver {
	t.Helper()
	node := requireNode(t)
	cmd := exec.Command(node, "admin-client.js")
	cmd.Dir = nodeDir
	cmd.WaitDelay = 2 * time.Second
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
		t.Fatalf("start admin-client.js: %v", err)
	}
	d := &driver{t: t, stdin: stdin}
	d.cond = sync.NewCond(&d.mu)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var o obs
			if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
				o = obs{"event": "unparsed", "line": sc.Text()}
			}
			d.mu.Lock()
			d.lines = append(d.lines, o)
			d.cond.Broadcast()
			d.mu.Unlock()
		}
		d.mu.Lock()
		d.ended = true
		d.cond.Broadcast()
		d.mu.Unlock()
	}()
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if s := stderr.String(); s != "" {
			t.Logf("admin-client.js stderr: %s", s)
		}
	})
	return d
}

// do sends one command.
func (d *driver) do(cmd map[string]any) {
	d.t.Helper()
	b, _ := json.Marshal(cmd)
	if _, err := d.stdin.Write(append(b, '\n')); err != nil {
		d.t.Fatalf("driver: %v", err)
	}
}

func (d *driver) connect(who, url string, opts map[string]any) {
	d.do(map[string]any{"op": "connect", "who": who, "url": url, "opts": opts})
}

func (d *driver) emit(who string, args ...any) {
	d.do(map[string]any{"op": "emit", "who": who, "args": args})
}

// wait returns the first line from index from on that match accepts, and
// the index after it; it fails the test after within.
func (d *driver) wait(from int, what string, match func(obs) bool) (obs, int) {
	d.t.Helper()
	deadline := time.Now().Add(within)
	timer := time.AfterFunc(within, func() {
		d.mu.Lock()
		d.cond.Broadcast()
		d.mu.Unlock()
	})
	defer timer.Stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := from; ; {
		for ; i < len(d.lines); i++ {
			if match(d.lines[i]) {
				return d.lines[i], i + 1
			}
		}
		if d.ended || time.Now().After(deadline) {
			var dump strings.Builder
			for _, l := range d.lines[min(from, len(d.lines)):] {
				dump.WriteString(l.String() + "\n")
			}
			d.t.Fatalf("no %s within %v; seen since:\n%s", what, within, dump.String())
		}
		d.cond.Wait()
	}
}

// message waits for the event name received by who.
func (d *driver) message(from int, who, name string, match func(obs) bool) (obs, int) {
	d.t.Helper()
	return d.wait(from, fmt.Sprintf("%q to %s", name, who), func(o obs) bool {
		return o.str("event") == "message" && o.str("who") == who && o.str("name") == name && (match == nil || match(o))
	})
}

// event waits for a socket event (connect, connect_error, disconnect,
// upgrade) of who.
func (d *driver) event(from int, who, ev string) (obs, int) {
	d.t.Helper()
	return d.wait(from, fmt.Sprintf("%s of %s", ev, who), func(o obs) bool {
		return o.str("event") == ev && o.str("who") == who
	})
}

// mark is the index of the next line: waits from it see what comes after.
func (d *driver) mark() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.lines)
}

// since returns the lines from index from on.
func (d *driver) since(from int) []obs {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]obs(nil), d.lines[min(from, len(d.lines)):]...)
}

// startServer starts srv on a free loopback port and shuts it down when
// the test ends; it returns its base URL.
func startServer(t testing.TB, srv *tornadio.Server) string {
	t.Helper()
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return "http://" + srv.Addr()
}

// withStatsEvery sends server_stats more often, for tests.
func withStatsEvery(d time.Duration) Option {
	return func(c *config) { c.statsEvery = d }
}

// waitUntil polls cond until it holds or within passes.
func waitUntil(cond func() bool) bool {
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
