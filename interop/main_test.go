package interop_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMain stops the package with one line when node is there but the Node
// packages are not (or, under CI, node is not there either): every test runs
// a Node script, and a fresh clone has no interop/node/node_modules until
// `npm ci` has run.
func TestMain(m *testing.M) {
	if msg := nodeModulesMissing(); msg != "" {
		fmt.Fprintln(os.Stderr, msg)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// nodeModulesMissing returns the message to stop with, or "" when the tests
// can run (or will skip: no node, outside CI).
func nodeModulesMissing() string {
	if _, err := exec.LookPath("node"); err != nil {
		if !inCI() {
			return ""
		}
		return "interop: CI is set and node is not installed (the tests need node and `cd interop/node && npm ci`)"
	}
	// npm ci writes node_modules/.package-lock.json once everything is in.
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", ".package-lock.json")); err == nil {
		return ""
	}
	return "interop: the Node packages are not installed (no interop/node/node_modules): run `make node-deps`, or `cd interop/node && npm ci`"
}
