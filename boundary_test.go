package tornadio_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSansIOBoundaries checks the layering: the protocol packages import
// neither gnet nor the network, and read no clock; only package loop knows
// gnet.
func TestSansIOBoundaries(t *testing.T) {
	sansIO := []string{"httpparse", "frames", "flash", "engineio", "socketio", "socketio/msgpackparser", "transports", "legacy", "internal/jsonstr", "internal/jslen", "internal/msgpack",
		"internal/recovery", "internal/ackcollect", "internal/connectwatch", "internal/callplan", "internal/sioclient"}
	for _, pkg := range sansIO {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "./"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, imp := range strings.Fields(string(out)) {
			if imp == "net/url" || imp == "net/netip" {
				continue // parsing and address values, not the network
			}
			if strings.Contains(imp, "gnet") || imp == "net" || strings.HasPrefix(imp, "net/") {
				t.Errorf("sans-IO package %s imports %s", pkg, imp)
			}
		}
		banCalls(t, pkg, "sans-IO code takes time and work from its caller",
			"time.Now(", "go func", "time.AfterFunc(", "time.NewTimer(")
	}
	// One clock: outside the edge, deadlines are timers of the loops' heaps
	// and the time is the loops' clock (transports.Loops.Now).
	for _, dir := range []string{".", "adapter"} {
		banCalls(t, dir, "deadlines belong on the loops' clock and timer heap",
			"time.Now(", "time.Since(", "time.Until(", "time.AfterFunc(", "time.NewTimer(", "time.NewTicker(", "time.Tick(")
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}: {{join .Imports " "}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "panjf2000/gnet") && !strings.HasPrefix(line, "github.com/tornadio/tornadio/loop:") {
			t.Errorf("only package loop may import gnet: %s", line)
		}
	}
}

// banCalls fails the test for each non-test Go file of dir that contains one
// of banned, saying why it may not.
func banCalls(t *testing.T, dir, why string, banned ...string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range banned {
			if strings.Contains(string(b), call) {
				t.Errorf("%s uses %s; %s", f, call, why)
			}
		}
	}
}
