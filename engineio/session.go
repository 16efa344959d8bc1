package engineio

import (
	"sync/atomic"
	"time"
)

// Config is what a Session needs of its server's settings. The caller
// passes it to each call that sets a deadline or bounds the queue, rather
// than every session keeping a pointer to it: it is the same for all the
// sessions of a server.
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
	// MinPacketCost is the least a queued packet counts towards
	// MaxBuffered, for what it holds besides its bytes (its place in the
	// queue, its copy's allocation): many tiny packets then cannot hold
	// many times MaxBuffered. 0: a packet counts its size alone.
	MinPacketCost int
}

// UpgradeNoopDelay is how long a GET made during an upgrade waits for the
// noop that releases it (Node's engine.io checks every 100 ms).
const UpgradeNoopDelay = 100 * time.Millisecond

// Session is the protocol state of one Engine.IO session: its version and
// transport, its heartbeat, the packets queued for polling, the upgrade to
// websocket, and its end. It does no I/O, reads no clock and keeps no
// settings. The caller (package transports) tells it what happens (a packet
// arrived, a GET came or went, a probe opened, a deadline passed) with the
// current time and, where a deadline follows, the server's Config, and does
// what it answers: deliver a message, write a packet, answer the parked GET
// with AppendAnswer, close a connection. Times are nanoseconds on the
// caller's clock (any fixed origin), and 0 means "none".
//
// P is what the caller keeps for the polling side (the parked GET's
// connection, say): it lives in the same allocation as the session's own
// polling state (see Polling), so that a websocket session, which has
// neither, pays one nil pointer for both. Servers hold tens of thousands of
// idle websocket sessions, each embedding a Session: it is 24 bytes.
//
// The websocket side needs no queue: the caller writes a websocket
// session's packets as they are sent, so the hot path costs the machine a
// flag test. A Session is used from one goroutine at a time, except for
// WebSocket.
type Session[P any] struct {
	hbAt int64       // the heartbeat's deadline (see Deadline)
	poll *polling[P] // the polling side; nil on websocket once nothing waits

	websocket atomic.Bool // the transport is websocket
	version   int8
	closed    bool
	// awaitPong: hbAt is the time by which the client must have been
	// heard from (its pong in v4, any packet in v3); else the time to ping.
	awaitPong bool
	jsonp     bool // polling wraps payloads in JSONP scripts
}

// Init sets up s, a zero Session, for a session speaking version (3 or 4),
// opened on websocket or else on polling.
func (s *Session[P]) Init(version int, websocket bool) {
	s.version = int8(version)
	s.websocket.Store(websocket)
	if !websocket {
		s.poll = &polling[P]{}
	}
}

// Polling is the caller's part of the polling side, nil when the session
// has none: allocated with it (by Init for a session opened on polling, by
// Queue for a websocket session's first packets) and gone with it
// (DropPolling).
func (s *Session[P]) Polling() *P {
	if s.poll == nil {
		return nil
	}
	return &s.poll.caller
}

// SetPollingFormat says how a polling session's payloads are encoded:
// binaryOK, a v3 client accepts binary payloads; jsonp, the client polls
// with JSONP scripts.
func (s *Session[P]) SetPollingFormat(binaryOK, jsonp bool) {
	if s.poll != nil {
		s.poll.binaryOK = binaryOK
	}
	s.jsonp = jsonp
}

// Version is the protocol version, 3 or 4.
func (s *Session[P]) Version() int { return int(s.version) }

// WebSocket reports whether the transport is websocket (from the start, or
// upgraded). Safe from any goroutine.
func (s *Session[P]) WebSocket() bool { return s.websocket.Load() }

// JSONP reports whether the session polls with JSONP.
func (s *Session[P]) JSONP() bool { return s.jsonp }

// Closed reports whether the session has ended.
func (s *Session[P]) Closed() bool { return s.closed }

// Deadline is the time the caller must call Tick at, 0 if none: the
// heartbeat's, the upgrade's and the noop's while the session lives, the
// wait for a last GET once it has ended.
func (s *Session[P]) Deadline() int64 {
	p := s.poll
	if s.closed {
		if p != nil && p.draining {
			return p.drainBy
		}
		return 0
	}
	next := s.hbAt
	if p != nil {
		if p.probing {
			next = earliest(next, p.upgradeBy)
		}
		next = earliest(next, p.noopBy)
	}
	return next
}

// earliest is the earlier of deadlines a and b, where 0 is none.
func earliest(a, b int64) int64 {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}

// Due is what the caller does when a deadline of the session has passed.
type Due uint8

const (
	// DueNothing: nothing more is due.
	DueNothing Due = iota
	// DuePing: write a ping; the client has PingTimeout to answer.
	DuePing
	// DuePingTimeout: the client was not heard from in time: end the
	// session (ReasonPingTimeout, in transports' words).
	DuePingTimeout
	// DueAnswer: answer the parked GET (AppendAnswer): the noop that lets
	// a client pause polling to upgrade.
	DueAnswer
	// DueProbeExpired: the upgrade took too long: close the probe.
	DueProbeExpired
	// DueDrainOver: the last GET of an ended session did not come: stop
	// waiting for it (StopDraining).
	DueDrainOver
)

// Tick returns the next thing due at due (a time at or after a deadline
// the session gave) and counts it as done: call it again until it returns
// DueNothing. A late call changes nothing: the pong deadline counts from
// when the ping was due, so that a silent client is dropped exactly
// PingInterval+PingTimeout after it was last heard from, and a call late
// past that gives DuePing then DuePingTimeout.
func (s *Session[P]) Tick(cfg *Config, due int64) Due {
	p := s.poll
	if s.closed {
		if p != nil && p.draining && p.drainBy != 0 && due >= p.drainBy {
			p.drainBy = 0
			return DueDrainOver
		}
		return DueNothing
	}
	if s.hbAt != 0 && due >= s.hbAt {
		if !s.awaitPong {
			s.hbAt, s.awaitPong = s.hbAt+int64(cfg.PingTimeout), true
			return DuePing
		}
		s.hbAt, s.awaitPong = 0, false
		return DuePingTimeout
	}
	if p == nil {
		return DueNothing
	}
	if p.noopBy != 0 && due >= p.noopBy {
		p.noopBy = 0
		if p.upgrading && p.parked && len(p.queue) == 0 {
			p.enqueue(Packet{Type: Noop})
			return DueAnswer
		}
	}
	if p.probing && due >= p.upgradeBy {
		p.probing, p.upgrading, p.noopBy = false, false, 0
		return DueProbeExpired
	}
	return DueNothing
}
