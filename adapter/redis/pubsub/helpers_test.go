package pubsub_test

import (
	"time"

	"github.com/tornadio/tornadio/adapter/redis/pubsub"
)

func pubsubTimeout(d time.Duration) pubsub.Option { return pubsub.WithRequestsTimeout(d) }
