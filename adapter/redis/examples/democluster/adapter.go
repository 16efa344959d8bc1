package main

import (
	"log/slog"

	"github.com/redis/go-redis/v9"
	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/pubsub"
)

// clusterAdapter is the adapter every tornadio node of the demo uses: the
// classic pub/sub adapter, the one the Node node uses (createAdapter). Its
// publisher and subscriber connections both come from rdb's pool.
func clusterAdapter(rdb *redis.Client, logger *slog.Logger) adapter.Factory {
	return pubsub.New(rdb, nil, pubsub.WithLogger(logger))
}
