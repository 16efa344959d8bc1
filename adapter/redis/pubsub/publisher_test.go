package pubsub

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestQueueFullDrops checks the publisher's policy: a full queue drops the
// new job at once (telling it why) instead of blocking its caller.
func TestQueueFullDrops(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer client.Close()
	p := newPublisher(client, slog.New(slog.DiscardHandler), 2)
	var failed []error
	for range 3 {
		p.enqueue(job{channel: "c", payload: []byte("x"), fail: func(err error) { failed = append(failed, err) }})
	}
	if len(failed) != 1 || !errors.Is(failed[0], errQueueFull) || p.dropped.Load() != 1 {
		t.Fatalf("failed %v, dropped %d; want one job dropped as the queue was full", failed, p.dropped.Load())
	}
	p.drain()
	if len(failed) != 3 || !errors.Is(failed[2], ErrClosed) {
		t.Fatalf("after drain: %v", failed)
	}
}

func TestDoubled(t *testing.T) {
	var logged []int64
	for n := int64(1); n <= 20; n++ {
		if doubled(n-1, n) {
			logged = append(logged, n)
		}
	}
	if len(logged) != 5 || logged[0] != 1 || logged[4] != 16 {
		t.Errorf("logged at %v, want 1 2 4 8 16", logged)
	}
}
