package clustertest

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// The sharded kind's tornadio nodes: the sharded adapter in its default
// "dynamic" subscription mode, as cluster-node.js runs Node's.
func init() { NewTornadioNode["sharded"] = startTornadioShardedNode }

func startTornadioShardedNode(t testing.TB, redisAddr, name string) ClusterNode {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = client.Close() })
	return startGoNode(t, name, goNodeOptions{factory: sharded.New(client)})
}
