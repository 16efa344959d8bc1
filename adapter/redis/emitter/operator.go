package emitter

import (
	"context"
	"fmt"
	"slices"
)

// BroadcastOperator is a targeted emission in one namespace: the rooms to
// reach, the rooms to leave out and the flags. It is immutable: every method
// returns a new operator, so one can be kept and reused from several
// goroutines.
type BroadcastOperator struct {
	e      *Emitter
	rooms  []string // distinct, in the order first added
	except []string // distinct, in the order first added
	flags  []flag   // distinct names, in the order first set
}

func (o *BroadcastOperator) clone() *BroadcastOperator {
	c := *o
	return &c
}

// addDistinct returns list followed by the values of add it lacks, in a new
// slice: rooms are a set that keeps its insertion order.
func addDistinct(list, add []string) []string {
	out := slices.Clip(list)
	for _, r := range add {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// To adds rooms to the targets: the event reaches the sockets in any of
// them (a socket id is a room too).
func (o *BroadcastOperator) To(rooms ...string) *BroadcastOperator {
	c := o.clone()
	c.rooms = addDistinct(o.rooms, rooms)
	return c
}

// In is To.
func (o *BroadcastOperator) In(rooms ...string) *BroadcastOperator { return o.To(rooms...) }

// Except adds rooms whose sockets the operation leaves out.
func (o *BroadcastOperator) Except(rooms ...string) *BroadcastOperator {
	c := o.clone()
	c.except = addDistinct(o.except, rooms)
	return c
}

// Volatile sets the volatile flag: the event may be dropped for a client
// that is not ready to receive it.
func (o *BroadcastOperator) Volatile() *BroadcastOperator { return o.withFlag("volatile", true) }

// Compress sets the compress flag.
func (o *BroadcastOperator) Compress(compress bool) *BroadcastOperator {
	return o.withFlag("compress", compress)
}

func (o *BroadcastOperator) withFlag(name string, value bool) *BroadcastOperator {
	c := o.clone()
	c.flags = slices.Clone(o.flags)
	for i := range c.flags {
		if c.flags[i].name == name {
			c.flags[i].value = value
			return c
		}
	}
	c.flags = append(c.flags, flag{name, value})
	return c
}

// Emit publishes the event to the targeted sockets of every node: one
// PUBLISH, on the room's channel when exactly one room is targeted, on the
// namespace's broadcast channel otherwise.
//
// Arguments are encoded as tornadio's Socket.Emit encodes them: a []byte (at
// the top or nested in []any and map[string]any) is binary, a
// json.RawMessage is used as it is, anything else goes through
// encoding/json; an object that is a Socket.IO placeholder
// ({"_placeholder":true,"num":N}) is read as one. A function argument is
// refused with ErrAckNotSupported: nothing can answer a process without a
// server. The reserved event names (connect, connect_error, disconnect,
// disconnecting, newListener, removeListener) are refused.
func (o *BroadcastOperator) Emit(ctx context.Context, event string, args ...any) error {
	if reservedEvents[event] {
		return fmt.Errorf("emitter: %q is a reserved event name", event)
	}
	msg, err := broadcastMessage(o.e.nsp, event, args, o.rooms, o.except, o.flags)
	if err != nil {
		return err
	}
	channel := o.e.broadcastChannel()
	if len(o.rooms) == 1 {
		channel += o.rooms[0] + "#"
	}
	return o.e.publish(ctx, channel, msg)
}

// SocketsJoin makes the targeted sockets of every node join rooms.
func (o *BroadcastOperator) SocketsJoin(ctx context.Context, rooms ...string) error {
	msg, err := roomsRequest(requestRemoteJoin, o.rooms, o.except, rooms)
	return o.request(ctx, msg, err)
}

// SocketsLeave makes the targeted sockets of every node leave rooms.
func (o *BroadcastOperator) SocketsLeave(ctx context.Context, rooms ...string) error {
	msg, err := roomsRequest(requestRemoteLeave, o.rooms, o.except, rooms)
	return o.request(ctx, msg, err)
}

// DisconnectSockets disconnects the targeted sockets of every node; with
// close their underlying connections are closed too.
func (o *BroadcastOperator) DisconnectSockets(ctx context.Context, close bool) error {
	msg, err := disconnectRequest(o.rooms, o.except, close)
	return o.request(ctx, msg, err)
}

// request publishes an encoded request, or returns the encoding's error.
func (o *BroadcastOperator) request(ctx context.Context, msg []byte, err error) error {
	if err != nil {
		return err
	}
	return o.e.publish(ctx, o.e.requestChannel(), msg)
}
