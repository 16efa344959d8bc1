// Package adapter holds a namespace's rooms and its broadcast fan-out,
// shaped after Node's socket.io-adapter so that a multi-node adapter (Redis,
// speaking the messages of Node's @socket.io/redis-adapter) can wrap it.
//
// Local is the in-process side: the namespace's sockets (Members), their
// rooms, an index per event loop and the fan-out that writes an encoded
// broadcast straight to each member's session. An Adapter is what a
// namespace calls for everything that may cross nodes; the default one,
// InMemory, is Local alone. A cluster adapter embeds or wraps the Local it
// is given, delivers through it, and publishes to the other nodes unless
// the options say Local.
package adapter

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// PacketType is the Socket.IO packet type of a broadcast (EVENT or
// BINARY_EVENT in practice).
type PacketType byte

// Packet is what a broadcast carries, kept structured so that a cluster
// adapter can re-encode it for the wire (Node's adapters send the event name
// and arguments, not the encoded text).
type Packet struct {
	Nsp   string
	Event string
	// Args are the event's arguments as raw JSON; binary attachments are
	// placeholders referring to Attachments.
	Args        [][]byte
	Attachments [][]byte
}

// Flags modify a broadcast.
type Flags struct {
	Local    bool          // only this node
	Volatile bool          // drop for sockets that cannot take it now
	Timeout  time.Duration // for broadcasts with an acknowledgement
	// NoCompress keeps permessage-deflate off for the broadcast
	// (Compress(false)); by default it may be compressed, as in Node, where
	// an absent compress flag means true.
	NoCompress bool
}

// Options select the sockets of a broadcast: members of any of Rooms (every
// socket when empty), except members of any of Except. A socket's id names
// a room that holds only it. Options are read, never changed, by the
// adapter, until the broadcast has reached every loop.
type Options struct {
	Rooms  []string
	Except []string
	Flags  Flags
	// Delivered, when set, is called once with what a Broadcast did on this
	// node, when every event loop has written it to its members (Local
	// calls it, from any goroutine; a cluster adapter passes Options on to
	// its Local, and never sends Delivered to other nodes).
	// BroadcastWithAck ignores it.
	Delivered func(Delivery)
}

// SocketInfo is a snapshot of one socket, as FetchSockets returns it.
type SocketInfo struct {
	ID    string
	Rooms []string
	// Handshake and Data describe a socket of another node, as it sent
	// them; for a local socket they are nil (Describe gives them).
	Handshake *Handshake
	Data      json.RawMessage
	// Local is the socket itself when it lives in this process (the
	// Member), nil for a socket on another node.
	Local any
}

// AckFunc receives one client's answer to a broadcast with acknowledgement:
// its arguments as raw JSON, valid only during the call.
type AckFunc func(args [][]byte, attachments [][]byte)

// BroadcastAcks receives the progress of a broadcast with acknowledgement,
// from any goroutine. A node that delivers the broadcast reports how many
// of its clients it asked; the broadcast is complete when Servers nodes
// have reported and as many answers as they asked for have come.
type BroadcastAcks struct {
	// Servers is called once, with the number of nodes (this one
	// included) that will call Clients.
	Servers func(n int)
	// Clients is called once per node, with the number of its clients
	// asked.
	Clients func(n int)
	// Ack is called once per client answer.
	Ack AckFunc
}

// Reply is one node's answer to a ServerSideEmit: the arguments its
// listener acknowledged with (Node's nodes send the first only).
type Reply struct {
	Args        [][]byte
	Attachments [][]byte
}

// Adapter is what a namespace calls for its broadcasts and for the
// operations on selected sockets, on this node and, for a cluster adapter,
// on the others. Every method is safe from any goroutine. Broadcasts, room
// changes and disconnections return without waiting for other nodes; the
// methods with a context wait for the other nodes' answers, and must not
// be called on an event loop when a cluster adapter is installed.
// *Local implements the local half of each.
type Adapter interface {
	// Broadcast encodes p once and delivers it to the matching sockets.
	Broadcast(p *Packet, opts *Options)
	// BroadcastWithAck is Broadcast with an acknowledgement; acks receives
	// the counts and the answers.
	BroadcastWithAck(p *Packet, opts *Options, acks BroadcastAcks)
	// AddSockets makes the matching sockets join rooms: when it returns,
	// this node's FetchSockets and its sockets' Rooms show them, and a
	// broadcast issued after it reaches them.
	AddSockets(opts *Options, rooms []string)
	// DelSockets makes the matching sockets leave rooms, as AddSockets.
	DelSockets(opts *Options, rooms []string)
	// DisconnectSockets disconnects the matching sockets; close also closes
	// their Engine.IO sessions.
	DisconnectSockets(opts *Options, close bool)
	// FetchSockets returns the matching sockets of every node.
	FetchSockets(ctx context.Context, opts *Options) ([]SocketInfo, error)
	// ServerSideEmit sends an event to this namespace on the other nodes.
	// With done, each other node's listener is asked for an answer, and
	// done is called once, from any goroutine, with every answer or with a
	// *TimeoutError and the answers so far.
	ServerSideEmit(p *Packet, done func(err error, replies []Reply)) error
	// ServerCount is the number of nodes serving this namespace, this one
	// included.
	ServerCount(ctx context.Context) (int, error)
	// AllRooms lists the rooms that have a member on any node (socket ids
	// included, as in Node).
	AllRooms(ctx context.Context) ([]string, error)
	// Close releases the adapter's resources.
	Close() error
}

// TimeoutError is the error of a cluster request that did not get every
// node's answer in time.
type TimeoutError struct {
	Got, Want int // answers received and expected
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timeout reached: only %d responses received out of %d", e.Got, e.Want)
}

// Factory makes the adapter of one namespace, given its local side.
type Factory func(nsp string, local *Local) Adapter

// InMemory is the single-node adapter: everything is local.
type InMemory struct{ *Local }

// NewInMemory is the default Factory.
func NewInMemory(_ string, local *Local) Adapter { return InMemory{local} }

// BroadcastWithAck delivers to this node, the only one.
func (a InMemory) BroadcastWithAck(p *Packet, opts *Options, acks BroadcastAcks) {
	acks.Servers(1)
	a.Local.BroadcastWithAck(p, opts, acks)
}

// FetchSockets returns this node's matching sockets.
func (a InMemory) FetchSockets(_ context.Context, opts *Options) ([]SocketInfo, error) {
	return a.Local.FetchSockets(opts), nil
}

// ServerSideEmit has no other node to reach: done gets no answer at once.
func (InMemory) ServerSideEmit(_ *Packet, done func(error, []Reply)) error {
	if done != nil {
		done(nil, nil)
	}
	return nil
}

// ServerCount is 1.
func (InMemory) ServerCount(context.Context) (int, error) { return 1, nil }

// AllRooms lists this node's rooms.
func (a InMemory) AllRooms(context.Context) ([]string, error) { return a.Local.Rooms(), nil }

// Close has nothing to release.
func (InMemory) Close() error { return nil }
