package tornadio_test

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// layers is the import graph the packages keep, from the edge down: for
// each package, the module's packages and the third-party modules it may
// import (the standard library is free). A package not listed here may
// import nothing of the module but the leaves' helpers in internal/.
//
//	tornadio (the public API)
//	  → loop (the only gnet code) → transports (the sans-IO machine)
//	      → engineio, frames, httpparse, legacy, flash (codecs and machines)
//	  → adapter (rooms and fan-out) → transports, socketio, legacy
//	  → internal/… (the engine's leaves: the Socket.IO dispatch, callbacks,
//	    acks, recovery, workers)
var layers = map[string][]string{
	"":                          {"adapter", "loop", "httpedge", "transports", "engineio", "socketio", "legacy", "flash", "internal/*"},
	"loop":                      {"transports", "github.com/panjf2000/gnet/v2", "github.com/panjf2000/gnet/v2/pkg/logging"},
	"httpedge":                  {"transports"},
	"adapter":                   {"transports", "socketio", "legacy"},
	"transports":                {"engineio", "frames", "httpparse", "legacy", "flash", "internal/jsonstr"},
	"frames":                    {"github.com/gobwas/ws"},
	"engineio":                  {"internal/jsonstr", "internal/jslen"},
	"socketio":                  {"internal/jsonstr"},
	"legacy":                    {"internal/jsonstr", "internal/jslen"},
	"httpparse":                 {},
	"flash":                     {},
	"transports/transportstest": {"transports", "frames"},
	"internal/callplan":         {"socketio"},
	"internal/httpfallback":     {"httpparse"},
	"internal/recovery":         {"internal/jsonstr"},
	"internal/sioclient":        {"socketio", "transports"},
}

// TestLayering pins the import graph above: what the root, the adapter,
// transports and every layer below may import. The root holds the public
// API and wires the layers; it never speaks HTTP or WebSocket bytes itself
// (no httpparse, no frames), and only loop knows gnet.
func TestLayering(t *testing.T) {
	const module = "github.com/tornadio/tornadio"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, imports, _ := strings.Cut(line, ":")
		rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
		if strings.HasPrefix(rel, "bench") || strings.HasPrefix(rel, "interop") || strings.HasPrefix(rel, "examples") || strings.HasPrefix(rel, "cmd/") {
			continue // programs and tests of the whole, outside the layers
		}
		allowed, listed := layers[rel]
		if !listed && !strings.HasPrefix(rel, "internal/") {
			t.Errorf("package %q is not in the layering table; add it with what it may import", rel)
			continue
		}
		var bad []string
		for _, imp := range strings.Fields(imports) {
			dep, ours := strings.CutPrefix(imp, module+"/")
			if !ours && !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
				continue // the standard library
			}
			if !ours {
				dep = imp
			}
			if !allows(allowed, dep) {
				bad = append(bad, dep)
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			name := rel
			if name == "" {
				name = "tornadio (root)"
			}
			t.Errorf("%s imports %v, outside its layer (allowed: %v)", name, bad, allowed)
		}
	}
}

func allows(allowed []string, dep string) bool {
	for _, a := range allowed {
		if a == dep || (strings.HasSuffix(a, "/*") && strings.HasPrefix(dep, strings.TrimSuffix(a, "*"))) {
			return true
		}
	}
	return false
}
