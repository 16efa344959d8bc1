package interop_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// The semantics tests run each scenario of node/semantics.js
// (socket.io-client 4.8.4) and node/semantics-v2.js (2.5.0) against tornadio
// serving the contract (contract_test.go). The scripts check what Node's
// socket.io 4.8 does (the differential tests compare with a real one); here
// the server's own log is checked too.

// knownBugChecks are script checks that fail because of a tornadio bug:
// "client/transport/scenario:check" (transport "*" for all). A subtest whose
// only failures are listed is skipped with "BUG: ...".
var knownBugChecks = map[string]string{}

func bugFor(client, transport, failure string) (string, bool) {
	if s, ok := knownBugChecks[client+"/"+transport+"/"+failure]; ok {
		return s, true
	}
	s, ok := knownBugChecks[client+"/*/"+failure]
	return s, ok
}

// runSemantics runs one scenario and fails (or skips on a known bug) when
// its checks fail.
func runSemantics(t *testing.T, client, script, scenario, transport string, c *contractServers) *nodeRun {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"transport": transport, "recoveryUrl": c.recoveryURL, "timeoutMs": 60000})
	r := runScript(t, 70*time.Second, script, scenario, c.mainURL, string(raw))
	done := r.first("done")
	if done == nil {
		t.Fatalf("%s did not finish (exit %v):\n%s", script, r.err, r.dump())
	}
	var bugs, others []string
	for _, f := range r.failedChecks() {
		name := f.str("sc") + ":" + f.str("name")
		if b, ok := bugFor(client, transport, name); ok {
			bugs = append(bugs, name+": "+b)
		} else {
			others = append(others, f.String())
		}
	}
	if len(others) > 0 {
		t.Fatalf("failed checks:\n  %s", strings.Join(others, "\n  "))
	}
	if r.err != nil && len(bugs) == 0 {
		t.Fatalf("%s exited with %v", script, r.err)
	}
	if len(bugs) > 0 {
		t.Skip("BUG: " + strings.Join(bugs, "; "))
	}
	return r
}

var semanticsScenarios = []string{"multiplex", "dynamic", "middleware", "rooms", "volatile", "server-ops", "acks", "any", "disconnects", "recovery", "connect-timeout"}

func TestSemantics(t *testing.T) {
	for _, sc := range semanticsScenarios {
		for _, tr := range []string{"websocket", "polling", "any"} {
			t.Run(sc+"/"+tr, func(t *testing.T) {
				c := startContract(t)
				runSemantics(t, "v4", "semantics.js", sc, tr, c)
				if sc == "disconnects" {
					checkServerReasons(t, c.mainLog, []string{"client namespace disconnect", "server namespace disconnect", "transport close", "ping timeout"})
				}
			})
		}
	}
}

// checkServerReasons checks that every socket disconnected exactly once, and
// that each wanted reason was seen.
func checkServerReasons(t *testing.T, log *contractLog, want []string) {
	t.Helper()
	seen := map[string]bool{}
	for id, rs := range log.reasons() {
		if len(rs) != 1 {
			t.Errorf("socket %s: OnDisconnect ran %d times: %v", id, len(rs), rs)
		}
		for _, r := range rs {
			seen[r] = true
		}
	}
	for _, r := range want {
		if !seen[r] {
			t.Errorf("no socket disconnected with reason %q (seen %v)", r, seen)
		}
	}
}

// TestSemanticsShutdown: the server shuts down under its clients; the
// clients see the connection go, OnDisconnect says "server shutting down".
func TestSemanticsShutdown(t *testing.T) {
	for _, tr := range []string{"websocket", "polling"} {
		t.Run(tr, func(t *testing.T) {
			c := startContract(t)
			runSemantics(t, "v4", "semantics.js", "shutdown", tr, c)
			deadline := time.Now().Add(10 * time.Second)
			for len(c.mainLog.reasons()) < 3 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			reasons := c.mainLog.reasons()
			if len(reasons) != 3 {
				t.Fatalf("OnDisconnect ran for %d sockets, want 3: %v", len(reasons), reasons)
			}
			for id, rs := range reasons {
				if len(rs) != 1 || rs[0] != string(tornadio.ReasonServerShuttingDown) {
					t.Errorf("socket %s: reasons %v, want one %q", id, rs, tornadio.ReasonServerShuttingDown)
				}
			}
		})
	}
}

var semanticsScenariosV2 = []string{"basic", "rooms", "namespaces", "disconnects"}

// TestSemanticsEIO3: socket.io-client 2.5.0.
func TestSemanticsEIO3(t *testing.T) {
	for _, sc := range semanticsScenariosV2 {
		for _, tr := range []string{"websocket", "polling", "any"} {
			t.Run(sc+"/"+tr, func(t *testing.T) {
				c := startContract(t)
				r := runSemantics(t, "v2", "semantics-v2.js", sc, tr, c)
				if sc == "disconnects" {
					checkServerReasons(t, c.mainLog, []string{"client namespace disconnect", "server namespace disconnect", "transport close"})
				}
				if sc == "namespaces" {
					for _, l := range r.all("t") {
						if l.str("what") == "ids" && l["adminIsNspHashEngine"] != true {
							t.Errorf("an EIO3 client's /admin socket id is not \"/admin#<engine id>\" as Node's: %s", l)
						}
					}
				}
			})
		}
	}
}
