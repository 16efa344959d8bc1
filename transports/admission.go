package transports

import (
	"errors"
	"math"
	"net/netip"
	"sync"

	"github.com/tornadio/tornadio/engineio"
)

// HandshakeLimit bounds how fast, and how many, sessions clients open, on
// both roads (Config.HandshakeLimit). A zero field sets no limit; the zero
// value admits every handshake, as a server without limits does.
//
// Rates are token buckets on the loops' clock (Loops.Now): a bucket holds
// up to its burst of handshakes, each handshake takes one, and they come
// back at the rate. A client's address is the handshake's remote address
// (the one a trusted proxy forwards, see Config.TrustedProxies); IPv6
// clients are counted by /64 network, which one host usually owns.
type HandshakeLimit struct {
	// Rate is the handshakes per second admitted from all clients
	// together; Burst how many may come at once (default: Rate rounded
	// up, at least 1).
	Rate  float64
	Burst int
	// PerIPRate and PerIPBurst are the same for each client address.
	PerIPRate  float64
	PerIPBurst int
	// MaxPerIP is the number of sessions a client address may have open
	// at once.
	MaxPerIP int
}

// Refusal is why a handshake was refused by admission limits. It is an
// error, so that App.Open can refuse a session for a limit of the
// application's own (a Socket.IO server's sessions waiting for their first
// namespace) and have it answered as admission refusals are.
type Refusal uint8

const (
	// RefusedRate: a handshake rate was passed; answered 429.
	RefusedRate Refusal = 1 + iota
	// RefusedConcurrency: too many sessions are open or pending; answered
	// 503.
	RefusedConcurrency
)

// String is the refusal's name for statistics: "rate" or "concurrency".
func (r Refusal) String() string {
	if r == RefusedConcurrency {
		return "concurrency"
	}
	return "rate"
}

// Status is the HTTP status a refused handshake gets.
func (r Refusal) Status() int {
	if r == RefusedConcurrency {
		return 503
	}
	return 429
}

// Message is what the answer's body says.
func (r Refusal) Message() string {
	if r == RefusedConcurrency {
		return "Server busy"
	}
	return "Too many handshakes"
}

func (r Refusal) Error() string { return "transports: handshake refused: " + r.Message() }

// refusalCode is the Engine.IO error code of a refusal's body, engine.io's
// "Forbidden": clients take any error answer to a handshake as a failed
// attempt and retry with their reconnection backoff.
const refusalCode = "4"

// retryAfter is the header every refusal carries: the buckets refill, and
// pending sessions settle, within about a second.
const retryAfter = "Retry-After: 1\r\n"

// refuseHandshake answers a handshake refused by admission limits (r): its
// status, Retry-After, and engine.io's error body
// {"code":4,"message":"…"} with the CORS lines cors, or on the legacy road
// (legacy) the message as plain text. A websocket handshake's connection
// is closed after the answer, before any 101; a polling one stays open.
// Every refusal of either road is written here.
func (c *Conn) refuseHandshake(r Refusal, cors string, legacy bool) {
	why := refusedRate
	if r == RefusedConcurrency {
		why = refusedConcurrency
	}
	c.srv.countRefused(c.loop(), why)
	var body [64]byte
	b, ctype := body[:0], contentTypeJSON
	if legacy {
		b, ctype = append(b, r.Message()...), "text/plain; charset=utf-8"
		cors = ""
	} else {
		b = append(b, `{"code":`+refusalCode+`,"message":"`...)
		b = append(b, r.Message()...)
		b = append(b, `"}`...)
	}
	if c.req().Upgrade {
		c.persist = closeAfter
	}
	resp := appendResponseHead(c.srv.frameBuf(c.loop()), r.Status(), ctype, cors, retryAfter, len(b))
	resp = append(resp, b...)
	c.reply(resp)
	c.srv.keepFrameBuf(c.loop(), resp)
}

// refuseOpen answers a handshake that admission or App.Open refused with
// err: a Refusal as such, anything else 403 Forbidden.
func (c *Conn) refuseOpen(err error, cors string) {
	var r Refusal
	if errors.As(err, &r) {
		c.refuseHandshake(r, cors, false)
		return
	}
	c.replyError(engineio.Forbidden, cors)
}

// admission is the state behind Config.HandshakeLimit, shared by every
// loop behind one lock (handshakes are far rarer than messages).
//
// The per-address state is bounded: an address is kept while it has open
// sessions or a bucket still refilling, and looked through for idle ones
// when the table has doubled since the last look; beyond maxIdleAddrs
// addresses without open sessions, the surplus is forgotten (their
// buckets start full again), so that a flood from many addresses cannot
// grow it without bound.
type admission struct {
	lim            HandshakeLimit
	burst, ipBurst float64
	on, perIP      bool

	mu      sync.Mutex
	global  bucket
	addrs   map[netip.Addr]addrState
	sweepAt int // the table size at which it is next looked through
}

// bucket is a token bucket: tokens as of last (the server's clock, see
// Server.nanos; 0: never used, full).
type bucket struct {
	tokens float64
	last   int64
}

