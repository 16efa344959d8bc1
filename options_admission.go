package tornadio

import (
	"fmt"
	"math"

	"github.com/tornadio/tornadio/transports"
)

// HandshakeLimit bounds how fast, and how many, sessions clients may open:
// admission control against handshake floods (see WithHandshakeLimit). A
// zero field sets no limit; the zero value, the default, admits every
// handshake.
//
// Rates are token buckets on the event loops' clock: a bucket holds up to
// its burst of handshakes, each handshake takes one, and they come back at
// the rate. A client's IP is its Request.RemoteAddr, so behind a reverse
// proxy set WithTrustedProxies, or every client counts as the proxy; IPv6
// clients are counted by /64 network, which one host usually owns. The
// limits apply to both roads (a legacy 0.6 handshake opens a session as an
// Engine.IO one does), except MaxPending, which counts Engine.IO sessions
// of a Server only.
//
// A refused handshake gets HTTP 429 Too Many Requests (a rate) or 503
// Service Unavailable (MaxPending, MaxPerIP), with "Retry-After: 1" and
// engine.io's error body, {"code":4,"message":"Too many handshakes"} or
// {"code":4,"message":"Server busy"}, which clients take as a failed
// attempt to retry with their reconnection backoff; a websocket-first
// handshake is refused before its 101. Legacy handshakes get the same
// status with the message as plain text. No session is made for a refused
// handshake, and AllowRequest does not run.
//
// The state kept per client IP is bounded: an IP is remembered while it
// has open sessions or a bucket still refilling, and beyond 65 536 IPs
// without open sessions the surplus is forgotten (their buckets start
// full again), so that a flood from many addresses cannot grow it without
// bound.
type HandshakeLimit struct {
	// PerIPRate is the handshakes per second admitted from one client IP;
	// PerIPBurst how many may come at once (default: PerIPRate rounded
	// up, at least 1).
	PerIPRate  float64
	PerIPBurst int
	// Rate is the handshakes per second admitted from all clients
	// together; Burst how many may come at once (default: Rate rounded
	// up, at least 1).
	Rate  float64
	Burst int
	// MaxPending is the number of sessions, over the whole server, that
	// may be open and not yet connected to a namespace (the sessions the
	// connect timeout watches). An EngineServer has no namespaces: it
	// ignores MaxPending.
	MaxPending int
	// MaxPerIP is the number of sessions one client IP may have open at
	// once.
	MaxPerIP int
}

// WithHandshakeLimit sets admission limits on handshakes (see
// HandshakeLimit). Off by default. A negative field, a rate that is not
// a finite number, or a burst without its rate makes Start fail.
func WithHandshakeLimit(l HandshakeLimit) Option {
	return func(o *Options) { o.HandshakeLimit = l }
}

// validate reports a limit that cannot be meant.
func (l *HandshakeLimit) validate() error {
	for _, r := range [...]struct {
		name      string
		rate      float64
		burstName string
		burst     int
	}{
		{"PerIPRate", l.PerIPRate, "PerIPBurst", l.PerIPBurst},
		{"Rate", l.Rate, "Burst", l.Burst},
	} {
		switch {
		case math.IsNaN(r.rate) || math.IsInf(r.rate, 0) || r.rate < 0:
			return fmt.Errorf("tornadio: handshake limit: %s %v (want a finite rate, 0 for none)", r.name, r.rate)
		case r.burst < 0:
			return fmt.Errorf("tornadio: handshake limit: negative %s %d", r.burstName, r.burst)
		case r.burst > 0 && r.rate == 0:
			return fmt.Errorf("tornadio: handshake limit: %s %d without %s", r.burstName, r.burst, r.name)
		}
	}
	if l.MaxPending < 0 || l.MaxPerIP < 0 {
		return fmt.Errorf("tornadio: handshake limit: negative MaxPending %d or MaxPerIP %d", l.MaxPending, l.MaxPerIP)
	}
	return nil
}

// config is what the protocol machine enforces: all but MaxPending, which
// the Socket.IO server enforces as it opens a session (reservePending).
func (l *HandshakeLimit) config() transports.HandshakeLimit {
	return transports.HandshakeLimit{
		Rate: l.Rate, Burst: l.Burst,
		PerIPRate: l.PerIPRate, PerIPBurst: l.PerIPBurst,
		MaxPerIP: l.MaxPerIP,
	}
}
