package pubsub_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// requestStats reads the request counters of a node's adapter of nsp.
func requestStats(t *testing.T, n *testNode, nsp string) adapter.RequestStats {
	t.Helper()
	rc, ok := n.ns(nsp).Adapter().(adapter.RequestCounter)
	if !ok {
		t.Fatalf("the pub/sub adapter of %s is not an adapter.RequestCounter", nsp)
	}
	return rc.RequestStats()
}

// TestRequestStatsCountATimeout: requests every node answers count as
// sent; a fetchSockets that a subscribed node never answers counts as
// sent and timed out, on the asking node and namespace only.
func TestRequestStatsCountATimeout(t *testing.T) {
	srv := redistest.Start(t)
	a := startNode(t, srv.Addr(), "A", pubsubTimeout(3*time.Second))
	b := startNode(t, srv.Addr(), "B", pubsubTimeout(3*time.Second))
	waitServerCountNsp(t, "/", 2, a, b)
	ctx := context.Background()

	if _, err := a.ns("/").Adapter().AllRooms(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ns("/").FetchSockets(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := requestStats(t, a, "/"), (adapter.RequestStats{Requests: 2}); got != want {
		t.Fatalf("answered requests: %+v, want %+v", got, want)
	}

	// A subscriber of the request channel counts as a node and never answers.
	dead := srv.Client(t).Subscribe(ctx, "socket.io-request#/#")
	t.Cleanup(func() { _ = dead.Close() })
	if _, err := dead.Receive(ctx); err != nil { // the subscription's confirmation
		t.Fatal(err)
	}
	waitServerCountNsp(t, "/", 3, a, b)
	var te *adapter.TimeoutError
	if _, err := a.ns("/").FetchSockets(ctx); !errors.As(err, &te) {
		t.Fatalf("fetch sockets with a silent node: %v, want a timeout", err)
	}
	if got, want := requestStats(t, a, "/"), (adapter.RequestStats{Requests: 3, Timeouts: 1}); got != want {
		t.Fatalf("after the timeout: %+v, want %+v", got, want)
	}
	if got := requestStats(t, a, "/chat"); got != (adapter.RequestStats{}) {
		t.Errorf("/chat's adapter counted %+v, asked nothing", got)
	}
	if got := requestStats(t, b, "/"); got != (adapter.RequestStats{}) {
		t.Errorf("B counted %+v, asked nothing", got)
	}
}
