package transports

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tornadio/tornadio/flash"
	"github.com/tornadio/tornadio/legacy"
)

// The legacy road
//
// With Config.LegacyTransports set, the same Server also speaks the
// Socket.IO 0.6 protocol of docs/legacy-0.6.md (package legacy holds the framing,
// the session machine and the transports' bytes) on the same connections:
//
//   - A request whose path is under Config.Path with a non-empty remainder
//     that legacy.ParsePath takes apart, naming an enabled legacy transport,
//     goes to the legacy road; "/socket.io/?EIO=..." stays on the modern one.
//     A path that names no legacy transport (/socket.io/socket.io.js, a bad
//     session id segment) or a disabled one goes to Config.Fallback (404
//     without one), as socket.io-node passes such requests on to the
//     application's other handlers.
//   - A request naming a session id that is not live is answered by closing
//     the connection without a response, as socket.io-node does.
//   - The first bytes of a connection on the main port are checked for the
//     Flash policy request when "flashsocket" is enabled (inline policy, as
//     socket.io-node serves it from flashsocket.init); a request split
//     across reads is waited for. [Server.NewPolicyConn] serves the policy
//     listener. Both answer Config.FlashPolicy followed by NUL, then close.
//
// See legacy_conn.go for the per-request rules and every place where the
// bytes differ from socket.io-node 0.6.18 on purpose.

// LegacyApp receives the events of legacy sessions. Every method is called
// on the session's home loop.
type LegacyApp interface {
	// LegacyOpen is called when a new legacy session is made, before its
	// first answer (the one carrying the session id) is written. An error
	// refuses the session: a polling or streaming GET is answered 403 and
	// a websocket upgrade 403 (RFC 6455) or a closed connection without a
	// response (hixie-75/76, as socket.io-node refuses those); LegacyClose
	// is not called.
	LegacyOpen(s *LegacySession) error
	// LegacyMessage is called for each message a client sends; m.Data is
	// valid only during the call. Heartbeats never reach it.
	LegacyMessage(s *LegacySession, m legacy.Message)
	// LegacyClose is called once when the session ends, with
	// ReasonTransportClose (the connection ended, or no new poll within
	// the close timeout), ReasonPingTimeout (no heartbeat echo),
	// ReasonForcedClose (LegacySession.Close), ReasonParseError (a
	// websocket sent broken ~m~ framing) or ReasonSlowConsumer (more than
	// Legacy.MaxQueueBytes queued, held under Config.MaxBuffered, or
	// Config.MaxBuffered held for a stream's connection).
	LegacyClose(s *LegacySession, reason string)
}

// LegacySession is one Socket.IO 0.6 session. Its methods run on its home
// loop (the loop of the connection that opened it), except where a comment
// says otherwise.
type LegacySession struct {
	srv       *Server
	id        string
	loop      int
	transport legacy.Transport
	extra     string
	hs        Handshake
	m         *legacy.Session
	closed    bool
	tn        timerNode

	// Polling: the held GET.
	poll        *Conn
	pollGen     exchange
	pollInfo    pollInfo
	flushPosted bool

	// Streaming: the connection carrying the session, once connected.
	stream *Conn
	kind   streamKind
	live   bool // the stream's handshake is complete: frames may be written

	// Data is the application's per-session state.
	Data any
}

// ID is the session id. Safe from any goroutine.
func (s *LegacySession) ID() string { return s.id }

// Loop is the home loop. Safe from any goroutine.
func (s *LegacySession) Loop() int { return s.loop }

// Post runs fn on the session's home loop. Safe from any goroutine.
func (s *LegacySession) Post(fn func()) { s.srv.loops.Post(s.loop, fn) }

// Transport is the transport's name, such as "xhr-polling". Safe from any
// goroutine.
func (s *LegacySession) Transport() string { return s.transport.String() }

// Extra is the optional path segment between the resource and the
// transport (/socket.io/<extra>/xhr-polling/...), or "". Safe from any
// goroutine.
func (s *LegacySession) Extra() string { return s.extra }

// Handshake is the request that opened the session. Safe from any
// goroutine; do not modify.
func (s *LegacySession) Handshake() *Handshake { return &s.hs }

