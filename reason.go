package tornadio

import "github.com/tornadio/tornadio/transports"

// DisconnectReason says why a socket disconnected, with the strings the Node
// server uses.
type DisconnectReason string

// The disconnect reasons.
const (
	// The client disconnected the socket (socket.disconnect()).
	ReasonClientNamespaceDisconnect DisconnectReason = "client namespace disconnect"
	// The server disconnected the socket (Socket.Disconnect).
	ReasonServerNamespaceDisconnect DisconnectReason = "server namespace disconnect"
	// The connection closed, or the client closed the session.
	ReasonTransportClose DisconnectReason = transports.ReasonTransportClose
	// The connection failed (a protocol error, a lost poll).
	ReasonTransportError DisconnectReason = transports.ReasonTransportError
	// The client did not answer a ping in time.
	ReasonPingTimeout DisconnectReason = transports.ReasonPingTimeout
	// The client sent a packet that could not be decoded.
	ReasonParseError DisconnectReason = transports.ReasonParseError
	// The server closed the whole session.
	ReasonForcedClose DisconnectReason = transports.ReasonForcedClose
	// More than MaxBufferedBytes waited to be written to the client: it
	// reads too slowly. tornadio's own reason; Node has no bound.
	ReasonSlowConsumer DisconnectReason = transports.ReasonSlowConsumer
	// The server is shutting down.
	ReasonServerShuttingDown DisconnectReason = transports.ReasonShutdown
)
