package sharded

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
)

// subscriber holds one adapter's shard-channel subscriptions: one go-redis
// PubSub (one connection) per shard, that is per hash slot with Redis
// Cluster (SSUBSCRIBE takes channels of one slot) and a single one
// otherwise, each with a reader goroutine. Subscription changes run in
// order on a queue of their own, never on the caller's goroutine.
type subscriber struct {
	client    redis.UniversalClient
	clustered bool
	log       *slog.Logger
	onMessage func(channel string, payload []byte)
	ops       *cluster.Queue

	// On the ops queue's goroutine only (and in close, after it ended).
	shards     map[int]*redis.PubSub
	reading    map[*redis.PubSub]bool
	subscribed map[string]bool

	readers sync.WaitGroup
}

func newSubscriber(client redis.UniversalClient, log *slog.Logger, onMessage func(string, []byte)) *subscriber {
	_, clustered := client.(*redis.ClusterClient)
	return &subscriber{
		client: client, clustered: clustered, log: log, onMessage: onMessage,
		ops:    cluster.NewQueue(),
		shards: map[int]*redis.PubSub{}, reading: map[*redis.PubSub]bool{}, subscribed: map[string]bool{},
	}
}

// subscribe queues an SSUBSCRIBE of channel.
func (s *subscriber) subscribe(channel string) {
	s.ops.Push(func(ctx context.Context) { s.set(ctx, channel, true) })
}

// reconcile queues a check of channel: subscribed if want says so then,
// unsubscribed otherwise.
func (s *subscriber) reconcile(channel string, want func() bool) {
	s.ops.Push(func(ctx context.Context) { s.set(ctx, channel, want()) })
}

// set subscribes to or unsubscribes from channel, unless it already is as
// wanted. On the ops goroutine.
func (s *subscriber) set(ctx context.Context, channel string, on bool) {
	if s.subscribed[channel] == on {
		return
	}
	ps := s.shard(channel)
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if on {
		s.subscribed[channel] = true
		// On failure go-redis keeps the channel and renews it with the
		// next connection; the reader also renews every channel after a
		// failure (resync).
		if err := ps.SSubscribe(ctx, channel); err != nil {
			s.log.Error("sharded: SSUBSCRIBE failed", "channel", channel, "err", err)
		}
		s.startReader(ps)
		return
	}
	delete(s.subscribed, channel)
	if err := ps.SUnsubscribe(ctx, channel); err != nil {
		s.log.Error("sharded: SUNSUBSCRIBE failed", "channel", channel, "err", err)
	}
}

// opTimeout bounds one subscription command.
const opTimeout = 5 * time.Second

// shard returns the PubSub of channel's shard, opening it (and starting
// its reader) the first time. On the ops goroutine.
func (s *subscriber) shard(channel string) *redis.PubSub {
	key := 0
	if s.clustered {
		key = int(hashSlot(channel))
	}
	ps := s.shards[key]
	if ps == nil {
		ps = s.client.SSubscribe(context.Background()) // no channel: no I/O yet
		s.shards[key] = ps
	}
	return ps
}

// startReader starts ps's reader once it has a channel (with Redis
// Cluster the connection goes to the node of its first channel). On the
// ops goroutine.
func (s *subscriber) startReader(ps *redis.PubSub) {
	if s.reading[ps] {
		return
	}
	s.reading[ps] = true
	s.readers.Add(1)
	go s.read(ps)
}

// read hands every message of ps to onMessage until ps is closed. After a
// failure (Redis gone or restarted) it retries with a growing pause; go-redis
// reconnects and resubscribes, and once the subscription is confirmed the
// reader has every channel of the shard renewed (resync), in case one was
// added while the connection was down.
func (s *subscriber) read(ps *redis.PubSub) {
	defer s.readers.Done()
	ctx := context.Background()
	failed := false
	pause := minPause
	for {
		msg, err := ps.Receive(ctx)
		if err != nil {
			if errors.Is(err, redis.ErrClosed) {
				return
			}
			if !failed {
				s.log.Warn("sharded: subscription lost", "err", err)
			}
			failed = true
			time.Sleep(pause)
			pause = min(2*pause, maxPause)
			continue
		}
		pause = minPause
		switch m := msg.(type) {
		case *redis.Message:
			s.onMessage(m.Channel, []byte(m.Payload))
		case *redis.Subscription:
			if failed {
				failed = false
				s.ops.Push(func(ctx context.Context) { s.resync(ctx, ps) })
			}
		}
	}
}

// The reader's pause after a failure grows from minPause to maxPause.
const (
	minPause = 50 * time.Millisecond
	maxPause = time.Second
)

// resync renews every subscribed channel of ps's shard. On the ops
// goroutine.
func (s *subscriber) resync(ctx context.Context, ps *redis.PubSub) {
	var channels []string
	for ch := range s.subscribed {
		if s.shard(ch) == ps {
			channels = append(channels, ch)
		}
	}
	if len(channels) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if err := ps.SSubscribe(ctx, channels...); err != nil {
		s.log.Error("sharded: renewing subscriptions failed", "channels", len(channels), "err", err)
	}
}

// close ends the subscriptions: the queued changes are dropped, every
// connection closed, every reader waited for.
func (s *subscriber) close() {
	s.ops.Close(0)
	for _, ps := range s.shards {
		_ = ps.Close()
	}
	s.readers.Wait()
}
