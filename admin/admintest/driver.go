// Package admintest plays the Socket.IO Admin UI, and the clients it
// watches, with socket.io-client 4.8 in Node (interop/node/admin-client.js
// of the repository), for the tests of the admin module and of clusters
// instrumented with it. It is test support: its functions fail the test
// they are given.
package admintest

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

// Within is the deadline of every wait: generous, for loaded machines.
const Within = 20 * time.Second

// Obs is one JSON line the driver printed: {"event":"connect","who","id"},
// {"event":"connect_error","who","message"}, {"event":"disconnect","who",
// "reason"}, {"event":"upgrade","who","transport"}, or
// {"event":"message","who","name","args"} for an event a socket received.
type Obs map[string]any

// Str is field k as a string.
func (o Obs) Str(k string) string { s, _ := o[k].(string); return s }

// Args are a message's arguments.
func (o Obs) Args() []any { a, _ := o["args"].([]any); return a }

// Arg decodes argument i of a message into v, through JSON.
func (o Obs) Arg(i int, v any) error {
	a := o.Args()
	if i >= len(a) {
		return fmt.Errorf("message %q has %d arguments", o.Str("name"), len(a))
	}
	b, err := json.Marshal(a[i])
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (o Obs) String() string { b, _ := json.Marshal(o); return string(b) }

// Driver is admin-client.js running beside the test: named sockets, one of
// them usually playing the UI.
type Driver struct {
	t     testing.TB
	stdin io.WriteCloser

	mu    sync.Mutex
	cond  *sync.Cond
	lines []Obs
	ended bool
}

// Start runs admin-client.js from nodeDir (the repository's interop/node,
// with its packages installed: npm ci). Where node or the packages are
// missing the test is skipped, but under CI (CI set), where it fails. The
// driver stops when the test ends.
func Start(t testing.TB, nodeDir string) *Driver {
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
	d := &Driver{t: t, stdin: stdin}
	d.cond = sync.NewCond(&d.mu)
	go d.read(stdout)
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

func (d *Driver) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var o Obs
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			o = Obs{"event": "unparsed", "line": sc.Text()}
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
}

// Do sends one command (see admin-client.js).
func (d *Driver) Do(cmd map[string]any) {
	d.t.Helper()
	b, err := json.Marshal(cmd)
	if err != nil {
		d.t.Fatal(err)
	}
	if _, err := d.stdin.Write(append(b, '\n')); err != nil {
		d.t.Fatalf("driver: %v", err)
	}
}

// Connect opens socket who to url (base URL and namespace), with io()'s
// options (auth, transports, query); forceNew, no reconnection.
func (d *Driver) Connect(who, url string, opts map[string]any) {
	d.Do(map[string]any{"op": "connect", "who": who, "url": url, "opts": opts})
}

// Emit has socket who emit args (the event's name first).
func (d *Driver) Emit(who string, args ...any) {
	d.Do(map[string]any{"op": "emit", "who": who, "args": args})
}

// Close disconnects socket who.
func (d *Driver) Close(who string) { d.Do(map[string]any{"op": "close", "who": who}) }

// Wait returns the first line from index from on that match accepts, and
// the index after it; it fails the test after Within.
func (d *Driver) Wait(from int, what string, match func(Obs) bool) (Obs, int) {
	d.t.Helper()
	deadline := time.Now().Add(Within)
	timer := time.AfterFunc(Within, func() {
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
			d.t.Fatalf("no %s within %v; seen since:\n%s", what, Within, dump.String())
		}
		d.cond.Wait()
	}
}

// Message waits for the event name received by who that match accepts
// (nil: any).
func (d *Driver) Message(from int, who, name string, match func(Obs) bool) (Obs, int) {
	d.t.Helper()
	return d.Wait(from, fmt.Sprintf("%q to %s", name, who), func(o Obs) bool {
		return o.Str("event") == "message" && o.Str("who") == who && o.Str("name") == name && (match == nil || match(o))
	})
}

// Event waits for a socket event of who: connect, connect_error,
// disconnect, upgrade.
func (d *Driver) Event(from int, who, ev string) (Obs, int) {
	d.t.Helper()
	return d.Wait(from, fmt.Sprintf("%s of %s", ev, who), func(o Obs) bool {
		return o.Str("event") == ev && o.Str("who") == who
	})
}

// Mark is the index of the next line: waits from it see what comes after.
func (d *Driver) Mark() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.lines)
}

// Since returns the lines from index from on.
func (d *Driver) Since(from int) []Obs {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Obs(nil), d.lines[min(from, len(d.lines)):]...)
}

// WaitUntil polls cond until it holds or Within passes.
func WaitUntil(cond func() bool) bool {
	deadline := time.Now().Add(Within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
