package pubsub

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
	"github.com/tornadio/tornadio/adapter"
)

// New returns the factory of the classic pub/sub adapter (Node's
// createAdapter(pubClient, subClient, opts)). pub publishes and asks for
// the server count; sub opens each namespace's subscriber connection (go-redis
// gives every PubSub a connection of its own, so sub may be pub itself, and
// nil means pub). Every namespace of the server gets its own adapter, uid
// and subscriptions.
func New(pub, sub redis.UniversalClient, opts ...Option) adapter.Factory {
	cfg := newConfig(opts)
	if sub == nil {
		sub = pub
	}
	return func(nsp string, local *adapter.Local) adapter.Adapter {
		return newAdapter(nsp, local, pub, sub, cfg)
	}
}

// Adapter is one namespace's pub/sub adapter. Its methods never wait for
// Redis except those with a context (FetchSockets, ServerCount, AllRooms),
// which wait for the server count and the other nodes' answers.
type Adapter struct {
	local *adapter.Local
	cfg   config
	pub   redis.UniversalClient
	nsp   string
	uid   string

	channel                 string // {key}#{nsp}#, broadcasts
	requestChannel          string // {key}-request#{nsp}#
	responseChannel         string // {key}-response#{nsp}#
	specificResponseChannel string // {key}-response#{nsp}#{uid}#

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	out    *publisher
	ps     *redis.PubSub
	wg     sync.WaitGroup

	// Requests made of the other nodes and those that timed out (see
	// RequestStats).
	requestsSent, requestTimeouts atomic.Uint64

	mu          sync.Mutex
	closed      bool
	requests    map[string]*request               // waiting for other nodes' answers
	ackRequests map[string]*adapter.BroadcastAcks // broadcasts with ack, until their timeout
}

var (
	_ adapter.Adapter        = (*Adapter)(nil)
	_ adapter.RequestCounter = (*Adapter)(nil)
)

func newAdapter(nsp string, local *adapter.Local, pub, sub redis.UniversalClient, cfg config) *Adapter {
	a := &Adapter{
		local:       local,
		cfg:         cfg,
		pub:         pub,
		nsp:         nsp,
		uid:         newUID(6),
		requests:    make(map[string]*request),
		ackRequests: make(map[string]*adapter.BroadcastAcks),
	}
	a.channel = cfg.key + "#" + nsp + "#"
	a.requestChannel = cfg.key + "-request#" + nsp + "#"
	a.responseChannel = cfg.key + "-response#" + nsp + "#"
	a.specificResponseChannel = a.responseChannel + a.uid + "#"
	a.ctx, a.cancel = context.WithCancel(context.Background())
	a.out = newPublisher(pub, cfg.logger.With("nsp", nsp, "uid", a.uid), cfg.queueSize)
	// No channel yet: go-redis opens the connection on the first
	// subscription, which the reader does, off the caller's goroutine.
	a.ps = sub.Subscribe(a.ctx)
	a.wg.Add(2)
	go func() { defer a.wg.Done(); a.out.run(a.ctx) }()
	go func() { defer a.wg.Done(); a.read() }()
	return a
}

// UID is the adapter's server uid, as it signs its messages.
func (a *Adapter) UID() string { return a.uid }

// Broadcast delivers p to this node's matching sockets and, unless the
// Local flag is set, publishes it to the other nodes.
func (a *Adapter) Broadcast(p *adapter.Packet, opts *adapter.Options) {
	if !opts.Flags.Local {
		a.publishBroadcast(p, opts)
	}
	a.local.Broadcast(p, opts)
}

func (a *Adapter) publishBroadcast(p *adapter.Packet, opts *adapter.Options) {
	wire := *p
	wire.Nsp = a.nsp
	msg, err := encodeBroadcast(a.uid, &wire, opts)
	if err != nil {
		a.cfg.logger.Error("pubsub: broadcast not published", "nsp", a.nsp, "event", p.Event, "err", err)
		return
	}
	channel := a.channel
	if len(opts.Rooms) == 1 {
		channel += opts.Rooms[0] + "#"
	}
	a.out.enqueue(job{channel: channel, payload: msg})
}

