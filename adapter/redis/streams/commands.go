package streams

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// The Redis commands of one namespace, as the Node adapter sends them.

// xadd appends an entry to the stream: XADD <stream> MAXLEN ~ <maxLen> *
// <fields>; it returns the entry id.
func (h *hub) xadd(ctx context.Context, stream string, values []any) (string, error) {
	id, err := h.client.XAdd(ctx, &redis.XAddArgs{Stream: stream, MaxLen: h.cfg.maxLen, Approx: true, Values: values}).Result()
	if err != nil {
		return "", fmt.Errorf("streams: XADD %s: %w", stream, err)
	}
	return id, nil
}

// publish sends an ephemeral payload: PUBLISH, or SPUBLISH with sharded
// pub/sub.
func (h *hub) publish(ctx context.Context, channel string, payload []byte) error {
	var err error
	if h.cfg.useShardedPubSub {
		err = h.client.SPublish(ctx, channel, payload).Err()
	} else {
		err = h.client.Publish(ctx, channel, payload).Err()
	}
	if err != nil {
		return fmt.Errorf("streams: publish to %s: %w", channel, err)
	}
	return nil
}

// numSub is the number of subscribers of channel: PUBSUB NUMSUB (or
// SHARDNUMSUB), summed over the masters of a Redis Cluster as Node does.
func (h *hub) numSub(ctx context.Context, channel string) (int, error) {
	count := func(c redis.Cmdable) (int64, error) {
		var res map[string]int64
		var err error
		if h.cfg.useShardedPubSub {
			res, err = c.PubSubShardNumSub(ctx, channel).Result()
		} else {
			res, err = c.PubSubNumSub(ctx, channel).Result()
		}
		return res[channel], err
	}
	if cc, ok := h.client.(*redis.ClusterClient); ok {
		var sum atomic.Int64
		err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			n, err := count(c)
			sum.Add(n)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("streams: PUBSUB NUMSUB %s: %w", channel, err)
		}
		return int(sum.Load()), nil
	}
	n, err := count(h.client)
	if err != nil {
		return 0, fmt.Errorf("streams: PUBSUB NUMSUB %s: %w", channel, err)
	}
	return int(n), nil
}

// setSession stores a session: SET <key> <value> PX <ms>, always in
// milliseconds as Node sends it (go-redis's Set would switch to EX for
// whole seconds).
func (h *hub) setSession(ctx context.Context, key, value string, ms int64) error {
	if err := h.client.Do(ctx, "SET", key, value, "PX", strconv.FormatInt(ms, 10)).Err(); err != nil {
		return fmt.Errorf("streams: SET %s: %w", key, err)
	}
	return nil
}

// takeSession reads and deletes a session atomically: MULTI, GET, DEL,
// EXEC (Node's GETDEL for Redis before 6.2). "" when there is none.
func (h *hub) takeSession(ctx context.Context, key string) (string, error) {
	var get *redis.StringCmd
	_, err := h.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, key)
		p.Del(ctx, key)
		return nil
	})
	if err == redis.Nil {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("streams: GETDEL %s: %w", key, err)
	}
	return get.Val(), nil
}

// xrange reads the entries of the stream from start to end, both included.
func (h *hub) xrange(ctx context.Context, stream, start, end string) ([]redis.XMessage, error) {
	entries, err := h.client.XRange(ctx, stream, start, end).Result()
	if err != nil {
		return nil, fmt.Errorf("streams: XRANGE %s %s %s: %w", stream, start, end, err)
	}
	return entries, nil
}
