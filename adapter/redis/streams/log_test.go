package streams

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
)

// WithLogger receives what the adapter drops: here a message on the
// namespace's channel that does not decode.
func TestWithLoggerReportsDroppedMessages(t *testing.T) {
	var logged siotest.LogBuffer
	p := startPair(t, WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	client := p.redis.Client(t)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logged.String(), "streams: message dropped") {
		if time.Now().After(deadline) {
			t.Fatalf("nothing logged; log: %q", logged.String())
		}
		if err := client.Publish(context.Background(), publicChannel("socket.io", "/"), "not a message").Err(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // between probes, not a synchronisation
	}
	if !strings.Contains(logged.String(), "channel=socket.io#/#") {
		t.Fatalf("log without the channel: %q", logged.String())
	}
}