// BroadcastWithAck delivers p with an acknowledgement here and, unless
// Local, on the other nodes: each reports its client count and every
// client's answer. acks.Servers gets the server count (PUBSUB NUMSUB) once
// the request is published.
func (a *Adapter) BroadcastWithAck(p *adapter.Packet, opts *adapter.Options, acks adapter.BroadcastAcks) {
	if opts.Flags.Local {
		acks.Servers(1)
		a.local.BroadcastWithAck(p, opts, acks)
		return
	}
	requestID := newUID(6)
	wire := *p
	wire.Nsp = a.nsp
	msg, err := encodeBroadcastRequest(a.uid, requestID, &wire, opts)
	if err != nil {
		a.cfg.logger.Error("pubsub: broadcast with ack not published", "nsp", a.nsp, "event", p.Event, "err", err)
		acks.Servers(1)
		a.local.BroadcastWithAck(p, opts, acks)
		return
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		acks.Servers(1)
		a.local.BroadcastWithAck(p, opts, acks)
		return
	}
	a.ackRequests[requestID] = &acks
	a.mu.Unlock()
	// As Node, the request is forgotten after the broadcast's own timeout:
	// later answers are too late anyway.
	timeout := opts.Flags.Timeout
	if timeout <= 0 {
		timeout = a.cfg.requestsTimeout
	}
	a.local.AfterFunc(timeout, func() {
		a.mu.Lock()
		delete(a.ackRequests, requestID)
		a.mu.Unlock()
	})
	servers := func(n int) { acks.Servers(max(n, 1)) }
	a.out.enqueue(job{
		run: func(ctx context.Context) {
			if err := a.pub.Publish(ctx, a.requestChannel, msg).Err(); err != nil {
				a.cfg.logger.Warn("pubsub: broadcast with ack not published", "nsp", a.nsp, "err", err)
				servers(1)
				return
			}
			n, err := a.serverCount(ctx)
			if err != nil {
				n = 1
			}
			servers(n)
		},
		fail: func(error) { servers(1) },
	})
	a.local.BroadcastWithAck(p, opts, acks)
}

// AddSockets makes the matching sockets of every node join rooms: at once
// here, and through a REMOTE_JOIN request elsewhere (this node ignores its
// own request coming back).
func (a *Adapter) AddSockets(opts *adapter.Options, rooms []string) {
	a.local.AddSockets(opts, rooms)
	if !opts.Flags.Local {
		a.out.enqueue(job{channel: a.requestChannel, payload: encodeRoomsRequest(a.uid, typeRemoteJoin, opts, rooms)})
	}
}

// DelSockets makes the matching sockets of every node leave rooms, as
// AddSockets.
func (a *Adapter) DelSockets(opts *adapter.Options, rooms []string) {
	a.local.DelSockets(opts, rooms)
	if !opts.Flags.Local {
		a.out.enqueue(job{channel: a.requestChannel, payload: encodeRoomsRequest(a.uid, typeRemoteLeave, opts, rooms)})
	}
}

// DisconnectSockets disconnects the matching sockets of every node, as
// AddSockets.
func (a *Adapter) DisconnectSockets(opts *adapter.Options, close bool) {
	a.local.DisconnectSockets(opts, close)
	if !opts.Flags.Local {
		a.out.enqueue(job{channel: a.requestChannel, payload: encodeDisconnectRequest(a.uid, opts, close)})
	}
}

// FetchSockets returns the matching sockets of every node. It waits for
// every other node's answer, the request timeout or ctx, whichever comes
// first; on a timeout it returns the sockets it has with a
// *adapter.TimeoutError.
func (a *Adapter) FetchSockets(ctx context.Context, opts *adapter.Options) ([]adapter.SocketInfo, error) {
	sockets := a.local.FetchSockets(opts)
	if opts.Flags.Local {
		return sockets, nil
	}
	n, err := a.serverCount(ctx)
	if err != nil {
		return sockets, err
	}
	if n <= 1 {
		return sockets, nil
	}
	req := a.startRequest(typeRemoteFetch, n-1, nil)
	a.out.enqueue(job{channel: a.requestChannel, payload: encodeFetchRequest(a.uid, req.id, opts), fail: req.finish})
	err = a.wait(ctx, req)
	return append(sockets, req.sockets...), err
}

