package cluster

import (
	"github.com/tornadio/tornadio/adapter"
)

// MessageType is the type of a cluster message, numbered as Node's
// MessageType enum.
type MessageType int

// The message types. Heartbeats and ADAPTER_CLOSE belong to Node's
// heartbeat variant; this adapter neither sends nor needs them and ignores
// them on receipt, as Node's ClusterAdapter does.
const (
	InitialHeartbeat       MessageType = 1
	Heartbeat              MessageType = 2
	Broadcast              MessageType = 3
	SocketsJoin            MessageType = 4
	SocketsLeave           MessageType = 5
	DisconnectSockets      MessageType = 6
	FetchSockets           MessageType = 7
	FetchSocketsResponse   MessageType = 8
	ServerSideEmit         MessageType = 9
	ServerSideEmitResponse MessageType = 10
	BroadcastClientCount   MessageType = 11
	BroadcastAck           MessageType = 12
	AdapterClose           MessageType = 13
)

// MayCarryBinary reports whether messages of type t are sent as msgpack
// when their data holds binary (the others are always JSON).
func (t MessageType) MayCarryBinary() bool {
	switch t {
	case Broadcast, BroadcastAck, FetchSocketsResponse, ServerSideEmit, ServerSideEmitResponse:
		return true
	}
	return false
}

// IsResponse reports whether t answers a request of one node (and so goes
// to that node alone).
func (t MessageType) IsResponse() bool {
	switch t {
	case FetchSocketsResponse, ServerSideEmitResponse, BroadcastClientCount, BroadcastAck:
		return true
	}
	return false
}

// Message is one cluster message, decoded. Data is the message's data
// object as JSON (nil when the message has none), in which each binary
// value is a Socket.IO placeholder {"_placeholder":true,"num":N} naming
// Attachments[N].
type Message struct {
	Type        MessageType
	UID         string // the sender's uid; "" when absent (Node's emitter)
	Nsp         string
	Data        []byte
	Attachments [][]byte

	// Offset is the stream entry id of a message read from a stream (the
	// packet offset of connection state recovery); "" otherwise. Set by
	// the transport before Receive.
	Offset string

	// RequestID and Opts repeat, for a message made by this package, what
	// Data holds, so that a transport can route it without parsing Data:
	// the request id ("" for none) and a BROADCAST's, SOCKETS_JOIN's,
	// SOCKETS_LEAVE's, DISCONNECT_SOCKETS' or FETCH_SOCKETS' selection.
	// They are not set on decoded messages.
	RequestID string
	Opts      *adapter.Options
}

// WithAck reports whether an outgoing BROADCAST expects acknowledgements
// (it then carries a request id).
func (m *Message) WithAck() bool { return m.Type == Broadcast && m.RequestID != "" }
