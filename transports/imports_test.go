package transports_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoWebSocketLibraryTypes checks that transports speaks WebSocket through
// frames only: the library frames builds on is frames' business, and no type
// of it crosses into the connection machine.
func TestNoWebSocketLibraryTypes(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, imp := range strings.Fields(string(out)) {
		if strings.HasPrefix(imp, "github.com/gobwas/") {
			t.Errorf("transports imports %s; use frames' types", imp)
		}
	}
}
