package engineio

import "time"

// Config is what a Session needs of its server's settings.
type Config struct {
	// PingInterval: v4, how long after its last pong the server pings a
	// client; v3, how often the client pings.
	PingInterval time.Duration
	// PingTimeout: how long a client has to answer a ping (v4), or to
	// send its next one once PingInterval has passed (v3).
	PingTimeout time.Duration
	// UpgradeTimeout: how long a websocket probe may take to upgrade.
	UpgradeTimeout time.Duration
	// MaxBuffered bounds the bytes queued for polling GETs a client does
	// not make (see Session.Queue).
	MaxBuffered int
}

// Session is the protocol state of one Engine.IO session: its version, its
// heartbeat and whether it has ended. It does no I/O and reads no clock.
// The caller (package transports) feeds it the packets that arrive and the
// current time, and does what it answers: deliver a message, write a pong,
// close. Times are nanoseconds on the caller's clock (any fixed origin),
// and 0 means "none".
//
// A Session is used from one goroutine at a time.
type Session struct {
	cfg  *Config
	hbAt int64 // the heartbeat's deadline (see Deadline)

	version int8
	closed  bool
	// awaitPong: hbAt is the time by which the client must have been
	// heard from (its pong in v4, any packet in v3); else the time to ping.
	awaitPong bool
}

// NewSession makes the state of a session speaking version (3 or 4) with
// the settings in cfg, which the session keeps and which must not change.
func NewSession(cfg *Config, version int) Session {
	return Session{cfg: cfg, version: int8(version)}
}

// Version is the protocol version, 3 or 4.
func (s *Session) Version() int { return int(s.version) }

// Closed reports whether the session has ended.
func (s *Session) Closed() bool { return s.closed }

// End marks the session ended and stops its heartbeat. It reports false
// when the session had ended already, so that the caller tears down once.
func (s *Session) End() bool {
	if s.closed {
		return false
	}
	s.closed = true
	s.hbAt, s.awaitPong = 0, false
	return true
}