// Closed reports whether the session has ended.
func (s *LegacySession) Closed() bool { return s.closed }

// Send queues one or more complete ~m~ frames (legacy.AppendText,
// AppendJSON, AppendEncode...) for the client; frames is copied. Each frame
// is a message of its own: a websocket carries each in its own frame, as
// socket.io-node does. Only the ~m~LEN~m~ structure is checked (a text that
// happens to start with "~j~" is the caller's business, as in every 0.6
// server); from the first frame that is not well formed, the rest of frames
// is dropped. More than Legacy.MaxQueueBytes (at most Config.MaxBuffered)
// waiting for a client that does not read closes the session with
// ReasonSlowConsumer.
func (s *LegacySession) Send(frames []byte) { s.SendFrames(frames) }

// SendFrames is Send, reporting what it did: SendCut when it closed the
// session as a slow consumer's.
func (s *LegacySession) SendFrames(frames []byte) SendResult {
	if s.closed {
		return SendClosed
	}
	for p := frames; len(p) > 0; {
		n := frameSize(p)
		if n == 0 {
			break
		}
		if err := s.m.Send(p[:n]); err != nil {
			s.end(ReasonSlowConsumer)
			return SendCut
		}
		s.srv.countOut(s.loop, n)
		p = p[n:]
	}
	s.sent()
	if s.closed {
		return SendCut // the stream's connection refused the frames
	}
	return SendQueued
}

// frameSize returns the size in bytes of the ~m~ frame at the start of p,
// or 0 when p does not start with a whole one.
func frameSize(p []byte) int {
	const marker = "~m~"
	if len(p) < 3 || string(p[:3]) != marker {
		return 0
	}
	i, size := 3, 0
	for i < len(p) && p[i] >= '0' && p[i] <= '9' && i < 12 {
		size = size*10 + int(p[i]-'0')
		i++
	}
	if i == 3 || len(p)-i < 3 || string(p[i:i+3]) != marker {
		return 0
	}
	i += 3
	for units := 0; units < size; {
		if i >= len(p) {
			return 0
		}
		w := 1
		if p[i] >= utf8.RuneSelf {
			_, w = utf8.DecodeRune(p[i:])
			if w == 4 {
				units++ // a surrogate pair
			}
		}
		units++
		i += w
	}
	if i > len(p) {
		return 0
	}
	return i
}

// Close ends the session from the server side: what is queued is written
// to a held poll or a live stream, the connection is closed, and
// LegacyClose runs with ReasonForcedClose. Closing a closed session does
// nothing.
func (s *LegacySession) Close() {
	if s.closed {
		return
	}
	s.flushNow()
	_ = s.m.Close(s.srv.timeOn(s.loop))
	s.end(ReasonForcedClose)
}

// legacyServer is the Server's legacy road state.
type legacyServer struct {
	on         bool
	enabled    [8]bool // by legacy.Transport
	resource   string
	origins    legacy.Origins
	policy     []byte // the answer: the policy and NUL
	inline     bool   // answer policy requests on the main port
	opts       legacy.Options
	app        LegacyApp
	maxPayload int

	mu       sync.RWMutex
	sessions map[string]*LegacySession

	form [][]byte // per loop: decoded POST data fields
}

// ValidateLegacy checks the legacy road settings of c: the transport names
// and the origin patterns, and that LegacyApp is set when the road is on.
// NewServer panics with this error.
func (c *Config) ValidateLegacy() error {
	if len(c.LegacyTransports) == 0 {
		return nil
	}
	for _, name := range c.LegacyTransports {
		if legacy.ParseTransport([]byte(name)) == legacy.NoTransport {
			return fmt.Errorf("transports: unknown legacy transport %q", name)
		}
	}
	if _, err := legacy.ParseOrigins(c.LegacyOrigins); err != nil {
		return fmt.Errorf("transports: LegacyOrigins: %w", err)
	}
	if c.LegacyApp == nil {
		return fmt.Errorf("transports: LegacyTransports set without LegacyApp")
	}
	return nil
}

