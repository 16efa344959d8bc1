package adapter_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports pins the adapter's place in the layering: the root package
// calls it and it writes to transports' sessions; it depends on neither the
// root package nor the event loops, and touches no network itself.
func TestImports(t *testing.T) {
	list := func(format string) []string {
		out, err := exec.Command("go", "list", "-f", format, ".").CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	for _, dep := range list(`{{join .Deps "\n"}}`) {
		if dep == "github.com/tornadio/tornadio" || dep == "github.com/tornadio/tornadio/loop" || strings.Contains(dep, "gnet") {
			t.Errorf("package adapter depends on %s", dep)
		}
	}
	for _, imp := range list(`{{join .Imports "\n"}}`) {
		if imp == "net" || strings.HasPrefix(imp, "net/") {
			t.Errorf("package adapter imports %s", imp)
		}
	}
}
