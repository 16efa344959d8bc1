package sharded_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// lockedBuffer is a log destination several goroutines may write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// WithLogger receives what the adapter drops, with the namespace and the
// adapter's uid: here a message on the namespace's channel that does not
// decode.
func TestWithLoggerReportsDroppedMessages(t *testing.T) {
	rs := redistest.Start(t)
	var logged lockedBuffer
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
