package clustertest

import (
	"io"
	"log/slog"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/tornadio/tornadio/adapter/redis/pubsub"
)

func init() { NewTornadioNode["pubsub"] = startPubsubNode }

// startPubsubNode is a tornadio node with the classic pub/sub adapter
// (one go-redis client: each namespace's subscriber gets its own
// connection from it).
func startPubsubNode(t testing.TB, redisAddr, name string) ClusterNode {
	client := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = client.Close() }) // after the node's own cleanup
	factory := pubsub.New(client, nil, pubsub.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	return startGoNode(t, name, goNodeOptions{factory: factory})
}
