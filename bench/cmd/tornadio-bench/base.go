package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/tornadio/tornadio/bench/runner"
)

// buildBase builds the tornadio server under test from the library at rev,
// a git revision of the repository that holds benchDir, into
// bin/tornadio-base, and returns it as the runner.Base server with a line
// for the report saying what was built.
//
// The revision's tree is exported with git archive into a temporary
// directory, removed once built (nothing is registered in the repository,
// so an interrupted run leaves nothing behind but that directory). The
// server program is this checkout's servers/tornadio, compiled against the
// base's library (through a temporary copy of the bench module's go.mod
// whose replace points there), so that the library is the only difference.
// When it does not build against that library (an API the base lacks, or a base whose bench is not a module of its own),
// the base's own bench/servers/tornadio is built instead, and the line says so.
func buildBase(ctx context.Context, benchDir, bin, rev string) (runner.ServerSpec, string, error) {
	spec := runner.ServerSpec{Name: runner.Base, Argv: []string{filepath.Join(bin, "tornadio-base"), "-loops", "1"}}
	root, err := output(ctx, benchDir, "git", "rev-parse", "--show-toplevel")
	if err != nil {
		return spec, "", fmt.Errorf("base: not in a git checkout: %w", err)
	}
	commit, err := output(ctx, root, "git", "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return spec, "", fmt.Errorf("base: %q is not a revision of %s", rev, root)
	}
	subject, _ := output(ctx, root, "git", "log", "-1", "--format=%h %s", commit)

	tmp, err := os.MkdirTemp("", "tornadio-base-")
	if err != nil {
		return spec, "", err
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "src")
	if err := exportTree(ctx, root, commit, src); err != nil {
		return spec, "", fmt.Errorf("base: exporting %s: %w", rev, err)
	}

	modDir := filepath.Join(tmp, "mod")
	errCurrent := buildAgainst(ctx, benchDir, modDir, src, spec.Argv[0])
	if errCurrent == nil {
		return spec, fmt.Sprintf("%s is tornadio at %s, built with this checkout's bench/servers/tornadio.", runner.Base, subject), nil
	}
	own := filepath.Join(src, "bench")
	if _, err := os.Stat(filepath.Join(own, "servers", "tornadio")); err != nil {
		return spec, "", fmt.Errorf("base: this checkout's server does not build against %s (%v), and it has no bench/servers/tornadio of its own", rev, errCurrent)
	}
	if err := run(ctx, own, "go", "build", "-o", spec.Argv[0], "./servers/tornadio"); err != nil {
		return spec, "", fmt.Errorf("base: neither this checkout's server (%v) nor %s's own builds: %w", errCurrent, rev, err)
	}
	return spec, fmt.Sprintf("%s is tornadio at %s, built with its own bench/servers/tornadio (this checkout's does not build against it: %s).",
		runner.Base, subject, firstLine(errCurrent.Error())), nil
}

// exportTree writes the tree of commit into dir (git archive | tar -x).
func exportTree(ctx context.Context, repo, commit, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	archive := exec.CommandContext(ctx, "git", "-C", repo, "archive", "--format=tar", commit)
	archive.Stderr = os.Stderr
	extract := exec.CommandContext(ctx, "tar", "-x", "-C", dir)
	extract.Stderr = os.Stderr
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return err
	}
	extract.Stdin = pipe
	if err := archive.Start(); err != nil {
		return err
	}
	errExtract := extract.Run()
	errArchive := archive.Wait()
	if errArchive != nil {
		return fmt.Errorf("git archive: %w", errArchive)
	}
	if errExtract != nil {
		return fmt.Errorf("tar: %w", errExtract)
	}
	return nil
}

// buildAgainst builds benchDir's servers/tornadio into out with the
// tornadio module replaced by lib: a copy of the bench module's go.mod and
// go.sum in modDir, edited there (-mod=mod lets the build add what the
// base's library requires to that copy; the real files are untouched).
func buildAgainst(ctx context.Context, benchDir, modDir, lib, out string) error {
	if err := os.MkdirAll(modDir, 0o755); err != nil {
		return err
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(benchDir, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(modDir, f), b, 0o644); err != nil {
			return err
		}
	}
	modFile := filepath.Join(modDir, "go.mod")
	if err := run(ctx, benchDir, "go", "mod", "edit", "-replace=github.com/tornadio/tornadio="+lib, modFile); err != nil {
		return err
	}
	return run(ctx, benchDir, "go", "build", "-modfile="+modFile, "-mod=mod", "-o", out, "./servers/tornadio")
}

// run runs a command in dir; its error names the command and carries its
// stderr.
func run(ctx context.Context, dir, name string, args ...string) error {
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = dir
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, args[0], err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// output runs a command in dir and returns its trimmed stdout.
func output(ctx context.Context, dir, name string, args ...string) (string, error) {
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = dir
	b, err := c.Output()
	return strings.TrimSpace(string(b)), err
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
