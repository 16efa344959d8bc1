// Package soak is make soak: a tornadio server process (bench/cmd/soak-server)
// under churning clients of every transport for minutes, its RSS,
// goroutines, open files and sessions sampled every second, and a verdict.
//
// # Clients
//
// Each client is a goroutine speaking one transport over plain net.Conn
// (kinds.go): Engine.IO v4 and v3 over websocket and over polling
// upgraded to websocket while polling (the probe, the held GET answered
// by a noop, then "5"), Engine.IO v4 polling alone, and the six Socket.IO
// 0.6 transports (websocket with hixie-76 and RFC 6455, flashsocket,
// xhr-polling, jsonp-polling, xhr-multipart, htmlfile). A fixed number
// of slots each open a client, keep it for a random lifetime and open the
// next, the kinds taken in turn. A client is one of:
//
//   - healthy: reads everything, answers pings and heartbeats, checks the
//     sequence numbers of the server's broadcasts (no gap, no duplicate)
//     and sends requests that must be answered (Socket.IO acks; 0.6
//     "ping:k" → "pong:k"), then leaves cleanly;
//   - abrupt: healthy until its end, then resets its connections in the
//     middle of a request (polling) or of a frame (websocket);
//   - slow: stops reading after connecting; the server's timers end it
//     (ping, heartbeat, poll close). An Engine.IO websocket one first asks
//     the server for a Flood it never reads: the server cuts it as a slow
//     consumer.
//
// # Verdict
//
// See Verdict: after the warm-up, no growth trend of RSS, goroutines and
// open files; no gap or duplicate for healthy clients and every request
// answered; the server saw every socket closed exactly once and, once the
// clients are gone, holds no session and no more files or goroutines than
// before them.
package soak

import "time"

// The server's timers (bench/cmd/soak-server sets them from these): short,
// so that abandoned sessions end within seconds, with room for a loaded
// machine.
const (
	PingInterval      = 3 * time.Second // Engine.IO: server pings (v4), client pings (v3)
	PingTimeout       = 5 * time.Second
	HeartbeatInterval = 3 * time.Second // 0.6 streaming transports
	HeartbeatTimeout  = 6 * time.Second
	PollDuration      = 3 * time.Second // 0.6 polling: a GET held this long
	PollCloseTimeout  = 5 * time.Second // 0.6 polling: session ends after this long without a GET
)

// MaxBuffered is the server's MaxBufferedBytes: far above what a healthy
// client's broadcasts ever hold (a minute of them), far below a Flood.
const MaxBuffered = 256 << 10

// Flood is what a flooding slow client asks the server to send it (the
// "flood" event): more than the kernel's socket buffers (about 4 MiB on
// loopback with the client's small receive buffer) and MaxBuffered hold,
// so the server cuts it as a slow consumer.
const Flood = 8 << 20

// Settle is how long every abandoned session may take to end on the
// server: the longest of the timers above, plus slack.
const Settle = PingInterval + PingTimeout + PollDuration + PollCloseTimeout + 10*time.Second

// ServerStats is what the soak server serves on /stats.
type ServerStats struct {
	Goroutines     int              `json:"goroutines"`
	Sessions       int              `json:"sessions"`        // Engine.IO sessions (SessionCount)
	LegacySessions int              `json:"legacy_sessions"` // 0.6 sessions (LegacySessionCount)
	Opens          int64            `json:"opens"`           // sockets connected (OnConnection)
	Closes         int64            `json:"closes"`          // sockets disconnected (OnDisconnect)
	DoubleOpens    int64            `json:"double_opens"`    // an id connected while open
	StrayCloses    int64            `json:"stray_closes"`    // a close of a socket not open (a second close)
	OpenSockets    int              `json:"open_sockets"`
	Reasons        map[string]int64 `json:"reasons"` // closes by disconnect reason
	Broadcasts     int64            `json:"broadcasts"`
}
