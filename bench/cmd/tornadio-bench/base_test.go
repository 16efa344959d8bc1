package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/bench/runner"
)

func TestWithBaseFollowsTornadio(t *testing.T) {
	names := func(specs []runner.ServerSpec) string {
		var n []string
		for _, s := range specs {
			n = append(n, s.Name)
		}
		return strings.Join(n, ",")
	}
	base := runner.ServerSpec{Name: runner.Base}
	for _, c := range []struct{ in, want string }{
		{"tornadio,node,zishang,raw", "tornadio,tornadio-base,node,zishang,raw"},
		{"node,tornadio", "node,tornadio,tornadio-base"},
		{"node,raw", "tornadio-base,node,raw"},
	} {
		var specs []runner.ServerSpec
		for _, n := range strings.Split(c.in, ",") {
			specs = append(specs, runner.ServerSpec{Name: n})
		}
		if got := names(withBase(specs, base)); got != c.want {
			t.Errorf("%s: %s, want %s", c.in, got, c.want)
		}
	}
}

func TestMakeCommand(t *testing.T) {
	for _, c := range []struct{ profile, servers, base, want string }{
		{"full", "tornadio,node,zishang,raw", "", "make bench-full"},
		{"full", "tornadio,node,zishang,raw", "73da2cc", "make bench-full BASE=73da2cc"},
		{"short", "tornadio,node,raw", "main", "make bench BASE=main SERVERS=tornadio,node,raw"},
		{"other", "tornadio", "", ""},
	} {
		if got := makeCommand(c.profile, c.servers, c.base); got != c.want {
			t.Errorf("%+v: %q", c, got)
		}
	}
}

// The base's tree is exported from the repository without registering
// anything in it (no worktree to prune after an interrupted run).
func TestExportTreeWritesTheRevisionsFiles(t *testing.T) {
	ctx := context.Background()
	root, err := output(ctx, ".", "git", "rev-parse", "--show-toplevel")
	if err != nil {
		t.Skip("not in a git checkout:", err)
	}
	worktrees, _ := output(ctx, root, "git", "worktree", "list", "--porcelain")
	dir := filepath.Join(t.TempDir(), "src")
	if err := exportTree(ctx, root, "HEAD", dir); err != nil {
		t.Fatal(err)
	}
	want, err := output(ctx, root, "git", "show", "HEAD:go.mod")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || strings.TrimSpace(string(got)) != want {
		t.Errorf("exported go.mod %q (%v), want HEAD's", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bench", "servers", "tornadio", "main.go")); err != nil {
		t.Errorf("bench server not exported: %v", err)
	}
	if after, _ := output(ctx, root, "git", "worktree", "list", "--porcelain"); after != worktrees {
		t.Errorf("worktrees changed:\n%s\nthen\n%s", worktrees, after)
	}
}