func (srv *Server) initLegacy(n int) {
	cfg := &srv.cfg
	if err := cfg.ValidateLegacy(); err != nil {
		panic(err)
	}
	l := &srv.leg
	l.sessions = make(map[string]*LegacySession)
	policy := cfg.FlashPolicy
	if len(policy) == 0 {
		policy = []byte(flash.DefaultPolicy)
	}
	l.policy = flash.Answer(policy)
	if len(cfg.LegacyTransports) == 0 {
		return
	}
	l.on = true
	for _, name := range cfg.LegacyTransports {
		l.enabled[legacy.ParseTransport([]byte(name))] = true
	}
	l.inline = l.enabled[legacy.FlashSocket]
	l.resource = strings.Trim(cfg.Path, "/")
	l.origins, _ = legacy.ParseOrigins(cfg.LegacyOrigins)
	l.opts = cfg.Legacy
	// A session's queue waits for its client as a polling queue does:
	// MaxBuffered bounds it too.
	q := l.opts.MaxQueueBytes
	if q == 0 {
		q = legacy.DefaultMaxQueueBytes
	}
	if q < 0 || q > cfg.MaxBuffered {
		q = cfg.MaxBuffered
	}
	l.opts.MaxQueueBytes = q
	l.app = cfg.LegacyApp
	l.maxPayload = int(cfg.MaxPayload)
	l.form = make([][]byte, n)
}

// NewPolicyConn returns the machine for a connection accepted on the Flash
// policy listener: a policy request, possibly in pieces, is answered with
// Config.FlashPolicy and NUL, then the connection is closed; anything else
// closes it at once, without an answer; nothing within IdleTimeout closes
// it too.
func (srv *Server) NewPolicyConn(io IO, loop int) *Conn {
	c := new(Conn)
	srv.InitPolicyConn(c, io, loop)
	return c
}

// InitPolicyConn is NewPolicyConn for a Conn the edge allocates (see
// InitConn).
func (srv *Server) InitPolicyConn(c *Conn, io IO, loop int) {
	srv.InitConn(c, io, loop)
	c.sniff = sniffPolicyPort
}

// FlashPolicyAnswer returns the bytes written to a policy request: the
// policy and NUL. Do not modify.
func (srv *Server) FlashPolicyAnswer() []byte { return srv.leg.policy }

// LookupLegacy returns the live legacy session with id sid, or nil. Safe
// from any goroutine.
func (srv *Server) LookupLegacy(sid string) *LegacySession {
	srv.leg.mu.RLock()
	s := srv.leg.sessions[sid]
	srv.leg.mu.RUnlock()
	return s
}

// LegacySessionCount is the number of live legacy sessions. Safe from any
// goroutine.
func (srv *Server) LegacySessionCount() int {
	srv.leg.mu.RLock()
	n := len(srv.leg.sessions)
	srv.leg.mu.RUnlock()
	return n
}

// LegacySessions returns a snapshot of the live legacy sessions. Safe from
// any goroutine.
func (srv *Server) LegacySessions() []*LegacySession {
	srv.leg.mu.RLock()
	out := make([]*LegacySession, 0, len(srv.leg.sessions))
	for _, s := range srv.leg.sessions {
		out = append(out, s)
	}
	srv.leg.mu.RUnlock()
	return out
}

// registerLegacy adds s under a fresh id; false when no id could be drawn.
func (srv *Server) registerLegacy(s *LegacySession) bool {
	l := &srv.leg
	l.mu.Lock()
	defer l.mu.Unlock()
	for range 8 {
		if _, taken := l.sessions[s.m.ID()]; !taken {
			s.id = s.m.ID()
			l.sessions[s.id] = s
			return true
		}
		m, err := legacy.New(s.transport, &l.opts)
		if err != nil {
			return false
		}
		s.m = m
	}
	return false
}

func (srv *Server) unregisterLegacy(s *LegacySession) {
	l := &srv.leg
	l.mu.Lock()
	if l.sessions[s.id] == s {
		delete(l.sessions, s.id)
	}
	l.mu.Unlock()
}

// legacyReason maps the machine's reasons to the App's.
func legacyReason(r legacy.Reason) string {
	switch r {
	case legacy.ReasonHeartbeatTimeout:
		return ReasonPingTimeout
	case legacy.ReasonServerClose:
		return ReasonForcedClose
	}
	return ReasonTransportClose
}
