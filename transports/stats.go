package transports

import (
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/legacy"
)

// Counters for Server.Counts and Server.LoopCounts: what the machine has
// done since it was made (handshakes, refusals, message bytes,
// slow-consumer cuts) and what it holds now (sessions by transport,
// connections, the timer lag of each loop).
//
// Each loop has its own block (loopState.stats), written with atomics by
// that loop only: a session's counts go to its home loop's block, a
// connection's to its loop's. Nothing is locked or allocated to count; a
// reader sums the blocks.

// refusal is why a handshake was refused, an index of refusalNames and
// loopStats.refused.
type refusal uint8

const (
	// refusedForbidden: AllowRequest or the legacy road's LegacyOpen
	// refused the session, or the origin is not allowed.
	refusedForbidden refusal = iota
	// refusedBadRequest: the handshake request itself was wrong (unknown
	// transport or protocol version, a bad method or WebSocket upgrade).
	refusedBadRequest
	// refusedRate: too many handshakes per second (admission limits).
	refusedRate
	// refusedConcurrency: too many sessions opening or open (admission
	// limits).
	refusedConcurrency
	refusalKinds
)

// refusalNames are the reasons as Counts.Refused names them.
var refusalNames = [refusalKinds]string{"forbidden", "bad request", "rate", "concurrency"}

// sessionKind is a session's transport and road, an index of
// loopStats.sessions: the Engine.IO transports, then the legacy
// transports by legacy.Transport.
type sessionKind uint8

const (
	kindPolling sessionKind = iota
	kindWebSocket
	kindLegacy // plus legacy.Transport (1 to 6)

	sessionKinds = kindLegacy + 7
)

// kindOf is the kind of an Engine.IO session on the websocket or not.
func kindOf(websocket bool) sessionKind {
	if websocket {
		return kindWebSocket
	}
	return kindPolling
}

// legacyKind is the kind of a legacy session of transport t.
func legacyKind(t legacy.Transport) sessionKind {
	if int(t) >= int(sessionKinds-kindLegacy) {
		return kindLegacy // not a transport: never served
	}
	return kindLegacy + sessionKind(t)
}

// loopStats is one loop's block of counters.
type loopStats struct {
	handshakes atomic.Uint64
	refused    [refusalKinds]atomic.Uint64
	bytesIn    atomic.Uint64
	bytesOut   atomic.Uint64
	slowCuts   atomic.Uint64
	sessions   [sessionKinds]atomic.Int64
	conns      atomic.Int64
	// timerLag is how late, in nanoseconds, the loop's last timer pass
	// ran its earliest due timer.
	timerLag atomic.Int64
}

// stats is loop's block.
func (srv *Server) stats(loop int) *loopStats { return &srv.loopState[loop].stats }

// countRefused counts a handshake refused on loop for why: admission
// limits' refusals where they are answered (refuseHandshake), the others
// through countErrorReply, countLegacyError and the legacy websocket's
// refusal.
func (srv *Server) countRefused(loop int, why refusal) { srv.stats(loop).refused[why].Add(1) }

// refusalOf is the refusal an HTTP status answers: 403 forbidden, any
// other a bad request.
func refusalOf(status int) refusal {
	if status == 403 {
		return refusedForbidden
	}
	return refusedBadRequest
}

// countErrorReply counts the error answer code to the current request of
// c as a refused handshake when the request asked for one (it names no
// session): forbidden for an origin or AllowRequest refusal, bad request
// for the rest. Errors about a session (an unknown id, a bad poll) are not
// handshakes.
func (c *Conn) countErrorReply(code engineio.ErrorCode) {
	if _, hasSID := httpparse.QueryValue(c.req().RawQuery, "sid"); hasSID {
		return
	}
	why := refusedBadRequest
	if code == engineio.Forbidden {
		why = refusedForbidden
	}
	c.srv.countRefused(c.loop(), why)
}

// countLegacyError counts a legacy error answer with status 403, which
// refuses a session (LegacyOpen), as a forbidden handshake.
func (c *Conn) countLegacyError(status int) {
	if status == 403 {
		c.srv.countRefused(c.loop(), refusedForbidden)
	}
}

// countOpened counts a session of kind opened on loop.
func (srv *Server) countOpened(loop int, kind sessionKind) {
	st := srv.stats(loop)
	st.handshakes.Add(1)
	st.sessions[kind].Add(1)
}

