package cluster

import (
	"context"
	"errors"
	"testing"

	"github.com/tornadio/tornadio/adapter"
)

// Requests answered by every node count as sent, not as timed out; one
// that a silent node lets time out counts as both; one alone (no other
// node) or given up by its caller counts no timeout.
func TestRequestStatsCountRequestsAndTimeouts(t *testing.T) {
	b := newBus()
	a := newNode(t, b, uidA, nil)
	if got := a.RequestStats(); got != (adapter.RequestStats{}) {
		t.Fatalf("fresh adapter: %+v", got)
	}
	// Alone on the bus: nothing is sent.
	if _, err := a.FetchSockets(context.Background(), &adapter.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := a.RequestStats(); got != (adapter.RequestStats{}) {
		t.Fatalf("alone: %+v, want nothing sent", got)
	}

	// A second tornadio node answers.
	newNode(t, b, "b000000000000000", func(_ *adapter.Packet, ack func(args, atts [][]byte)) {
		if ack != nil {
			ack([][]byte{[]byte(`"ok"`)}, nil)
		}
	})
	if _, err := a.FetchSockets(context.Background(), &adapter.Options{}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	if err := a.ServerSideEmit(event("e"), func(err error, _ []adapter.Reply) { done <- err }); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, want := a.RequestStats(), (adapter.RequestStats{Requests: 2}); got != want {
		t.Fatalf("answered: %+v, want %+v", got, want)
	}

	// A third node is counted but never answers.
	b.mu.Lock()
	b.count = 3
	b.mu.Unlock()
	if err := a.ServerSideEmit(event("e"), func(err error, _ []adapter.Reply) { done <- err }); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the request's timer", func() bool { return len(a.timers.armed()) == 1 })
	a.timers.fire()
	var te *adapter.TimeoutError
	if err := <-done; !errors.As(err, &te) {
		t.Fatalf("err %v, want a timeout", err)
	}
	if got, want := a.RequestStats(), (adapter.RequestStats{Requests: 3, Timeouts: 1}); got != want {
		t.Fatalf("after a timeout: %+v, want %+v", got, want)
	}

	// A caller that gives up first: a request, no timeout (its timer,
	// stopped, never fires).
	ctx, cancel := context.WithCancel(context.Background())
	fetched := make(chan error, 1)
	go func() {
		_, err := a.FetchSockets(ctx, &adapter.Options{})
		fetched <- err
	}()
	waitFor(t, "the request's timer", func() bool { return len(a.timers.armed()) == 1 })
	cancel()
	if err := <-fetched; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	a.timers.fire()
	if got, want := a.RequestStats(), (adapter.RequestStats{Requests: 4, Timeouts: 1}); got != want {
		t.Fatalf("after a cancel: %+v, want %+v", got, want)
	}
}
