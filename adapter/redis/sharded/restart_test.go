package sharded_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// TestRedisRestart: redis-server dies and comes back empty on its port;
// both nodes reconnect and resubscribe (base, response and room channels),
// local delivery never stops, and cross-node broadcasts, requests and
// room broadcasts work again, with no goroutine left behind.
func TestRedisRestart(t *testing.T) {
	for _, mode := range []sharded.SubscriptionMode{sharded.Static, sharded.Dynamic} {
		t.Run(string(mode), func(t *testing.T) { testRedisRestart(t, mode) })
	}
}

func testRedisRestart(t *testing.T, mode sharded.SubscriptionMode) {
	rs := redistest.Start(t)
	n1, n2 := startNode(t, rs, "n1", sharded.WithSubscriptionMode(mode)), startNode(t, rs, "n2", sharded.WithSubscriptionMode(mode))
	until(t, "two servers", func() bool { return n1.serverCount() == 2 && n2.serverCount() == 2 })
	c1 := dial(t, n1.addr(), map[string]any{"name": "c1", "rooms": []string{"r1"}})
	c2 := dial(t, n2.addr(), map[string]any{"name": "c2", "rooms": []string{"r1"}})
	client := rs.Client(t)
	if mode == sharded.Dynamic {
		until(t, "r1's channels", func() bool { return subscribers(t, client, "socket.io#/#r1#") == 2 })
	}
	n1.ns.Emit("before")
	s := n1.sync(t)
	c1.expect(s, `["before"]`)
	c2.expect(s, `["before"]`)
	before := runtime.NumGoroutine()

	rs.Kill(t)
	// Local delivery goes on while Redis is away.
	n1.ns.Emit("down")
	if e := c1.next(); e != `["down"]` {
		t.Fatalf("c1 got %q while Redis was down", e)
	}
	rs.Restart(t)
	client = rs.Client(t)
	until(t, "both nodes resubscribed", func() bool { return n1.serverCount() == 2 && n2.serverCount() == 2 })
	if mode == sharded.Dynamic {
		until(t, "r1's channels back", func() bool { return subscribers(t, client, "socket.io#/#"+"r1#") == 2 })
	}
	// What n1 queued while Redis was down may or may not have reached n2:
	// drain c2 up to a sentinel sent now.
	s = n1.sync(t)
	for e := c2.next(); e != `["`+s+`"]`; e = c2.next() {
		if e != `["down"]` {
			t.Fatalf("c2 got %q", e)
		}
	}
	c1.expect(s)

	n2.ns.Emit("after")
	n2.ns.To("r1").Emit("room-after")
	s = n2.sync(t)
	c1.expect(s, `["after"]`, `["room-after"]`)
	c2.expect(s, `["after"]`, `["room-after"]`)
	sockets, err := n1.ns.FetchSockets(t.Context())
	if err != nil || len(sockets) != 2 {
		t.Fatalf("fetchSockets after the restart: %d sockets, %v", len(sockets), err)
	}
	// No goroutine piles up across the restart (generous slack: the
	// runtime and go-redis's pools come and go).
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before+4 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+4 {
		t.Fatalf("%d goroutines after the restart, %d before", n, before)
	}
}
