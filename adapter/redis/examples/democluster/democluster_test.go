package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const chromiumPath = "/usr/bin/chromium"

// requireTools skips the test when a program it runs is missing, except
// under CI, where that is a failure.
func requireTools(t *testing.T) string {
	t.Helper()
	root, err := findRepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	missing := func(what string, err error) {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %s is missing: %v", what, err)
		}
		t.Skipf("%s is missing (%v); set CI=true to make this a failure", what, err)
	}
	for _, p := range [][2]string{{"redis-server", "/usr/bin/redis-server"}, {"nginx", "/usr/sbin/nginx"}, {"node", "/usr/bin/node"}} {
		if _, err := findBinary(p[0], p[1]); err != nil {
			missing(p[0], err)
		}
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing("Chromium", err)
	}
	if _, err := os.Stat(filepath.Join(root, "interop", "node", "node_modules", "playwright-core")); err != nil {
		missing("interop/node's npm packages (make node-deps)", err)
	}
	return root
}

// syncBuffer collects the children's output from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// browserLine is one observation of cluster-browser.js.
type browserLine struct {
	Event    string   `json:"event"`
	Round    string   `json:"round"`
	Page     string   `json:"page"`
	From     string   `json:"from"`
	Node     *string  `json:"node"`
	History  []string `json:"history"`
	OK       bool     `json:"ok"`
	Failures []string `json:"failures"`
}

// TestClusterChatInChromium starts the demo as `make demo-cluster` does and
// opens one Chromium window on each node (picked by its sticky key), in
// three rounds: the page's default transports (polling, then the upgrade to
// websocket through nginx), polling only and websocket only. In each round
// every window sends a message, and every window must show it, naming the
// sender's node: the two tornadio nodes and the Node node exchange the chat
// through Redis.
func TestClusterChatInChromium(t *testing.T) {
	root := requireTools(t)
	logs := &syncBuffer{}
	c, err := startCluster(config{Listen: "127.0.0.1:0", RepoRoot: root, Log: logs})
	if err != nil {
		t.Fatalf("starting the cluster: %v\n%s", err, logs)
	}
	t.Cleanup(func() {
		if err := c.close(); err != nil {
			t.Errorf("stopping the cluster: %v", err)
		}
		if t.Failed() {
			t.Logf("cluster output:\n%s", logs)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	keys, err := c.stickyKeys(ctx)
	cancel()
	if err != nil {
		t.Fatalf("sticky keys: %v", err)
	}

	type window struct {
		Sticky string `json:"sticky"`
		Node   string `json:"node"`
	}
	var windows []window
	nodeOf := map[string]string{} // window name -> node
	for i, n := range c.Nodes {
		windows = append(windows, window{Sticky: keys[n.Name], Node: n.Name})
		nodeOf["window"+string(rune('1'+i))] = n.Name
	}
	rounds := []string{"", "polling", "websocket"}
	opts, _ := json.Marshal(map[string]any{
		"pages": windows, "transports": rounds, "executablePath": chromiumPath, "timeoutMs": 75000,
	})
	cmdCtx, cancelCmd := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancelCmd()
	nodeBin, _ := findBinary("node", "/usr/bin/node")
	cmd := exec.CommandContext(cmdCtx, nodeBin, "cluster-browser.js", c.URL, string(opts))
	cmd.Dir = filepath.Join(root, "interop", "node")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Errorf("cluster-browser.js: %v\nstderr: %s", err, stderr.String())
	}

	var lines []browserLine
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	for sc.Scan() {
		var l browserLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			lines = append(lines, l)
		}
	}
	if t.Failed() || len(lines) == 0 || lines[len(lines)-1].Event != "done" || !lines[len(lines)-1].OK {
		t.Errorf("cluster-browser.js did not finish with ok; its output:\n%s", stdout)
	}

	wantHistory := map[string][]string{"upgrade": {"polling", "websocket"}, "polling": {"polling"}, "websocket": {"websocket"}}
	pagesSeen := map[string]int{}
	received := map[string]int{}
	for _, l := range lines {
		switch l.Event {
		case "page":
			pagesSeen[l.Round]++
			if l.Node == nil || *l.Node != nodeOf[l.Page] {
				t.Errorf("%s %s: served by %v, want %s (sticky key %s)", l.Round, l.Page, deref(l.Node), nodeOf[l.Page], keys[nodeOf[l.Page]])
			}
			if !slices.Equal(l.History, wantHistory[l.Round]) {
				t.Errorf("%s %s: transports %v, want %v", l.Round, l.Page, l.History, wantHistory[l.Round])
			}
		case "received":
			if !l.OK || l.Node == nil {
				t.Errorf("%s: %s's message (from %s) never reached %s", l.Round, l.From, nodeOf[l.From], l.Page)
				continue
			}
			if *l.Node != nodeOf[l.From] {
				t.Errorf("%s: %s's message reached %s naming node %s, want %s", l.Round, l.From, l.Page, *l.Node, nodeOf[l.From])
			}
			received[l.Round]++
		}
	}
	n := len(c.Nodes)
	for _, r := range []string{"upgrade", "polling", "websocket"} {
		if pagesSeen[r] != n || received[r] != n*n {
			t.Errorf("round %s: %d windows connected and %d messages shown, want %d and %d", r, pagesSeen[r], received[r], n, n*n)
		}
	}
	if t.Failed() {
		t.Logf("nginx error.log:\n%s", readFile(filepath.Join(c.dir, "error.log")))
	}
}

func deref(s *string) string {
	if s == nil {
		return "no node"
	}
	return *s
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return strings.TrimSpace(string(b))
}
