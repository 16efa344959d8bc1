package clustertest

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/streams"
)

// The streams kind's tornadio nodes: the Redis Streams adapter with its
// defaults, connection state recovery on (as cluster-node.js runs Node's).
func init() { NewTornadioNode["streams"] = startTornadioStreamsNode }

func startTornadioStreamsNode(t testing.TB, redisAddr, name string) ClusterNode {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = client.Close() })
	return startGoNode(t, name, goNodeOptions{factory: streams.New(client), recovery: true})
}
