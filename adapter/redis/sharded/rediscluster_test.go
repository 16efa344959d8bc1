package sharded_test

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// startRedisCluster runs a one-node Redis Cluster (every slot on one
// redis-server in cluster mode) on a free loopback port, killed when the
// test ends, and returns its address.
func startRedisCluster(t *testing.T) string {
	t.Helper()
	bin := redistest.Require(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := t.TempDir()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
		"--cluster-config-file", dir+"/nodes.conf", "--dir", dir, "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx := context.Background()
	until(t, "redis-server in cluster mode", func() bool { return c.Ping(ctx).Err() == nil })
	if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		t.Fatal(err)
	}
	until(t, "the cluster's state ok", func() bool {
		info, err := c.ClusterInfo(ctx).Result()
		return err == nil && strings.Contains(info, "cluster_state:ok")
	})
	return addr
}

// TestRedisCluster: over a ClusterClient the channels of one namespace
// live in different slots (one subscription connection each, since go-redis
// renews a connection's channels in one SSUBSCRIBE, which must not cross
// slots) and the server count is summed over the masters.
func TestRedisCluster(t *testing.T) {
	addr := startRedisCluster(t)
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
