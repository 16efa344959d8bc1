package siotest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
)

// Quiet is a logger that drops everything, for the servers and adapters of
// tests whose failures the tests themselves report.
var Quiet = slog.New(slog.DiscardHandler)

// JoinFromAuth returns the connection handler of the tests' nodes: the
// socket's auth payload {name, rooms} sets its data to {name, node} and
// joins it to rooms.
func JoinFromAuth(node string) func(s *tornadio.Socket) {
	return func(s *tornadio.Socket) {
		var auth struct {
			Name  string   `json:"name"`
			Rooms []string `json:"rooms"`
		}
		_ = s.Request().DecodeAuth(&auth)
		s.SetData(map[string]string{"name": auth.Name, "node": node})
		s.Join(auth.Rooms...)
	}
}

// WaitServerCount waits until a counts want servers (every node's
// subscriptions are in place), polling: the count changes only inside
// Redis. what names the adapter in the failure.
func WaitServerCount(t testing.TB, what string, a adapter.Adapter, want int) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		got, err := a.ServerCount(ctx)
		cancel()
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: server count %d (%v), want %d", what, got, err, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
