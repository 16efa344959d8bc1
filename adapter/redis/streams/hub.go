package streams

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
)

// receiver is a namespace's cluster adapter as the hub feeds it, from the
// hub's goroutines: messages read from the stream (Offset set to the entry
// id) and from the namespace's channels.
type receiver interface{ Receive(m *cluster.Message) }

// hub is what the namespaces of one Factory share, as the Node adapter's
// namespaces share one createAdapter: the stream readers (one blocking XREAD
// loop per stream, on its own connection) and the pub/sub subscription.
type hub struct {
	cfg    config
	client redis.UniversalClient

	mu        sync.Mutex
	byNsp     map[string]receiver
	byChannel map[string]receiver
	readers   map[string]*streamReader
	sub       *redis.PubSub            // the shared subscription (not sharded)
	sharded   map[string]*redis.PubSub // one per channel with sharded pub/sub
}

func newHub(client redis.UniversalClient, cfg config) *hub {
	return &hub{cfg: cfg, client: client, byNsp: map[string]receiver{}, byChannel: map[string]receiver{},
		readers: map[string]*streamReader{}, sharded: map[string]*redis.PubSub{}}
}

// register routes the entries of nsp's stream and the messages of its two
// channels to r, and starts the stream's reader if it has none. The
// subscription itself is subscribe's, which does Redis I/O.
func (h *hub) register(nsp, stream, public, private string, r receiver) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.byNsp[nsp] = r
	h.byChannel[public] = r
	h.byChannel[private] = r
	if sr := h.readers[stream]; sr != nil {
		sr.users++
		return
	}
	sr := newStreamReader(h, stream)
	sr.users = 1
	h.readers[stream] = sr
	go sr.run()
}

// unregister undoes register, stopping the stream's reader when no
// namespace reads it any more, and unsubscribes the channels.
func (h *hub) unregister(ctx context.Context, nsp, stream, public, private string) {
	h.mu.Lock()
	delete(h.byNsp, nsp)
	delete(h.byChannel, public)
	delete(h.byChannel, private)
	var stop *streamReader
	if sr := h.readers[stream]; sr != nil {
		if sr.users--; sr.users == 0 {
			delete(h.readers, stream)
			stop = sr
		}
	}
	sub := h.sub
	var shards []*redis.PubSub
	for _, ch := range []string{public, private} {
		if ps := h.sharded[ch]; ps != nil {
			shards = append(shards, ps)
			delete(h.sharded, ch)
		}
	}
	last := len(h.byNsp) == 0
	if last {
		h.sub = nil
	}
	h.mu.Unlock()
	if stop != nil {
		stop.stop()
	}
	for _, ps := range shards {
		_ = ps.Close()
	}
	if sub != nil {
		if last {
			_ = sub.Close()
		} else {
			_ = sub.Unsubscribe(ctx, public, private)
		}
	}
}

// subscribe subscribes the channels of a namespace: both in one SUBSCRIBE
// on the shared connection, or one SSUBSCRIBE each with sharded pub/sub, as
// Node does. go-redis keeps the channels even when the command fails (Redis
// away) and subscribes them again whenever it reconnects, so a failure is
// only reported.
func (h *hub) subscribe(ctx context.Context, public, private string) error {
	if h.cfg.useShardedPubSub {
		var firstErr error
		for _, ch := range []string{public, private} {
			ps := h.client.SSubscribe(ctx)
			if err := ps.SSubscribe(ctx, ch); err != nil && firstErr == nil {
				firstErr = err
			}
			h.mu.Lock()
			_, wanted := h.byChannel[ch]
			if wanted {
				h.sharded[ch] = ps
			}
			h.mu.Unlock()
			if !wanted {
				_ = ps.Close()
				continue
			}
			go h.listen(ps)
		}
		return firstErr
	}
	h.mu.Lock()
	ps, fresh := h.sub, false
	if ps == nil {
		ps, fresh = h.client.Subscribe(ctx), true
		h.sub = ps
	}
	h.mu.Unlock()
	err := ps.Subscribe(ctx, public, private)
	if fresh {
		go h.listen(ps)
	}
	return err
}

// listen hands every message of a subscription to its namespace until the
// subscription is closed.
func (h *hub) listen(ps *redis.PubSub) {
	for msg := range ps.Channel() {
		m, err := decodeEphemeral([]byte(msg.Payload))
		if err != nil {
			// As Node: an undecodable message is dropped.
			h.cfg.logger.Warn("streams: message dropped", "channel", msg.Channel, "err", err)
			continue
		}
		h.mu.Lock()
		r := h.byChannel[msg.Channel]
		h.mu.Unlock()
		if r != nil {
			r.Receive(m)
		}
	}
}

// deliverEntry hands a stream entry to its namespace, with its id as the
// message's offset.
func (h *hub) deliverEntry(m *cluster.Message, offset string) {
	h.mu.Lock()
	r := h.byNsp[m.Nsp]
	h.mu.Unlock()
	if r != nil {
		m.Offset = offset
		r.Receive(m)
	}
}
