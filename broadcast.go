package tornadio

import (
	"errors"
	"reflect"
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
// when negotiated).
func (b *BroadcastOperator) Compress(on bool) *BroadcastOperator {
	c := b.clone()
	c.flags.Compress = on
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
// into a T. It runs on one of the server's event loops, or on a worker with
// WithWorkers, like every callback.
func (b *BroadcastOperator) Emit(event string, args ...any) error {
	if err := checkEvent(event); err != nil {
		return err
	}
	var done reflect.Value
	if n := len(args); n > 0 && args[n-1] != nil && reflect.TypeOf(args[n-1]).Kind() == reflect.Func {
		done = reflect.ValueOf(args[n-1])
		if err := checkBroadcastAck(done.Type()); err != nil {
			return err
		}
		args = args[:n-1]
	}
	raw, atts, err := encodeArgs(args)
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
	b.ns.adapter.BroadcastWithAck(p, b.options(), col.Expect, col.Answer)
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

// FetchSockets returns the selected sockets.
func (b *BroadcastOperator) FetchSockets() []*RemoteSocket {
	var infos []adapter.SocketInfo
	b.each(func(b *BroadcastOperator) { infos = append(infos, b.ns.adapter.FetchSockets(b.options())...) })
	out := make([]*RemoteSocket, 0, len(infos))
	for _, in := range infos {
		rs := &RemoteSocket{ID: in.ID, Rooms: in.Rooms}
		if s := socketOfMember(in.Local); s != nil {
			rs.local = s
			rs.Request = s.Request()
			rs.Recovered = s.Recovered()
		}
		out = append(out, rs)
	}
	return out
}

// RemoteSocket is a socket as FetchSockets returns it: a snapshot of its id
// and rooms, with methods acting on the live socket.
type RemoteSocket struct {
	ID        string
	Rooms     []string
	Request   *Request
	Recovered bool
	local     *Socket
}

// Emit sends an event to the socket.
func (r *RemoteSocket) Emit(event string, args ...any) error {
	if r.local == nil {
		return ErrDisconnected
	}
	return r.local.Emit(event, args...)
}

// Join makes the socket join rooms.
func (r *RemoteSocket) Join(rooms ...string) {
	if r.local != nil {
		r.local.Join(rooms...)
	}
}

// Leave makes the socket leave a room.
func (r *RemoteSocket) Leave(room string) {
	if r.local != nil {
		r.local.Leave(room)
	}
}

// Disconnect disconnects the socket.
func (r *RemoteSocket) Disconnect(close bool) error {
	if r.local == nil {
		return ErrDisconnected
	}
	return r.local.disconnect(close)
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
