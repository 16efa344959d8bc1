package sharded_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// TestRequestStatsCountATimeout: a fetchSockets that a node subscribed to
// the namespace's channel never answers counts as a request sent and
// timed out.
func TestRequestStatsCountATimeout(t *testing.T) {
	rs := redistest.Start(t)
	n1 := startNode(t, rs, "n1", sharded.WithSubscriptionMode(sharded.Static), sharded.WithRequestsTimeout(300*time.Millisecond))
	rc, ok := n1.ns.Adapter().(adapter.RequestCounter)
	if !ok {
		t.Fatal("the sharded adapter is not an adapter.RequestCounter")
	}
	ghost := rs.Client(t).SSubscribe(context.Background(), "socket.io#/#")
	defer ghost.Close()
	until(t, "the ghost counted", func() bool { return n1.serverCount() == 2 })
	if got := rc.RequestStats(); got != (adapter.RequestStats{}) {
		t.Fatalf("before any request: %+v", got)
	}
	var te *adapter.TimeoutError
	if _, err := n1.ns.Adapter().FetchSockets(context.Background(), &adapter.Options{}); !errors.As(err, &te) {
		t.Fatalf("fetch sockets with a silent node: %v, want a timeout", err)
	}
	if got, want := rc.RequestStats(), (adapter.RequestStats{Requests: 1, Timeouts: 1}); got != want {
		t.Fatalf("after the timeout: %+v, want %+v", got, want)
	}
}
