package redistest

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestStartClientRestartKill(t *testing.T) {
	s := Start(t)
	c := s.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	// No persistence: a restarted server is empty, on the same port.
	port := s.Port()
	s.Restart(t)
	if s.Port() != port {
		t.Fatalf("restart moved the port from %d to %d", port, s.Port())
	}
	var n int64
	var err error
	// The client's pooled connection died with the old process; go-redis
	// redials on the next command, which may still see the dead one once.
	for attempt := 0; attempt < 3; attempt++ {
		if n, err = c.Exists(ctx, "k").Result(); err == nil {
			break
		}
	}
	if err != nil || n != 0 {
		t.Fatalf("EXISTS k after restart = %d, %v; want 0, nil", n, err)
	}
	s.Kill(t)
	if s.Running() {
		t.Fatal("Running after Kill")
	}
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING succeeded after Kill")
	}
	s.Kill(t) // killing a killed server is a no-op
}

func TestMonitorCountsPublishes(t *testing.T) {
	s := Start(t)
	c := s.Client(t)
	m := s.Monitor(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mark := m.Len()
	payload := "tok-1 \"quoted\" \\ \n \x00\xff"
	for i := 0; i < 3; i++ {
		if err := c.Publish(ctx, "socket.io#/#", payload).Err(); err != nil {
			t.Fatalf("PUBLISH: %v", err)
		}
	}
	if err := c.SPublish(ctx, "socket.io#/#r1#", "tok-1").Err(); err != nil {
		t.Fatalf("SPUBLISH: %v", err)
	}
	// Shaped like the streams adapter's XADD.
	xadd := &redis.XAddArgs{Stream: "socket.io", MaxLen: 10000, Approx: true, Values: []any{"uid", "u", "nsp", "/", "type", "3", "data", "tok-2"}}
	if err := c.XAdd(ctx, xadd).Err(); err != nil {
		t.Fatalf("XADD: %v", err)
	}
	m.Sync(t)
	cmds := m.Since(mark)
	if got := Count(cmds, "PUBLISH", "tok-1"); got != 3 {
		t.Errorf("PUBLISH with tok-1: %d, want 3", got)
	}
	if got := Count(cmds, "spublish", "tok-1"); got != 1 {
		t.Errorf("SPUBLISH with tok-1: %d, want 1", got)
	}
	if got := Count(cmds, "XADD", "tok-2"); got != 1 {
		t.Errorf("XADD with tok-2: %d, want 1", got)
	}
	for _, cmd := range cmds {
		if cmd.Name() == "PUBLISH" {
			if len(cmd.Args) != 3 || cmd.Args[1] != "socket.io#/#" || cmd.Args[2] != payload {
				t.Errorf("PUBLISH recorded as %q, want [PUBLISH socket.io#/# %q]", cmd.Args, payload)
			}
			if cmd.Client == "" {
				t.Error("PUBLISH recorded without its client address")
			}
		}
	}
}

func TestParseMonitorLine(t *testing.T) {
	cmd, err := parseMonitorLine(`1700000000.123456 [0 127.0.0.1:5555] "publish" "a b" "q\"\\\x00\xffz\r\n"`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PUBLISH", "a b", "q\"\\\x00\xffz\r\n"}
	if len(cmd.Args) != len(want) {
		t.Fatalf("args %q, want %q", cmd.Args, want)
	}
	for i := range want {
		if cmd.Args[i] != want[i] {
			t.Fatalf("arg %d = %q, want %q", i, cmd.Args[i], want[i])
		}
	}
	if cmd.Client != "127.0.0.1:5555" {
		t.Fatalf("client %q", cmd.Client)
	}
	for _, bad := range []string{`1 [0 x] "unterminated`, `1 [0 x] bare`, `no brackets`, `1 [0 x] "\x4"`} {
		if _, err := parseMonitorLine(bad); err == nil {
			t.Errorf("parseMonitorLine(%q) accepted", bad)
		}
	}
}