type addrState struct {
	bucket
	open int32 // sessions open from the address
}

const (
	// maxIdleAddrs bounds the addresses kept without an open session.
	maxIdleAddrs = 1 << 16
	// minSweep is the table size below which it is not looked through.
	minSweep = 1024
)

// burstOf is a bucket's size: burst, or rate rounded up, at least 1.
func burstOf(rate float64, burst int) float64 {
	if burst > 0 {
		return float64(burst)
	}
	return max(1, math.Ceil(rate))
}

func (a *admission) init(l HandshakeLimit) {
	a.lim = l
	a.burst, a.ipBurst = burstOf(l.Rate, l.Burst), burstOf(l.PerIPRate, l.PerIPBurst)
	a.perIP = l.PerIPRate > 0 || l.MaxPerIP > 0
	a.on = a.perIP || l.Rate > 0
	a.sweepAt = minSweep
}

// refill brings b up to now, at rate per second up to burst.
func (b *bucket) refill(now int64, rate, burst float64) {
	if b.last == 0 {
		b.tokens, b.last = burst, now
		return
	}
	if now > b.last {
		b.tokens = min(burst, b.tokens+rate*float64(now-b.last)/1e9)
		b.last = now
	}
}

// addrKey is what a remote address ("ip:port", or a bare IP) is counted
// under: the IP, IPv4-mapped addresses as IPv4, IPv6 by /64; ok false when
// remote holds no IP (nothing is counted for it).
func addrKey(remote string) (netip.Addr, bool) {
	var ip netip.Addr
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		ip = ap.Addr()
	} else if ip, err = netip.ParseAddr(remote); err != nil {
		return netip.Addr{}, false
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		ip = netip.PrefixFrom(ip, 64).Masked().Addr()
	}
	return ip, true
}

// admit decides on a handshake from remote at now. Admitted, it counts
// against its address until release.
func (a *admission) admit(remote string, now int64) (Refusal, bool) {
	if !a.on {
		return 0, true
	}
	key, keyed := netip.Addr{}, false
	if a.perIP {
		key, keyed = addrKey(remote)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var st addrState
	known := false
	if keyed {
		st, known = a.addrs[key]
		if a.lim.PerIPRate > 0 {
			st.refill(now, a.lim.PerIPRate, a.ipBurst)
		}
	}
	refusal := Refusal(0)
	switch {
	case keyed && a.lim.MaxPerIP > 0 && int(st.open) >= a.lim.MaxPerIP:
		refusal = RefusedConcurrency
	case keyed && a.lim.PerIPRate > 0 && st.tokens < 1:
		refusal = RefusedRate
	case a.lim.Rate > 0:
		if a.global.refill(now, a.lim.Rate, a.burst); a.global.tokens < 1 {
			refusal = RefusedRate
		} else {
			a.global.tokens--
		}
	}
	if refusal != 0 {
		if known {
			a.addrs[key] = st
		}
		return refusal, false
	}
	if keyed {
		if a.lim.PerIPRate > 0 {
			st.tokens--
		}
		st.open++
		if !known && len(a.addrs) >= a.sweepAt {
			a.sweep(now)
		}
		if a.addrs == nil {
			a.addrs = make(map[netip.Addr]addrState)
		}
		a.addrs[key] = st
	}
	return 0, true
}

// release ends the count of an admitted session from remote.
func (a *admission) release(remote string) {
	if !a.perIP {
		return
	}
	key, ok := addrKey(remote)
	if !ok {
		return
	}
	a.mu.Lock()
	if st, ok := a.addrs[key]; ok && st.open > 0 {
		st.open--
		if st.open == 0 && a.lim.PerIPRate == 0 {
			delete(a.addrs, key) // no bucket to remember
		} else {
			a.addrs[key] = st
		}
	}
	a.mu.Unlock()
}

// sweep forgets the addresses that have no open session and a full
// bucket, then, beyond maxIdleAddrs without open sessions, any of those.
// a.mu is held.
func (a *admission) sweep(now int64) {
	idle := 0
	for k, st := range a.addrs {
		if st.open > 0 {
			continue
		}
		if a.lim.PerIPRate == 0 {
			delete(a.addrs, k)
			continue
		}
		if st.refill(now, a.lim.PerIPRate, a.ipBurst); st.tokens >= a.ipBurst {
			delete(a.addrs, k)
			continue
		}
		idle++
	}
	if idle > maxIdleAddrs {
		for k, st := range a.addrs {
			if idle <= maxIdleAddrs/2 {
				break
			}
			if st.open == 0 {
				delete(a.addrs, k)
				idle--
			}
		}
	}
	a.sweepAt = max(minSweep, 2*len(a.addrs))
}

// trackedAddrs is the number of addresses the admission state holds.
func (a *admission) trackedAddrs() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.addrs)
}

// releaseAdmission ends the count of a session opened by a handshake from
// remote (its Handshake's RemoteAddr).
func (srv *Server) releaseAdmission(remote string) { srv.adm.release(remote) }
