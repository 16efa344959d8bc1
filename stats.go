package tornadio

import "time"

// Stats is a snapshot of a server's counters, for metrics exporters (see
// Server.Stats). Counters only grow from Start; gauges are the value now.
type Stats struct {
	// Sessions is the number of open sessions by transport ("websocket",
	// "polling", and the legacy names "xhr-polling", "jsonp-polling",
	// "xhr-multipart", "htmlfile", "flashsocket"; legacy websockets are
	// "websocket") and road (RoadCurrent or RoadLegacy).
	Sessions []SessionGauge
	// Sockets is the number of connected sockets per namespace.
	Sockets map[string]int
	// Connects counts sockets connected per namespace.
	Connects map[string]uint64
	// Disconnects counts sockets disconnected, by reason.
	Disconnects map[DisconnectReason]uint64
	// Handshakes counts sessions opened; HandshakesRefused those refused by
	// admission limits or AllowRequest, by reason ("rate", "concurrency",
	// "forbidden", "bad request").
	Handshakes          uint64
	HandshakesRefused   map[string]uint64
	EventsIn, EventsOut uint64 // Socket.IO event packets received from / sent to clients
	BytesIn, BytesOut   uint64 // payload bytes of Engine.IO and legacy messages received / sent
	Broadcasts          uint64 // broadcasts made on this node (local or from the adapter)
	Deliveries          uint64 // packets handed to a socket by broadcasts
	Dropped             uint64 // volatile packets dropped because the client was not writable
	SlowConsumerCuts    uint64 // connections closed with ReasonSlowConsumer
	AckTimeouts         uint64 // acks that timed out (Timeout, EmitWithAck)
	Loops               []LoopStats
}

// Road names a protocol road.
const (
	RoadCurrent = "current" // Engine.IO v3/v4, Socket.IO v4/v5
	RoadLegacy  = "legacy"  // Socket.IO 0.6
)

// SessionGauge is the number of open sessions of one transport and road.
type SessionGauge struct {
	Transport, Road string
	Count           int
}

// LoopStats is one event loop's state.
type LoopStats struct {
	// MailboxDepth is the number of functions posted to the loop and not
	// run yet.
	MailboxDepth int
	// TimerLag is how late the loop's last timer ran past its due time.
	TimerLag time.Duration
	// Connections is the number of connections the loop serves.
	Connections int
}
