package streams

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// streamReader is the blocking XREAD loop of one stream, shared by the
// namespaces whose messages go to it: XREAD COUNT readCount BLOCK blockTime
// STREAMS <stream> <last id>, from "$" (what is added from now on) and then
// from the id of the last entry read, so that after a Redis restart or an
// error it resumes where it was.
type streamReader struct {
	hub    *hub
	stream string
	users  int // namespaces reading it; the hub's lock guards it

	conn   redis.UniversalClient // its own connection when the client can be duplicated
	owned  bool
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	lastID string
}

func newStreamReader(h *hub, stream string) *streamReader {
	conn, owned := duplicate(h.client)
	ctx, cancel := context.WithCancel(context.Background())
	return &streamReader{hub: h, stream: stream, conn: conn, owned: owned, ctx: ctx, cancel: cancel,
		done: make(chan struct{}), lastID: "$"}
}

// duplicate returns a client of its own for a blocking reader, as Node's
// adapter duplicates its client, so that closing it interrupts the blocked
// XREAD; for a client of another kind, the client itself.
func duplicate(c redis.UniversalClient) (redis.UniversalClient, bool) {
	switch c := c.(type) {
	case *redis.Client:
		o := *c.Options()
		o.PoolSize, o.MinIdleConns, o.MaxIdleConns = 1, 0, 1
		return redis.NewClient(&o), true
	case *redis.ClusterClient:
		o := *c.Options()
		return redis.NewClusterClient(&o), true
	}
	return c, false
}

const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = time.Second
)

func (sr *streamReader) run() {
	defer close(sr.done)
	backoff, failing := minBackoff, false
	for sr.ctx.Err() == nil {
		res, err := sr.conn.XRead(sr.ctx, &redis.XReadArgs{
			Streams: []string{sr.stream, sr.lastID},
			Count:   sr.hub.cfg.readCount,
			Block:   sr.hub.cfg.blockTime,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			// Redis is away (or restarting): try again, without spinning,
			// and report the outage once.
			if !failing && sr.ctx.Err() == nil {
				sr.hub.cfg.logger.Warn("streams: XREAD failed, retrying", "stream", sr.stream, "err", err)
			}
			failing = true
			select {
			case <-sr.ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff, failing = minBackoff, false
		for _, s := range res {
			for _, e := range s.Messages {
				if m, err := decodeEntry(e.Values); err == nil {
					sr.hub.deliverEntry(m, e.ID)
				} else {
					sr.hub.cfg.logger.Warn("streams: entry dropped", "stream", sr.stream, "id", e.ID, "err", err)
				}
				sr.lastID = e.ID
			}
		}
	}
}

// stop ends the loop. With a connection of its own, closing it interrupts
// the XREAD and stop waits for the loop; otherwise the loop ends when the
// XREAD returns, within blockTime, and stop does not wait.
func (sr *streamReader) stop() {
	sr.cancel()
	if sr.owned {
		_ = sr.conn.Close()
		<-sr.done
	}
}
