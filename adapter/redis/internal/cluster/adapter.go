package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/internal/jsonstr"
)

// DefaultTimeout is how long a request waits for the other nodes' answers
// unless told otherwise (Node's DEFAULT_TIMEOUT).
const DefaultTimeout = 5 * time.Second

// publishTimeout bounds one publication, so that an unreachable Redis does
// not hold the queue behind it forever.
const publishTimeout = 5 * time.Second

// Transport carries one namespace's cluster messages. The Adapter calls it
// from its own goroutine, one call at a time, in the order of the
// operations; a Transport hands every message it receives to
// Adapter.Receive.
type Transport interface {
	// Publish sends m to every node of the namespace (this one may get it
	// back; Receive drops it). offset is the stream entry id when the
	// transport stores messages in a stream, else "".
	Publish(ctx context.Context, m *Message) (offset string, err error)
	// PublishResponse sends m to the node whose adapter uid is
	// requesterUID.
	PublishResponse(ctx context.Context, requesterUID string, m *Message) error
	// ServerCount is the number of nodes serving the namespace, this one
	// included.
	ServerCount(ctx context.Context) (int, error)
}

// Options tune an Adapter.
type Options struct {
	// UID is the adapter's uid; random 16 hex digits when empty (Node's
	// randomBytes(8)).
	UID string
	// RequestTimeout bounds FetchSockets (unless its options carry a
	// timeout) and ServerSideEmit with answers; DefaultTimeout when zero.
	RequestTimeout time.Duration
	// Logger reports failed publications and undecodable messages, with
	// the namespace and the adapter's uid as attributes; slog.Default()
	// when nil.
	Logger *slog.Logger
}

// Adapter is one namespace's cluster adapter: the namespace's Local plus
// the messages to and from the other nodes. It implements adapter.Adapter.
type Adapter struct {
	local   *adapter.Local
	t       Transport
	uid     string
	nsp     string
	timeout time.Duration
	log     *slog.Logger
	out     *Queue

	// Requests made of the other nodes and those that timed out (see
	// RequestStats).
	requestsSent, requestTimeouts atomic.Uint64

	mu       sync.Mutex
	requests map[string]*request              // fetchSockets and serverSideEmit awaiting answers
	acks     map[string]adapter.BroadcastAcks // broadcasts with acknowledgement, until their timeout
}

var (
	_ adapter.Adapter        = (*Adapter)(nil)
	_ adapter.RequestCounter = (*Adapter)(nil)
)

// New returns the cluster adapter of local's namespace over t. The
// transport may call Receive as soon as New returns.
func New(local *adapter.Local, t Transport, opts Options) *Adapter {
	a := &Adapter{
		local:    local,
		t:        t,
		uid:      opts.UID,
		nsp:      local.Namespace(),
		timeout:  opts.RequestTimeout,
		out:      NewQueue(),
		requests: make(map[string]*request),
		acks:     make(map[string]adapter.BroadcastAcks),
	}
	if a.uid == "" {
		a.uid = RandomID()
	}
	if a.timeout <= 0 {
		a.timeout = DefaultTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	a.log = log.With("nsp", a.nsp, "uid", a.uid)
	return a
}

// RandomID returns 16 random hex digits, as Node's cluster adapter makes
// its uids and request ids.
func RandomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// UID is the adapter's uid: the sender of its messages, and the name of its
// response channel.
func (a *Adapter) UID() string { return a.uid }

// Local is the namespace's local side.
func (a *Adapter) Local() *adapter.Local { return a.local }

// message makes an outgoing message from this adapter.
func (a *Adapter) message(t MessageType, data []byte, atts [][]byte) *Message {
	return &Message{Type: t, UID: a.uid, Nsp: a.nsp, Data: data, Attachments: atts}
}

// publish queues m for every node.
func (a *Adapter) publish(m *Message) {
	a.out.Push(func(ctx context.Context) { a.publishNow(ctx, m) })
}

// publishNow publishes m from the queue's goroutine.
func (a *Adapter) publishNow(ctx context.Context, m *Message) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	offset, err := a.t.Publish(ctx, m)
	if err != nil {
		a.log.Error("cluster: message not published", "type", int(m.Type), "err", err)
	}
	return offset, err
}

// respond queues m for the node whose uid is to.
func (a *Adapter) respond(to string, m *Message) {
	a.out.Push(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, publishTimeout)
		defer cancel()
		if err := a.t.PublishResponse(ctx, to, m); err != nil {
			a.log.Error("cluster: response not published", "type", int(m.Type), "to", to, "err", err)
		}
	})
}

// offsetsWanted reports whether broadcasts carry their offset to clients:
// connection state recovery is on.
func (a *Adapter) offsetsWanted() bool { return a.local.RecoveryWindow() > 0 }

