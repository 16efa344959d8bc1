package streams

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
)

// New returns the Factory of the Redis Streams adapter over client (a
// *redis.Client or *redis.ClusterClient; the stream readers duplicate it to
// have connections of their own). The namespaces the Factory makes share
// the stream readers and the pub/sub connection, as the namespaces of one
// Node createAdapter do.
func New(client redis.UniversalClient, opts ...Option) adapter.Factory {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	h := newHub(client, cfg)
	return func(nsp string, local *adapter.Local) adapter.Adapter { return newAdapter(h, nsp, local) }
}

// Adapter is one namespace's Redis Streams adapter: Node's ClusterAdapter
// (adapter.Adapter) over the stream and the namespace's channels, and the
// namespace's connection state recovery store (adapter.SessionStore). It
// counts its requests to the other nodes (adapter.RequestCounter).
type Adapter struct {
	*cluster.Adapter
	h       *hub
	nsp     string
	stream  string
	public  string
	private string
	local   *adapter.Local

	mu      sync.Mutex
	closed  bool
	jobs    sync.WaitGroup           // the subscription and session I/O in flight
	storing map[string]chan struct{} // per pid, closed once its session is stored
	ctx     context.Context
	cancel  context.CancelFunc
	log     *slog.Logger // with the namespace and uid
}

var (
	_ adapter.Adapter        = (*Adapter)(nil)
	_ adapter.SessionStore   = (*Adapter)(nil)
	_ adapter.RequestCounter = (*Adapter)(nil)
)

// ioTimeout bounds the Redis commands of one session operation or
// subscription.
const ioTimeout = 10 * time.Second

func newAdapter(h *hub, nsp string, local *adapter.Local) *Adapter {
	a := &Adapter{h: h, nsp: nsp, local: local,
		stream: streamName(h.cfg.streamName, h.cfg.streamCount, nsp),
		public: publicChannel(h.cfg.channelPrefix, nsp)}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	a.Adapter = cluster.New(local, transport{a}, cluster.Options{RequestTimeout: h.cfg.requestsTimeout, Logger: h.cfg.logger})
	a.log = h.cfg.logger.With("nsp", nsp, "uid", a.UID())
	a.private = privateChannel(h.cfg.channelPrefix, nsp, a.UID())
	h.register(nsp, a.stream, a.public, a.private, a.Adapter)
	a.goIO(func(ctx context.Context) {
		// go-redis subscribes again on its next connection: only reported.
		if err := h.subscribe(ctx, a.public, a.private); err != nil {
			a.log.Warn("streams: subscribe failed", "err", err)
		}
	})
	return a
}

// goIO runs Redis work off the caller's goroutine (never on an event
// loop), unless the adapter is closed.
func (a *Adapter) goIO(fn func(ctx context.Context)) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false
	}
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		ctx, cancel := context.WithTimeout(a.ctx, ioTimeout)
		defer cancel()
		fn(ctx)
	}()
	return true
}

// Stream is the name of the stream the namespace's persistent messages go
// to.
func (a *Adapter) Stream() string { return a.stream }

// PersistSession keeps s for the recovery window: SET
// {sessionKeyPrefix}{pid} base64(msgpack(s)) PX <window in ms>.
func (a *Adapter) PersistSession(s *adapter.Session) {
	window := a.local.RecoveryWindow()
	if window <= 0 {
		return
	}
	value, err := encodeSession(s)
	if err != nil {
		a.log.Error("streams: session not stored", "pid", s.PID, "err", err)
		return
	}
	key, pid := a.h.cfg.sessionKeyPrefix+s.PID, s.PID
	stored := make(chan struct{})
	a.mu.Lock()
	if a.storing == nil {
		a.storing = make(map[string]chan struct{})
	}
	a.storing[pid] = stored
	a.mu.Unlock()
	started := a.goIO(func(ctx context.Context) {
		if err := a.h.setSession(ctx, key, value, window.Milliseconds()); err != nil {
			a.log.Error("streams: session not stored", "pid", pid, "err", err)
		}
		a.stored(pid, stored)
	})
	if !started {
		a.stored(pid, stored)
	}
}

// stored marks the session of pid stored (or given up).
func (a *Adapter) stored(pid string, stored chan struct{}) {
	a.mu.Lock()
	if a.storing[pid] == stored {
		delete(a.storing, pid)
	}
	a.mu.Unlock()
	close(stored)
}

// awaitStored waits until a session of pid this node is storing is in
// Redis: a client that comes back at once to the node it left must find
// its session (Node sends both commands in order on one connection).
func (a *Adapter) awaitStored(ctx context.Context, pid string) {
	a.mu.Lock()
	stored := a.storing[pid]
	a.mu.Unlock()
	if stored != nil {
		select {
		case <-stored:
		case <-ctx.Done():
		}
	}
}

// RestoreSession takes the session pid and the broadcasts it missed since
// offset from Redis, on a goroutine of its own, and calls done with them
// (done(nil, nil) when the session cannot be recovered).
func (a *Adapter) RestoreSession(pid, offset string, done func(s *adapter.Session, missed []*adapter.Packet)) {
	started := a.goIO(func(ctx context.Context) {
		a.awaitStored(ctx, pid)
		s, missed, err := a.h.restore(ctx, a.nsp, a.stream, pid, offset)
		if err != nil || s == nil {
			done(nil, nil)
			return
		}
		done(s, missed)
	})
	if !started {
		done(nil, nil)
	}
}

// Close leaves the cluster: the messages queued get a second to go out,
// the namespace's channels are unsubscribed, and its stream reader stops
// when no namespace reads the stream any more.
func (a *Adapter) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	a.mu.Unlock()
	err := a.Adapter.Close()
	// The subscription and the sessions being stored finish first (each
	// within ioTimeout), so that nothing subscribes after the unsubscribe.
	a.jobs.Wait()
	a.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	a.h.unregister(ctx, a.nsp, a.stream, a.public, a.private)
	return err
}

// transport carries the namespace's messages for its cluster adapter.
type transport struct{ a *Adapter }

// Publish appends a persistent message to the stream (its entry id is the
// offset), or publishes an ephemeral one on the namespace's channel.
func (t transport) Publish(ctx context.Context, m *cluster.Message) (string, error) {
	h := t.a.h
	if ephemeral(m) {
		payload, err := encodeEphemeral(m)
		if err != nil {
			return "", err
		}
		return "", h.publish(ctx, t.a.public, payload)
	}
	values, err := entryValues(m, h.cfg.onlyPlaintext)
	if err != nil {
		return "", err
	}
	return h.xadd(ctx, t.a.stream, values)
}

// PublishResponse publishes m on the requester's own channel.
func (t transport) PublishResponse(ctx context.Context, requesterUID string, m *cluster.Message) error {
	payload, err := encodeEphemeral(m)
	if err != nil {
		return err
	}
	return t.a.h.publish(ctx, privateChannel(t.a.h.cfg.channelPrefix, t.a.nsp, requesterUID), payload)
}

// ServerCount is the number of subscribers of the namespace's public
// channel.
func (t transport) ServerCount(ctx context.Context) (int, error) {
	return t.a.h.numSub(ctx, t.a.public)
}
