package main

// The demo with -admin, watched and driven through the real admin UI in
// headless Chromium (interop/node/admin-ui.js): log in with the password
// whose bcrypt hash the server holds, see the chat client's socket and its
// room, disconnect it from the UI.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/examples/chat/chat"
	"golang.org/x/crypto/bcrypt"
)

const repoRoot = "../../.."

func TestAdminUIInChromium(t *testing.T) {
	node, err := exec.LookPath("node")
	uiDir := filepath.Join(repoRoot, DefaultUIDir)
	for _, need := range []string{"/usr/bin/chromium", uiDir, filepath.Join(repoRoot, "interop/node/node_modules/playwright-core")} {
		if err == nil {
			_, err = os.Stat(need)
		}
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node, Chromium and interop/node's packages (npm ci) are needed: %v", err)
		}
		t.Skipf("node, Chromium or interop/node's packages missing: %v", err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("changeit"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	srv, in, err := newServer(config{
		clientJS: filepath.Join(repoRoot, chat.DefaultClientJS),
		loops:    2,
		admin:    true,
		uiDir:    uiDir,
		user:     "admin",
		hash:     string(hash),
		mode:     "development",
		serverID: "demo",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	reasons := make(chan tornadio.DisconnectReason, 1)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.Join("lobby")
		s.OnDisconnect(func(r tornadio.DisconnectReason) { reasons <- r })
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	opts, _ := json.Marshal(map[string]any{"username": "admin", "password": "changeit", "room": "lobby", "timeoutMs": 90000, "verbose": true})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "admin-ui.js", "http://"+srv.Addr(), string(opts))
	cmd.Dir = filepath.Join(repoRoot, "interop", "node")
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	t.Logf("admin-ui.js: %v\n%s%s", runErr, stdout.String(), stderr.String())

	var done map[string]any
	failed := 0
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		switch line["event"] {
		case "check":
			if line["ok"] != true {
				failed++
				t.Errorf("check %v failed: %s", line["name"], strings.TrimSpace(sc.Text()))
			}
		case "done":
			done = line
		}
	}
	if done == nil || done["ok"] != true || failed > 0 || runErr != nil {
		t.Fatalf("the UI run failed: %v (%v)", done, runErr)
	}
	select {
	case r := <-reasons:
		if r != tornadio.ReasonServerNamespaceDisconnect {
			t.Fatalf("the chat client's socket left with %q, want %q", r, tornadio.ReasonServerNamespaceDisconnect)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not see the chat client's socket disconnect")
	}
}
