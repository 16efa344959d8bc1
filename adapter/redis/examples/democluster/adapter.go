package main

import (
	"log/slog"

	"github.com/redis/go-redis/v9"
	"github.com/tornadio/tornadio/adapter"
)

// clusterAdapter is the adapter every tornadio node of the demo uses.
func clusterAdapter(rdb *redis.Client, logger *slog.Logger) adapter.Factory {
	_, _ = rdb, logger
	return adapter.NewInMemory // until adapter/redis/pubsub is merged
}
