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

import "time"

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
	Compress bool          // permessage-deflate allowed (when negotiated)
	Timeout  time.Duration // for broadcasts with an acknowledgement
}

// Options select the sockets of a broadcast: members of any of Rooms (every
// socket when empty), except members of any of Except. A socket's id names
// a room that holds only it. Options are read, never changed, by the
// adapter, until the broadcast has reached every loop.
type Options struct {
	Rooms  []string
	Except []string
	Flags  Flags
}

// SocketInfo is a snapshot of one socket, as FetchSockets returns it.
type SocketInfo struct {
	ID    string
	Rooms []string
	// Local is the socket itself when it lives in this process (the
	// Member), nil for a socket on another node.
	Local any
}

// AckFunc receives one client's answer to a broadcast with acknowledgement:
// its arguments as raw JSON, valid only during the call.
type AckFunc func(args [][]byte, attachments [][]byte)

// Adapter is what a namespace calls for its broadcasts and for the
// operations on selected sockets. Every method is safe from any goroutine
// and returns without waiting for the event loops, except FetchSockets.
// *Local implements all but ServerSideEmit and Close.
type Adapter interface {
	// Broadcast encodes p once and delivers it to the matching sockets.
	Broadcast(p *Packet, opts *Options)
	// BroadcastWithAck is Broadcast with an acknowledgement: clients is
	// called once with the number of recipients, ack for each answer.
	BroadcastWithAck(p *Packet, opts *Options, clients func(n int), ack AckFunc)
	// AddSockets makes the matching sockets join rooms: when it returns,
	// FetchSockets and the sockets' Rooms show them, and a broadcast issued
	// after it reaches them.
	AddSockets(opts *Options, rooms []string)
	// DelSockets makes the matching sockets leave rooms, as AddSockets.
	DelSockets(opts *Options, rooms []string)
	// DisconnectSockets disconnects the matching sockets; close also closes
	// their Engine.IO sessions.
	DisconnectSockets(opts *Options, close bool)
	// FetchSockets returns the matching sockets.
	FetchSockets(opts *Options) []SocketInfo
	// ServerSideEmit sends an event to the other nodes' namespaces (a no-op
	// for a single node).
	ServerSideEmit(event string, args [][]byte) error
	// Close releases the adapter's resources.
	Close() error
}

// Factory makes the adapter of one namespace, given its local side.
type Factory func(nsp string, local *Local) Adapter

// InMemory is the single-node adapter: everything is local.
type InMemory struct{ *Local }

// NewInMemory is the default Factory.
func NewInMemory(_ string, local *Local) Adapter { return InMemory{local} }

// ServerSideEmit has no other node to reach.
func (InMemory) ServerSideEmit(string, [][]byte) error { return nil }

// Close has nothing to release.
func (InMemory) Close() error { return nil }
