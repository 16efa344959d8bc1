package tornadio

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tornadio/tornadio/adapter"
)

// ErrParentAck is returned by an Emit with an ack callback on a parent
// namespace made by OfFunc: ask each child namespace instead.
var ErrParentAck = errors.New("tornadio: a broadcast with an ack callback on a parent namespace")

// ErrAckTimeout is what an acknowledgement callback receives when the
// answer did not come in time.
var ErrAckTimeout = errors.New("tornadio: operation has timed out")

// BroadcastOperator selects sockets of a namespace and acts on them all:
// Emit, SocketsJoin, SocketsLeave, DisconnectSockets, FetchSockets. Build
// it with Namespace.To, In, Except, Local, Volatile, Compress, Timeout (or
// the same methods of Socket, which leave the socket itself out). Each
// method returns a new operator; operators are safe from any goroutine.
type BroadcastOperator struct {
	ns     *Namespace
	rooms  []string
	except []string
	flags  adapter.Flags
}

func (b *BroadcastOperator) clone() *BroadcastOperator {
	c := *b
	c.rooms = append([]string(nil), b.rooms...)
	c.except = append([]string(nil), b.except...)
	return &c
}

// To adds rooms: the broadcast reaches sockets in any of them.
func (b *BroadcastOperator) To(rooms ...string) *BroadcastOperator {
	c := b.clone()
	c.rooms = appendUnique(c.rooms, rooms)
	return c
}

// In is To.
func (b *BroadcastOperator) In(rooms ...string) *BroadcastOperator { return b.To(rooms...) }

// Except leaves out sockets in any of rooms (a socket id is a room too).
func (b *BroadcastOperator) Except(rooms ...string) *BroadcastOperator {
	c := b.clone()
	c.except = appendUnique(c.except, rooms)
	return c
}

// Local keeps the broadcast on this node.
func (b *BroadcastOperator) Local() *BroadcastOperator {
	c := b.clone()
	c.flags.Local = true
	return c
}

// Volatile drops the packet for sockets whose transport cannot take it
// right now, instead of queueing it.
func (b *BroadcastOperator) Volatile() *BroadcastOperator {
	c := b.clone()
	c.flags.Volatile = true
	return c
}

// Compress sets whether the packet may be compressed (permessage-deflate,
// for the clients whose websocket agreed to it, when the packet reaches
// PerMessageDeflate.Threshold). It may by default, as in Node:
// Compress(false) sends it uncompressed.
func (b *BroadcastOperator) Compress(on bool) *BroadcastOperator {
	c := b.clone()
	c.flags.NoCompress = !on
	return c
}

// Timeout sets how long Emit with an ack callback waits for the clients.
func (b *BroadcastOperator) Timeout(d time.Duration) *BroadcastOperator {
	c := b.clone()
	c.flags.Timeout = d
	return c
}

func (b *BroadcastOperator) options() *adapter.Options {
	return &adapter.Options{Rooms: b.rooms, Except: b.except, Flags: b.flags}
}

// Emit sends an event to the selected sockets: encoded once, then written
// by each event loop to its own sockets, each socket at most once.
//
// When the last argument is a function, the broadcast asks every client for
// an acknowledgement; the function is called once, with a nil error and
// every answer when all clients answered, or with ErrAckTimeout and the
// answers so far when Timeout passed first. Its form is
// func(err error, replies []T): each client's first ack argument is decoded
// into a T, or with T = Args each client's whole answer is kept. It runs on one of the server's event loops, or on a worker with
// WithWorkers, like every callback.
//
// Backpressure: Emit returns before the packet is written (Deliver waits
// for it and reports what became of it), but it does not let a backlog
// grow without bound. Called from a goroutine of your own, it waits while
// an event loop has more than loop.MailboxHighWater (1024) pieces of work
// or loop.MailboxHighBytes (256 KiB) of packets queued, until that loop has
// run half of them; so a goroutine that emits in a tight loop goes at the
// pace of the loops, memory stays bounded, and what a loop writes to a
// client in one turn stays well under MaxBufferedBytes (a client that
// reads is not cut off by a burst).
// It never waits on an event loop or a worker (handlers), nor for a loop
// that runs nothing for loop.MailboxStall (blocked, perhaps by a lock the
// caller holds), nor once the server stops.
func (b *BroadcastOperator) Emit(event string, args ...any) error {
	done, raw, atts, err := encodeBroadcast(event, args)
	if err != nil {
		return err
	}
	if !done.IsValid() {
		b.each(func(b *BroadcastOperator) { b.emitRaw(event, raw, atts) })
		return nil
	}
	if b.ns.isParent {
		return ErrParentAck
	}
	p := &adapter.Packet{Nsp: b.ns.name, Event: event, Args: raw, Attachments: atts}
	col := newAckCollector(&b.ns.srv.core, done, b.flags.Timeout)
	b.ns.adapter.BroadcastWithAck(p, b.options(), adapter.BroadcastAcks{Servers: col.Servers, Clients: col.Clients, Ack: col.Answer})
	col.Start()
	return nil
}

func (b *BroadcastOperator) emitRaw(event string, raw, atts [][]byte) {
	b.ns.adapter.Broadcast(&adapter.Packet{Nsp: b.ns.name, Event: event, Args: raw, Attachments: atts}, b.options())
}

// SocketsJoin makes the selected sockets join rooms. When it returns, their
// Rooms and FetchSockets show the rooms, and a broadcast issued after it
// reaches them (as Socket.Join).
func (b *BroadcastOperator) SocketsJoin(rooms ...string) {
	b.each(func(b *BroadcastOperator) { b.ns.adapter.AddSockets(b.options(), rooms) })
}

// SocketsLeave makes the selected sockets leave rooms, as SocketsJoin.
func (b *BroadcastOperator) SocketsLeave(rooms ...string) {
	b.each(func(b *BroadcastOperator) { b.ns.adapter.DelSockets(b.options(), rooms) })
}

// DisconnectSockets disconnects the selected sockets; close also closes
// their Engine.IO sessions.
func (b *BroadcastOperator) DisconnectSockets(close bool) {
	b.each(func(b *BroadcastOperator) { b.ns.adapter.DisconnectSockets(b.options(), close) })
}

// FetchSockets returns the selected sockets, of every node of a cluster.
// With a cluster adapter it waits for the other nodes' answers (until ctx
// ends or the adapter's request timeout), so call it from a goroutine of
// your own or a worker (WithWorkers), not from a handler on an event loop;
// with the default adapter it returns at once.
func (b *BroadcastOperator) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	var infos []adapter.SocketInfo
	var firstErr error
	b.each(func(b *BroadcastOperator) {
		got, err := b.ns.adapter.FetchSockets(ctx, b.options())
		infos = append(infos, got...)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("tornadio: fetch sockets of %s: %w", b.ns.name, err)
		}
	})
	out := make([]*RemoteSocket, 0, len(infos))
	for _, in := range infos {
		out = append(out, newRemoteSocket(b.ns, in))
	}
	return out, firstErr
}

func appendUnique(dst, add []string) []string {
outer:
	for _, a := range add {
		for _, d := range dst {
			if d == a {
				continue outer
			}
		}
		dst = append(dst, a)
	}
	return dst
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
