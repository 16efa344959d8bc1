package emitter

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// DefaultKey is the channel prefix of Node's Redis adapter and emitter.
const DefaultKey = "socket.io"

// Option configures an Emitter.
type Option func(*Emitter)

// WithKey sets the channel prefix, the adapter's key option; the default is
// DefaultKey. Every node of the cluster must use the same key.
func WithKey(key string) Option {
	return func(e *Emitter) { e.key = key }
}

// Emitter emits into one namespace of a Socket.IO cluster through Redis. It
// is immutable and safe for concurrent use; Of and the targeting methods
// return new values that share the Redis client.
type Emitter struct {
	client redis.UniversalClient
	key    string
	nsp    string
}

// New returns an Emitter for the main namespace "/" that publishes with
// client (a *redis.Client, *redis.ClusterClient or any UniversalClient).
// The client stays the caller's: the Emitter never closes it.
func New(client redis.UniversalClient, opts ...Option) *Emitter {
	e := &Emitter{client: client, key: DefaultKey, nsp: "/"}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Of returns an Emitter for the namespace nsp; a missing leading "/" is
// added, as Node does ("chat" is "/chat").
func (e *Emitter) Of(nsp string) *Emitter {
	if len(nsp) == 0 || nsp[0] != '/' {
		nsp = "/" + nsp
	}
	return &Emitter{client: e.client, key: e.key, nsp: nsp}
}

// Namespace is the emitter's namespace.
func (e *Emitter) Namespace() string { return e.nsp }

// Key is the channel prefix.
func (e *Emitter) Key() string { return e.key }

// broadcastChannel is where broadcasts to every socket (or to several
// rooms) go; a broadcast to exactly one room goes to its room channel,
// which the classic adapter's nodes receive through the same pattern.
func (e *Emitter) broadcastChannel() string { return e.key + "#" + e.nsp + "#" }

// requestChannel is the classic adapter's request channel of the namespace.
func (e *Emitter) requestChannel() string { return e.key + "-request#" + e.nsp + "#" }

func (e *Emitter) operator() *BroadcastOperator { return &BroadcastOperator{e: e} }

// To returns an operator that targets the sockets in any of rooms (a socket
// id is a room too).
func (e *Emitter) To(rooms ...string) *BroadcastOperator { return e.operator().To(rooms...) }

// In is To.
func (e *Emitter) In(rooms ...string) *BroadcastOperator { return e.operator().In(rooms...) }

// Except returns an operator that leaves out the sockets in any of rooms.
func (e *Emitter) Except(rooms ...string) *BroadcastOperator { return e.operator().Except(rooms...) }

// Volatile returns an operator whose events may be dropped for a client not
// ready to receive them.
func (e *Emitter) Volatile() *BroadcastOperator { return e.operator().Volatile() }

// Compress returns an operator with the compress flag set to compress.
func (e *Emitter) Compress(compress bool) *BroadcastOperator {
	return e.operator().Compress(compress)
}

// Emit sends the event to every socket of the namespace on every node; see
// BroadcastOperator.Emit.
func (e *Emitter) Emit(ctx context.Context, event string, args ...any) error {
	return e.operator().Emit(ctx, event, args...)
}

// SocketsJoin makes every socket of the namespace join rooms.
func (e *Emitter) SocketsJoin(ctx context.Context, rooms ...string) error {
	return e.operator().SocketsJoin(ctx, rooms...)
}

// SocketsLeave makes every socket of the namespace leave rooms.
func (e *Emitter) SocketsLeave(ctx context.Context, rooms ...string) error {
	return e.operator().SocketsLeave(ctx, rooms...)
}

// DisconnectSockets disconnects every socket of the namespace; with close
// the underlying connections are closed too.
func (e *Emitter) DisconnectSockets(ctx context.Context, close bool) error {
	return e.operator().DisconnectSockets(ctx, close)
}

// ServerSideEmit sends the event to the server-side listeners of the
// namespace on every node (Namespace.OnServerSideEmit in tornadio,
// io.on(event) in Node). Nobody can answer a process without a server, so
// no acknowledgement is asked; a function argument is refused with
// ErrAckNotSupported. The request is JSON: a []byte argument arrives as
// JSON.stringify writes a Node Buffer, {"type":"Buffer","data":[...]}.
func (e *Emitter) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	msg, err := serverSideEmitRequest(event, args)
	if err != nil {
		return err
	}
	return e.publish(ctx, e.requestChannel(), msg)
}

func (e *Emitter) publish(ctx context.Context, channel string, msg []byte) error {
	if err := e.client.Publish(ctx, channel, msg).Err(); err != nil {
		return fmt.Errorf("emitter: publish to %s: %w", channel, err)
	}
	return nil
}