// AllRooms lists the rooms that have a member on any node, as FetchSockets
// waits for the others.
func (a *Adapter) AllRooms(ctx context.Context) ([]string, error) {
	rooms := a.local.Rooms()
	n, err := a.serverCount(ctx)
	if err != nil {
		return rooms, err
	}
	if n <= 1 {
		return rooms, nil
	}
	req := a.startRequest(typeAllRooms, n-1, nil)
	a.out.enqueue(job{channel: a.requestChannel, payload: encodeAllRoomsRequest(a.uid, req.id), fail: req.finish})
	err = a.wait(ctx, req)
	return uniqueRooms(rooms, req.rooms), err
}

func uniqueRooms(local, remote []string) []string {
	seen := make(map[string]struct{}, len(local)+len(remote))
	out := make([]string, 0, len(local)+len(remote))
	for _, list := range [][]string{local, remote} {
		for _, r := range list {
			if _, dup := seen[r]; !dup {
				seen[r] = struct{}{}
				out = append(out, r)
			}
		}
	}
	return out
}

// ServerSideEmit sends p to this namespace's listeners on the other nodes.
// With done, it counts the servers, waits for as many answers as there
// are other nodes (or the request timeout) and calls done once, from the
// adapter's goroutine or an event loop. It never waits itself.
func (a *Adapter) ServerSideEmit(p *adapter.Packet, done func(err error, replies []adapter.Reply)) error {
	if done == nil {
		a.out.enqueue(job{channel: a.requestChannel, payload: encodeServerSideEmit(a.uid, "", p)})
		return nil
	}
	requestID := newUID(6)
	msg := encodeServerSideEmit(a.uid, requestID, p)
	a.out.enqueue(job{
		run: func(ctx context.Context) {
			n, err := a.serverCount(ctx)
			if err != nil {
				done(err, nil)
				return
			}
			if n <= 1 {
				done(nil, nil)
				return
			}
			var req *request
			req = a.startRequestID(requestID, typeServerSideEmit, n-1, func(err error) { done(err, req.replies) })
			if err := a.pub.Publish(ctx, a.requestChannel, msg).Err(); err != nil {
				req.finish(fmt.Errorf("pubsub: server-side emit: %w", err))
			}
		},
		fail: func(err error) { done(err, nil) },
	})
	return nil
}

// ServerCount is the number of nodes subscribed to this namespace's
// request channel, this one included (PUBSUB NUMSUB, summed over the
// masters of a Redis Cluster).
func (a *Adapter) ServerCount(ctx context.Context) (int, error) { return a.serverCount(ctx) }

func (a *Adapter) serverCount(ctx context.Context) (int, error) {
	if cc, ok := a.pub.(*redis.ClusterClient); ok {
		var mu sync.Mutex
		total := 0
		err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			m, err := c.PubSubNumSub(ctx, a.requestChannel).Result()
			mu.Lock()
			total += int(m[a.requestChannel])
			mu.Unlock()
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("pubsub: server count: %w", err)
		}
		return total, nil
	}
	m, err := a.pub.PubSubNumSub(ctx, a.requestChannel).Result()
	if err != nil {
		return 0, fmt.Errorf("pubsub: server count: %w", err)
	}
	return int(m[a.requestChannel]), nil
}

// Close unsubscribes (the subscriber connection closes), stops the
// adapter's goroutines and ends the requests still waiting with ErrClosed.
// It waits for Redis calls in flight, so do not call it on an event loop.
func (a *Adapter) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	pending := make([]*request, 0, len(a.requests))
	for _, r := range a.requests {
		pending = append(pending, r)
	}
	clear(a.ackRequests)
	a.mu.Unlock()
	a.cancel()
	err := a.ps.Close()
	a.wg.Wait()
	for _, r := range pending {
		r.finish(ErrClosed)
	}
	if err != nil {
		return fmt.Errorf("pubsub: closing the subscriber of %s: %w", a.nsp, err)
	}
	return nil
}
