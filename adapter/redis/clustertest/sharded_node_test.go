package clustertest

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// The sharded kind's tornadio nodes: the sharded adapter in its default
// "dynamic" subscription mode, as cluster-node.js runs Node's. Its room
// channels follow the rooms adapter.Local reports (WatchRooms); a Local
// without that hook cannot take part, and the kind's cluster skips.
func init() { NewTornadioNode["sharded"] = startTornadioShardedNode }

func startTornadioShardedNode(t testing.TB, redisAddr, name string) ClusterNode {
	t.Helper()
	if _, ok := any(adapter.NewLocal(adapter.Config{Loops: 1})).(interface {
		WatchRooms(func(room string, exists bool))
	}); !ok {
		t.Skip("sharded: adapter.Local does not report its rooms (WatchRooms), which the dynamic mode needs")
	}
	client := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = client.Close() })
	return startGoNode(t, name, goNodeOptions{factory: sharded.New(client)})
}