// countEnded counts a session of kind ended on loop for reason.
func (srv *Server) countEnded(loop int, kind sessionKind, reason string) {
	st := srv.stats(loop)
	st.sessions[kind].Add(-1)
	if reason == ReasonSlowConsumer {
		st.slowCuts.Add(1)
	}
}

// countUpgraded counts a session of loop moved from polling to websocket.
func (srv *Server) countUpgraded(loop int) {
	st := srv.stats(loop)
	st.sessions[kindPolling].Add(-1)
	st.sessions[kindWebSocket].Add(1)
}

// countIn counts n message bytes received on loop; countOut n sent.
func (srv *Server) countIn(loop, n int)  { srv.stats(loop).bytesIn.Add(uint64(n)) }
func (srv *Server) countOut(loop, n int) { srv.stats(loop).bytesOut.Add(uint64(n)) }

// countConn counts a connection of loop opened (+1) or closed (-1).
func (srv *Server) countConn(loop int, delta int64) { srv.stats(loop).conns.Add(delta) }

// noteLag records how late the timer pass of loop running at now is for
// the earliest due deadline of h, if one is due.
func (srv *Server) noteLag(loop int, h *timerHeap, now int64) {
	if h.Len() > 0 && h.at(0) <= now {
		srv.stats(loop).timerLag.Store(now - h.at(0))
	}
}

// Counts is a snapshot of a Server's counters (see Server.Counts).
type Counts struct {
	// Handshakes counts the sessions opened, both roads.
	Handshakes uint64
	// Refused counts the handshakes refused, by reason: "forbidden"
	// (AllowRequest, LegacyOpen, a refused origin), "bad request", "rate"
	// and "concurrency" (admission limits); every reason is present.
	Refused map[string]uint64
	// BytesIn and BytesOut count the payload bytes of the Engine.IO
	// messages received and sent, and of the legacy messages received and
	// the legacy ~m~ frames sent.
	BytesIn, BytesOut uint64
	// SlowConsumerCuts counts the sessions ended with ReasonSlowConsumer.
	SlowConsumerCuts uint64
	// Sessions is the number of open sessions of each transport the
	// server serves.
	Sessions []SessionCount
}

// SessionCount is the number of open sessions of one transport.
type SessionCount struct {
	Transport string // "polling", "websocket", or a legacy transport's name
	Legacy    bool   // a session of the legacy (0.6) road
	Count     int
}

// Counts sums the loops' counters. Safe from any goroutine; it allocates
// the map and the slice it returns.
func (srv *Server) Counts() Counts {
	var sessions [sessionKinds]int64
	var refused [refusalKinds]uint64
	var out Counts
	for i := range srv.loopState {
		st := srv.stats(i)
		out.Handshakes += st.handshakes.Load()
		for r := range refused {
			refused[r] += st.refused[r].Load()
		}
		out.BytesIn += st.bytesIn.Load()
		out.BytesOut += st.bytesOut.Load()
		out.SlowConsumerCuts += st.slowCuts.Load()
		for k := range sessions {
			sessions[k] += st.sessions[k].Load()
		}
	}
	out.Refused = make(map[string]uint64, refusalKinds)
	for r, n := range refused {
		out.Refused[refusalNames[r]] = n
	}
	if srv.cfg.Polling {
		out.Sessions = append(out.Sessions, SessionCount{Transport: Polling, Count: int(sessions[kindPolling])})
	}
	if srv.cfg.WebSocket {
		out.Sessions = append(out.Sessions, SessionCount{Transport: WebSocket, Count: int(sessions[kindWebSocket])})
	}
	for t := legacy.WebSocket; t <= legacy.JSONPPolling; t++ {
		if srv.leg.enabled[t] {
			out.Sessions = append(out.Sessions, SessionCount{Transport: t.String(), Legacy: true, Count: int(sessions[legacyKind(t)])})
		}
	}
	return out
}

// Loops is the number of loops the machine was made for.
func (srv *Server) Loops() int { return len(srv.loopState) }

// LoopCounts returns the number of connections loop serves and how late
// its last timer pass ran its earliest due timer. Safe from any goroutine.
func (srv *Server) LoopCounts(loop int) (conns int, timerLag time.Duration) {
	st := srv.stats(loop)
	return int(st.conns.Load()), time.Duration(st.timerLag.Load())
}
