package sharded_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// goNode is a tornadio server with the sharded adapter: its sockets join
// the rooms of their auth payload and carry {name, node} as data; its
// server-side "ping" listener answers with the node's name and it counts
// the "relay" events other nodes send.
type goNode struct {
	name   string
	srv    *tornadio.Server
	ns     *tornadio.Namespace
	relays atomic.Int32
}

func startNode(t *testing.T, rs *redistest.Server, name string, opts ...sharded.Option) *goNode {
	t.Helper()
	return startNodeWith(t, redis.NewClient(&redis.Options{Addr: rs.Addr()}), name, opts...)
}

// startNodeWith starts a node over client, closed when the test ends.
func startNodeWith(t *testing.T, client redis.UniversalClient, name string, opts ...sharded.Option) *goNode {
	t.Helper()
	opts = append([]sharded.Option{sharded.WithRequestsTimeout(5 * time.Second), sharded.WithLogger(siotest.Quiet)}, opts...)
	n := &goNode{name: name}
	n.srv = tornadio.NewServer(tornadio.WithEventLoops(2), tornadio.WithAdapter(sharded.New(client, opts...)),
		tornadio.WithLogger(siotest.Quiet))
	n.ns = n.srv.Of("/")
	n.ns.OnConnection(siotest.JoinFromAuth(name))
	n.ns.OnServerSideEmit("ping", func(_ map[string]any, ack tornadio.Ack) { ack(name) })
	n.ns.OnServerSideEmit("relay", func(string) { n.relays.Add(1) })
	if err := n.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = n.ns.Adapter().Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = n.srv.Shutdown(ctx)
		_ = client.Close()
	})
	return n
}

func (n *goNode) addr() string { return n.srv.Addr() }

// until polls cond (a question to Redis or to a node) until it holds,
// failing after a generous deadline.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// serverCount is the node's count of the cluster, 0 on error.
func (n *goNode) serverCount() int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := n.ns.Adapter().ServerCount(ctx)
	if err != nil {
		return 0
	}
	return c
}

// subscribers is the number of nodes subscribed to a shard channel.
func subscribers(t *testing.T, client *redis.Client, channel string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := client.PubSubShardNumSub(ctx, channel).Result()
	if err != nil {
		return -1
	}
	return int(m[channel])
}

var syncs atomic.Int32

// sync broadcasts a sentinel from n to everyone and returns its name.
func (n *goNode) sync(t *testing.T) string {
	t.Helper()
	s := fmt.Sprintf("sync-%d", syncs.Add(1))
	if err := n.ns.Emit(s); err != nil {
		t.Fatal(err)
	}
	return s
}