// withOffset returns p with offset appended as its last argument when
// connection state recovery is on, the packet being recordable (not
// volatile) and the offset known; else p itself.
func (a *Adapter) withOffset(p *adapter.Packet, opts *adapter.Options, offset string) *adapter.Packet {
	if offset == "" || opts.Flags.Volatile || !a.offsetsWanted() {
		return p
	}
	q := *p
	q.Args = append(append(make([][]byte, 0, len(p.Args)+1), p.Args...), jsonstr.Append(nil, offset, false))
	return &q
}

// cloneOptions copies opts for a message that outlives the call.
func cloneOptions(opts *adapter.Options) *adapter.Options {
	o := *opts
	o.Rooms = append([]string(nil), opts.Rooms...)
	o.Except = append([]string(nil), opts.Except...)
	return &o
}

// Broadcast publishes p and delivers it to this node's matching sockets.
// With connection state recovery on, the local delivery waits for the
// publication's offset (the stream entry id) and appends it, as Node does.
func (a *Adapter) Broadcast(p *adapter.Packet, opts *adapter.Options) {
	if opts.Flags.Local {
		a.local.Broadcast(p, opts)
		return
	}
	m := a.message(Broadcast, broadcastData(p, opts, ""), p.Attachments)
	m.Opts = cloneOptions(opts)
	if !opts.Flags.Volatile && a.offsetsWanted() {
		a.out.Push(func(ctx context.Context) {
			offset, _ := a.publishNow(ctx, m)
			a.local.Broadcast(a.withOffset(p, m.Opts, offset), m.Opts)
		})
		return
	}
	a.publish(m)
	a.local.Broadcast(p, opts)
}

// BroadcastWithAck publishes p with a request id and delivers it locally;
// every node reports its client count and each client's answer to this one
// until the broadcast's timeout. acks.Servers gets the server count.
func (a *Adapter) BroadcastWithAck(p *adapter.Packet, opts *adapter.Options, acks adapter.BroadcastAcks) {
	if opts.Flags.Local {
		acks.Servers(1)
		a.local.BroadcastWithAck(p, opts, acks)
		return
	}
	id := RandomID()
	a.mu.Lock()
	a.acks[id] = acks
	a.mu.Unlock()
	timeout := opts.Flags.Timeout
	if timeout <= 0 {
		timeout = a.timeout
	}
	// No node can know when every client has answered: forget the request
	// after its timeout, as Node does.
	a.local.AfterFunc(timeout, func() {
		a.mu.Lock()
		delete(a.acks, id)
		a.mu.Unlock()
	})
	m := a.message(Broadcast, broadcastData(p, opts, id), p.Attachments)
	m.Opts, m.RequestID = cloneOptions(opts), id
	a.out.Push(func(ctx context.Context) {
		a.publishNow(ctx, m)
		n, err := a.serverCount(ctx)
		if err != nil {
			a.log.Warn("cluster: server count failed, counting this node only", "err", err)
			n = 1
		}
		acks.Servers(n)
	})
	a.local.BroadcastWithAck(p, opts, acks)
}

// AddSockets makes the matching sockets of every node join rooms.
func (a *Adapter) AddSockets(opts *adapter.Options, rooms []string) {
	a.local.AddSockets(opts, rooms)
	if !opts.Flags.Local {
		m := a.message(SocketsJoin, roomsData(opts, rooms), nil)
		m.Opts = cloneOptions(opts)
		a.publish(m)
	}
}

// DelSockets makes the matching sockets of every node leave rooms.
func (a *Adapter) DelSockets(opts *adapter.Options, rooms []string) {
	a.local.DelSockets(opts, rooms)
	if !opts.Flags.Local {
		m := a.message(SocketsLeave, roomsData(opts, rooms), nil)
		m.Opts = cloneOptions(opts)
		a.publish(m)
	}
}

// DisconnectSockets disconnects the matching sockets of every node.
func (a *Adapter) DisconnectSockets(opts *adapter.Options, close bool) {
	a.local.DisconnectSockets(opts, close)
	if !opts.Flags.Local {
		m := a.message(DisconnectSockets, disconnectData(opts, close), nil)
		m.Opts = cloneOptions(opts)
		a.publish(m)
	}
}

// ServerCount asks the transport.
func (a *Adapter) ServerCount(ctx context.Context) (int, error) { return a.serverCount(ctx) }

func (a *Adapter) serverCount(ctx context.Context) (int, error) {
	n, err := a.t.ServerCount(ctx)
	if err != nil {
		return 0, fmt.Errorf("cluster: server count: %w", err)
	}
	return n, nil
}

// AllRooms lists this node's rooms: Node's ClusterAdapter has no request
// for the other nodes' rooms, so a Node node answers with its own too.
func (a *Adapter) AllRooms(context.Context) ([]string, error) { return a.local.Rooms(), nil }

// Close stops publishing (what is queued gets a second to go out) and
// fails the pending requests' waits at their timeouts as usual.
func (a *Adapter) Close() error {
	a.out.Close(time.Second)
	return nil
}
