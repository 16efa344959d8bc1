package clustertest

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
	"github.com/tornadio/tornadio/adapter/redis/pubsub"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
	"github.com/tornadio/tornadio/adapter/redis/streams"
)

// The tornadio nodes of the three kinds, each adapter with its defaults
// (as cluster-node.js runs Node's): pubsub with one go-redis client (each
// namespace's subscriber gets its own connection from it), sharded in its
// default "dynamic" subscription mode, and streams with connection state
// recovery on.
func init() {
	NewTornadioNode["pubsub"] = tornadioNode(func(c *redis.Client) adapter.Factory {
		return pubsub.New(c, nil, pubsub.WithLogger(siotest.Quiet))
	}, false)
	NewTornadioNode["sharded"] = tornadioNode(func(c *redis.Client) adapter.Factory {
		return sharded.New(c, sharded.WithLogger(siotest.Quiet))
	}, false)
	NewTornadioNode["streams"] = tornadioNode(func(c *redis.Client) adapter.Factory {
		return streams.New(c, streams.WithLogger(siotest.Quiet))
	}, true)
}

// tornadioNode starts a tornadio node whose adapter factory uses a Redis
// client of its own, closed after the node.
func tornadioNode(factory func(*redis.Client) adapter.Factory, recovery bool) func(t testing.TB, redisAddr, name string) ClusterNode {
	return func(t testing.TB, redisAddr, name string) ClusterNode {
		t.Helper()
		client := redis.NewClient(&redis.Options{Addr: redisAddr})
		t.Cleanup(func() { _ = client.Close() }) // after the node's own cleanup
		return startGoNode(t, name, goNodeOptions{factory: factory(client), recovery: recovery})
	}
}
