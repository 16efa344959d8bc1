package streams

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// Over a ClusterClient (plain and sharded pub/sub): broadcasts, a
// server-side emit with answers, and a recovery across nodes.
func TestRedisCluster(t *testing.T) {
	addr := redistest.StartCluster(t).Addr()
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
