package sharded

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
)

// New returns the factory of the sharded adapter over client (a
// *redis.Client, or a *redis.ClusterClient for Redis Cluster). The client
// serves every namespace; each namespace's adapter opens its own
// subscription connections and closes them in Close.
func New(client redis.UniversalClient, opts ...Option) adapter.Factory {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	return func(nsp string, local *adapter.Local) adapter.Adapter {
		return newAdapter(client, o, nsp, local)
	}
}

// Adapter is one namespace's sharded adapter. It counts its requests to
// the other nodes (adapter.RequestCounter).
type Adapter struct {
	*cluster.Adapter
	client          redis.UniversalClient
	opts            options
	channel         string // {prefix}#{nsp}#
	responseChannel string // {prefix}#{nsp}#{uid}#
	subs            *subscriber
	log             *slog.Logger // with the namespace and uid
}

var _ adapter.RequestCounter = (*Adapter)(nil)

func newAdapter(client redis.UniversalClient, o options, nsp string, local *adapter.Local) *Adapter {
	a := &Adapter{client: client, opts: o, channel: o.channelPrefix + "#" + nsp + "#"}
	a.Adapter = cluster.New(local, transport{a}, cluster.Options{RequestTimeout: o.requestsTimeout, Logger: o.logger})
	a.responseChannel = a.channel + a.UID() + "#"
	a.log = o.logger.With("nsp", nsp, "uid", a.UID())
	a.subs = newSubscriber(client, a.log, a.onRedisMessage)
	a.subs.subscribe(a.channel)
	a.subs.subscribe(a.responseChannel)
	if o.mode != Static {
		local.WatchRooms(a.RoomChanged)
	}
	if o.mode == DynamicPrivate {
		local.WatchMembers(a.RoomChanged) // a socket id is a room of its own
	}
	return a
}

// RoomChanged tells the adapter that room got its first member on this
// node (exists) or lost its last one; Local.WatchRooms calls it for the
// rooms members join. In the dynamic modes the adapter then subscribes to
// or unsubscribes from the room's channel, after checking the room's state
// at that time (so that a report overtaken by a later change does no
// harm). Never blocks.
func (a *Adapter) RoomChanged(room string, exists bool) {
	if a.opts.mode == Static {
		return
	}
	a.subs.reconcile(a.dynamicChannel(room), func() bool { return a.wantsRoomChannel(room) })
}

// wantsRoomChannel reports whether room's channel should be subscribed
// now: the room has a member on this node and, in Dynamic mode, is not
// one of this node's socket ids (Node's test: !sids.has(room)); in
// DynamicPrivate a socket's own id counts as its room.
func (a *Adapter) wantsRoomChannel(room string) bool {
	local := a.Local()
	if local.Member(room) != nil {
		return a.opts.mode == DynamicPrivate
	}
	return local.HasRoom(room)
}

func (a *Adapter) dynamicChannel(room string) string { return a.channel + room + "#" }

// computeChannel is where a message goes: a plain broadcast to exactly one
// room goes to the room's channel in the dynamic modes (in Dynamic, unless
// the room is named like a socket id: 20 characters), everything else to
// the base channel. A broadcast with acknowledgement never uses a room
// channel: the server count covers every node.
func (a *Adapter) computeChannel(m *cluster.Message) string {
	if m.Type != cluster.Broadcast || m.WithAck() || m.Opts == nil || len(m.Opts.Rooms) != 1 {
		return a.channel
	}
	room := m.Opts.Rooms[0]
	switch {
	case a.opts.mode == DynamicPrivate, a.opts.mode == Dynamic && !looksLikeSocketID(room):
		return a.dynamicChannel(room)
	}
	return a.channel
}

// looksLikeSocketID is Node's test: a string of length 20, in UTF-16 code
// units as JavaScript counts.
func looksLikeSocketID(room string) bool {
	if len(room) < 20 || len(room) > 80 {
		return false
	}
	n := 0
	for _, r := range room {
		if r > 0xFFFF {
			n += 2
		} else {
			n++
		}
	}
	return n == 20
}

// onRedisMessage handles one message from a subscription, on its reader
// goroutine.
func (a *Adapter) onRedisMessage(channel string, payload []byte) {
	m, err := cluster.Decode(payload)
	if err != nil {
		a.log.Warn("sharded: message dropped", "channel", channel, "err", err)
		return
	}
	a.Receive(m)
}

// Close unsubscribes (closing the subscription connections) and stops the
// adapter's publications once the queued ones are out.
func (a *Adapter) Close() error {
	err := a.Adapter.Close()
	a.subs.close()
	return err
}

// transport is the cluster.Transport over sharded pub/sub.
type transport struct{ a *Adapter }

func (t transport) Publish(ctx context.Context, m *cluster.Message) (string, error) {
	raw, err := m.Encode()
	if err != nil {
		return "", err
	}
	channel := t.a.computeChannel(m)
	if err := t.a.client.SPublish(ctx, channel, raw).Err(); err != nil {
		return "", fmt.Errorf("SPUBLISH %s: %w", channel, err)
	}
	return "", nil
}

func (t transport) PublishResponse(ctx context.Context, requesterUID string, m *cluster.Message) error {
	raw, err := m.Encode()
	if err != nil {
		return err
	}
	channel := t.a.channel + requesterUID + "#"
	if err := t.a.client.SPublish(ctx, channel, raw).Err(); err != nil {
		return fmt.Errorf("SPUBLISH %s: %w", channel, err)
	}
	return nil
}

// ServerCount is PUBSUB SHARDNUMSUB of the base channel: every node of the
// namespace subscribes to it. With Redis Cluster it is summed over the
// masters, as Node's redis clients do.
func (t transport) ServerCount(ctx context.Context) (int, error) {
	channel := t.a.channel
	count := func(ctx context.Context, c redis.Cmdable) (int64, error) {
		counts, err := c.PubSubShardNumSub(ctx, channel).Result()
		return counts[channel], err
	}
	var total int64
	var err error
	if cc, ok := t.a.client.(*redis.ClusterClient); ok {
		var mu sync.Mutex
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			n, err := count(ctx, c)
			mu.Lock()
			total += n
			mu.Unlock()
			return err
		})
	} else {
		total, err = count(ctx, t.a.client)
	}
	if err != nil {
		return 0, fmt.Errorf("PUBSUB SHARDNUMSUB %s: %w", channel, err)
	}
	return int(total), nil
}
