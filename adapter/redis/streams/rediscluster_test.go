package streams

import (
	"context"
	"encoding/json"
	"fmt"
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
	deadline := time.Now().Add(30 * time.Second)
	for c.Ping(ctx).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatal("redis-server in cluster mode never answered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		t.Fatal(err)
	}
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster state: %q, %v", info, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Over a ClusterClient (plain and sharded pub/sub): broadcasts, a
// server-side emit with answers, and a recovery across nodes.
func TestRedisCluster(t *testing.T) {
	addr := startRedisCluster(t)
	for _, sharded := range []bool{false, true} {
		t.Run(fmt.Sprintf("sharded=%v", sharded), func(t *testing.T) {
			mk := func(name string, notes chan string) *testNode {
				client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{addr}})
				t.Cleanup(func() { _ = client.Close() })
				return startNode(t, client, name, notes, WithShardedPubSub(sharded), WithChannelPrefix(fmt.Sprintf("sio%v", sharded)))
			}
			notes := make(chan string, 4)
			a, b := mk("A", notes), mk("B", notes)
			waitServerCount(t, a, 2)
			waitServerCount(t, b, 2)
			ca, _, pid := dialPoll(t, a.srv.Addr(), `{"rooms":["news"]}`, "")
			cb, _, _ := dialPoll(t, b.srv.Addr(), "", "")
			warmUp(t, []*testNode{a, b}, map[*testNode][]*pollClient{a: {ca}, b: {cb}})

			res := make(chan []string, 1)
			_ = b.ns.ServerSideEmit("ping", 1, func(err error, replies []string) { res <- replies })
			select {
			case r := <-res:
				if len(r) != 1 || r[0] != "A" {
					t.Fatalf("answers %q", r)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("no answer")
			}

			_ = b.ns.To("news").Emit("n", 1)
			offset := lastArg(t, ca.next(`42["n",1`))
			ca.leave()
			probe := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{addr}})
			defer probe.Close()
			deadline := time.Now().Add(20 * time.Second)
			for probe.Exists(context.Background(), "sio:session:"+pid).Val() != 1 {
				if time.Now().After(deadline) {
					t.Fatal("session never persisted")
				}
				time.Sleep(20 * time.Millisecond)
			}
			_ = a.ns.To("news").Emit("n", 2)
			_ = a.ns.Emit("n-end")
			cb.next(`42["n-end"`)
			var off string
			_ = json.Unmarshal([]byte(offset), &off)
			auth, _ := json.Marshal(map[string]string{"pid": pid, "offset": off})
			back, _, pid2 := dialPoll(t, b.srv.Addr(), string(auth), "")
			if pid2 != pid {
				t.Fatalf("not recovered: pid %q", pid2)
			}
			back.next(`42["n",2`)
			back.next(`42["n-end"`)
		})
	}
}
