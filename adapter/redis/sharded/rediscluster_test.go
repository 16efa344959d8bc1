package sharded_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// TestRedisCluster: over a ClusterClient the channels of one namespace
// live in different slots (one subscription connection each, since go-redis
// renews a connection's channels in one SSUBSCRIBE, which must not cross
// slots) and the server count is summed over the masters.
func TestRedisCluster(t *testing.T) {
	addr := redistest.StartCluster(t).Addr()
	mk := func(name string) *goNode {
		client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{addr}})
		return startNodeWith(t, client, name)
	}
	n1, n2 := mk("n1"), mk("n2")
	until(t, "two servers", func() bool { return n1.serverCount() == 2 && n2.serverCount() == 2 })
	c1 := dial(t, n1.addr(), map[string]any{"name": "c1", "rooms": []string{"r1"}})
	c2 := dial(t, n2.addr(), map[string]any{"name": "c2"})
	probe := redis.NewClient(&redis.Options{Addr: addr})
	defer probe.Close()
	until(t, "r1's channel", func() bool { return subscribers(t, probe, "socket.io#/#r1#") == 1 })

	n2.ns.Emit("all")
	s := n2.sync(t)
	c1.expect(s, `["all"]`)
	c2.expect(s, `["all"]`)
	// The room's channel lives in another slot, read on another
	// connection: its messages keep no order with the base channel's.
	n2.ns.To("r1").Emit("room")
	if e := c1.next(); e != `["room"]` {
		t.Fatalf("c1 got %q", e)
	}
	c2.expect(n2.sync(t))
	sockets, err := n1.ns.FetchSockets(context.Background())
	if err != nil || len(sockets) != 2 {
		t.Fatalf("fetchSockets: %d sockets, %v", len(sockets), err)
	}
	answers := make(chan []string, 1)
	n2.ns.ServerSideEmit("ping", map[string]int{}, func(err error, r []string) {
		if err != nil {
			t.Error(err)
		}
		answers <- r
	})
	select {
	case r := <-answers:
		if strings.Join(r, ",") != "n1" {
			t.Fatalf("answers %q", r)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no answer")
	}
}
