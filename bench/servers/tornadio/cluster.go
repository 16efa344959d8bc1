package main

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/pubsub"
)

// requestChannel is the pub/sub adapter's request channel of "/" with the
// default key: every node of the cluster subscribes to it, so PUBSUB NUMSUB
// of it counts the nodes (as the adapter's server count does).
const requestChannel = pubsub.DefaultKey + "-request#/#"

// cluster makes this server a node of a Redis cluster: the classic pub/sub
// adapter (Node's createAdapter) with its defaults, over one go-redis
// client for publishing and subscribing. Call it before NewServer, which
// creates the adapter of "/"; the returned wait blocks until that adapter
// has subscribed, so that no broadcast sent once the node reports ready
// misses it.
func cluster(addr string) (tornadio.Option, func() error, error) {
	client := redis.NewClient(&redis.Options{Addr: addr})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before, err := nodes(ctx, client)
	if err != nil {
		return nil, nil, fmt.Errorf("redis %s: %w", addr, err)
	}
	wait := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for {
			n, err := nodes(ctx, client)
			if err != nil {
				return fmt.Errorf("redis %s: waiting for the subscription: %w", addr, err)
			}
			if n > before {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("redis %s: not subscribed after 10 s", addr)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	return tornadio.WithAdapter(pubsub.New(client, nil)), wait, nil
}

// nodes is the number of subscribers of the request channel of "/".
func nodes(ctx context.Context, client *redis.Client) (int64, error) {
	m, err := client.PubSubNumSub(ctx, requestChannel).Result()
	if err != nil {
		return 0, err
	}
	return m[requestChannel], nil
}
