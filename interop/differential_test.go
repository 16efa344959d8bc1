package interop_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The differential tests: the same client script (semantics.js with
// socket.io-client 4.8.4, semantics-v2.js with 2.5.0) runs the same scenarios
// against node/refserver.js (socket.io 4.8.4) and against tornadio serving
// the same contract (contract_test.go); the normalised transcripts must be
// equal, line for line.

// refServer is a running node/refserver.js.
type refServer struct {
	mainURL, recoveryURL string
}

// startRefServer starts node/refserver.js; it is killed when the test ends
// (and exits by itself when its stdin closes).
func startRefServer(t *testing.T) *refServer {
	t.Helper()
	l := startNodeServer(t, "refserver.js", `{"timeoutMs":600000}`)
	t.Logf("refserver.js (socket.io %s): main %s, recovery %s", l.str("version"), l.str("main"), l.str("recovery"))
	return &refServer{mainURL: l.str("main"), recoveryURL: l.str("recovery")}
}

// transcript runs script with the scenarios against the urls and returns
// its transcript lines by scenario (re-encoded, keys sorted).
func transcript(t *testing.T, script, scenarios, mainURL, recoveryURL, transport string, timeout time.Duration) (map[string][]string, *nodeRun) {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"transport": transport, "recoveryUrl": recoveryURL, "timeoutMs": timeout.Milliseconds()})
	r := runScript(t, timeout+10*time.Second, script, scenarios, mainURL, string(raw))
	out := map[string][]string{}
	for _, l := range r.lines {
		if l.str("event") != "t" {
			continue
		}
		sc := l.str("sc")
		c := obs{}
		for k, v := range l {
			if k != "event" && k != "sc" {
				c[k] = v
			}
		}
		out[sc] = append(out[sc], c.String())
	}
	return out, r
}

// knownDifference is a transcript line (scenario, "what") on which tornadio
// differs from Node, with why. bug: a tornadio bug (the subtest is skipped
// with "BUG: ..." when it is the only difference); otherwise deliberate.
type knownDifference struct {
	bug    bool
	reason string
}

// knownDifferences, by "client/transport/scenario/what" ("client" is v4 or
// v2; transport "*" for all of them).
var knownDifferences = map[string]knownDifference{}

func lookupDifference(client, transport, sc, what string) (knownDifference, bool) {
	if k, ok := knownDifferences[client+"/"+transport+"/"+sc+"/"+what]; ok {
		return k, true
	}
	k, ok := knownDifferences[client+"/*/"+sc+"/"+what]
	return k, ok
}

func whatOf(line string) string {
	var m map[string]any
	_ = json.Unmarshal([]byte(line), &m)
	s, _ := m["what"].(string)
	return s
}

// compareTranscripts compares, per scenario, Node's lines and tornadio's.
func compareTranscripts(t *testing.T, client, transport string, names []string, node, ours map[string][]string) {
	for _, sc := range names {
		t.Run(sc, func(t *testing.T) {
			a, b := node[sc], ours[sc]
			if len(a) == 0 && len(b) == 0 {
				t.Fatalf("no transcript from either server for %s (see the log)", sc)
			}
			if len(a) == 0 {
				t.Fatalf("no transcript from Node's server for %s (see the log)", sc)
			}
			var diffs []string
			var bugs []string
			n := max(len(a), len(b))
			for i := range n {
				var la, lb string
				if i < len(a) {
					la = a[i]
				}
				if i < len(b) {
					lb = b[i]
				}
				if la == lb {
					continue
				}
				what := whatOf(la)
				if what == "" {
					what = whatOf(lb)
				}
				if k, ok := lookupDifference(client, transport, sc, what); ok && whatOf(la) == whatOf(lb) {
					if k.bug {
						bugs = append(bugs, k.reason)
					} else {
						t.Logf("deliberate difference at %q: %s\n  node:     %s\n  tornadio: %s", what, k.reason, la, lb)
					}
					continue
				}
				diffs = append(diffs, fmt.Sprintf("line %d (%s):\n  node:     %s\n  tornadio: %s", i, what, la, lb))
			}
			if len(diffs) > 0 {
				t.Errorf("%s: tornadio's transcript differs from socket.io 4.8.4's:\n%s", sc, strings.Join(diffs, "\n"))
			}
			if len(bugs) > 0 && len(diffs) == 0 {
				t.Skip("BUG: " + strings.Join(bugs, "; "))
			}
		})
	}
}

var diffScenarios = []string{"multiplex", "dynamic", "middleware", "rooms", "volatile", "server-ops", "acks", "any", "disconnects", "recovery", "connect-timeout"}

// TestDifferential runs semantics.js (socket.io-client 4.8.4) against both
// servers over websocket, polling, and polling with the upgrade.
func TestDifferential(t *testing.T) {
	for _, tr := range []string{"websocket", "polling", "any"} {
		t.Run(tr, func(t *testing.T) {
			ref := startRefServer(t)
			ours := startContract(t)
			list := strings.Join(diffScenarios, ",")
			node, nr := transcript(t, "semantics.js", list, ref.mainURL, ref.recoveryURL, tr, 150*time.Second)
			if nr.err != nil {
				t.Logf("against Node's server the script failed its own checks (exit %v): %v", nr.err, nr.failedChecks())
			}
			got, _ := transcript(t, "semantics.js", list, ours.mainURL, ours.recoveryURL, tr, 150*time.Second)
			compareTranscripts(t, "v4", tr, diffScenarios, node, got)
		})
	}
}

var diffScenariosV2 = []string{"basic", "rooms", "namespaces", "disconnects"}

// TestDifferentialEIO3 runs semantics-v2.js (socket.io-client 2.5.0, which
// socket.io 4.8 serves with allowEIO3) against both servers.
func TestDifferentialEIO3(t *testing.T) {
	for _, tr := range []string{"websocket", "polling", "any"} {
		t.Run(tr, func(t *testing.T) {
			ref := startRefServer(t)
			ours := startContract(t)
			list := strings.Join(diffScenariosV2, ",")
			node, nr := transcript(t, "semantics-v2.js", list, ref.mainURL, ref.recoveryURL, tr, 90*time.Second)
			if nr.err != nil {
				t.Logf("against Node's server the script failed its own checks (exit %v): %v", nr.err, nr.failedChecks())
			}
			got, _ := transcript(t, "semantics-v2.js", list, ours.mainURL, ours.recoveryURL, tr, 90*time.Second)
			compareTranscripts(t, "v2", tr, diffScenariosV2, node, got)
		})
	}
}

// TestDifferentialShutdown: the server shuts down (io.close(), Server.Shutdown)
// under three sockets of two sessions; each server is fresh.
func TestDifferentialShutdown(t *testing.T) {
	for _, tr := range []string{"websocket", "polling"} {
		t.Run(tr, func(t *testing.T) {
			ref := startRefServer(t)
			ours := startContract(t)
			node, _ := transcript(t, "semantics.js", "shutdown", ref.mainURL, ref.recoveryURL, tr, 30*time.Second)
			got, _ := transcript(t, "semantics.js", "shutdown", ours.mainURL, ours.recoveryURL, tr, 30*time.Second)
			compareTranscripts(t, "v4", tr, []string{"shutdown"}, node, got)
		})
	}
}
