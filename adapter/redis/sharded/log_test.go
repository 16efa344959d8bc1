package sharded_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// WithLogger receives what the adapter drops, with the namespace and the
// adapter's uid: here a message on the namespace's channel that does not
// decode.
func TestWithLoggerReportsDroppedMessages(t *testing.T) {
	rs := redistest.Start(t)
	var logged siotest.LogBuffer
	n := startNode(t, rs, "n1", sharded.WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	client := rs.Client(t)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logged.String(), "sharded: message dropped") {
		if time.Now().After(deadline) {
			t.Fatalf("nothing logged; log: %q", logged.String())
		}
		if err := client.SPublish(context.Background(), "socket.io#/#", "not a message").Err(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // between probes, not a synchronisation
	}
	uid := n.ns.Adapter().(*sharded.Adapter).UID()
	if got := logged.String(); !strings.Contains(got, "nsp=/") || !strings.Contains(got, "uid="+uid) {
		t.Fatalf("log without nsp and uid %s: %q", uid, got)
	}
}
