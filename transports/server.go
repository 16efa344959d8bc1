package transports

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"time"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/legacy"
)

// IO is what the edge gives for one connection. Every method is called only on
// the connection's own loop.
type IO interface {
	// Write sends b now or queues it; b may be reused once Write returns.
	Write(b []byte)
	// Close ends the connection. What was written before is still
	// delivered (the edge bounds the wait) and the machine writes nothing
	// after; OnClose follows, on a later turn of the loop, whether or not
	// those bytes have left yet.
	Close()
	// Wake makes the edge call Conn.Feed again with the bytes it holds.
	Wake()
	// Buffered is the number of outbound bytes not yet written to the socket.
	Buffered() int
	// RemoteAddr is the peer's address as "ip:port".
	RemoteAddr() string
}

// Loops lets the machine hand work to an event loop, read the time and
// have its timers run when they are due.
type Loops interface {
	// Post runs fn on loop. It is safe from any goroutine.
	Post(loop int, fn func())
	// Now is the current time.
	Now() time.Time
	// Wake asks for a timer pass, Server.Tick(loop) run on loop, at time
	// at (at once if it has passed), in place of the pass asked before:
	// like time.Timer.Reset, one runtime timer per loop. The machine calls
	// it on loop, only when its earliest deadline becomes earlier than the
	// pass it awaits, or to ask for the next pass once the awaited one has
	// run.
	Wake(loop int, at time.Time)
}

// App receives the events of Engine.IO sessions. Every method is called on
// the session's home loop.
type App interface {
	// Open is called when a handshake is accepted, before the open packet is
	// written. Returning an error refuses the handshake (403, code
	// Forbidden); a Refusal is answered as admission refuses (admission.go).
	Open(s *Session) error
	// Message is called for each message packet; data is valid only during
	// the call.
	Message(s *Session, data []byte, binary bool)
	// Close is called once when the session ends.
	Close(s *Session, reason string)
}

// Fallback serves an HTTP request outside the Engine.IO path, from the
// client at remote ("ip:port": the TCP peer's, or the client a trusted
// proxy forwards, see Config.TrustedProxies). It runs on the
// connection's loop and must copy what it keeps from req; respond may be
// called later from any goroutine, exactly once, with a complete response
// without a Connection field: the machine adds the one the connection's fate
// calls for ("Connection: close" when req.Close is set or close is true,
// after which it closes).
type Fallback func(req *httpparse.Request, remote string, respond func(resp []byte, close bool))

// Config holds the settings of a Server. Zero values mean the defaults.
type Config struct {
	Path           string        // Engine.IO path; default "/socket.io/"
	PingInterval   time.Duration // default 25s
	PingTimeout    time.Duration // default 20s
	UpgradeTimeout time.Duration // default 10s
	MaxPayload     int64         // POST body and WebSocket message limit; default 1e6
	MaxHeaderBytes int           // default 8192
	IdleTimeout    time.Duration // HTTP: time to complete a request or between requests; default 30s
	Polling        bool          // enable the polling transport
	WebSocket      bool          // enable the websocket transport
	// RefuseEIO3 refuses Engine.IO v3 requests (socket.io-client 2.x) with
	// 400 {"code":5,"message":"Unsupported protocol version"}, as Node's
	// engine.io does unless allowEIO3 is set. Default false: v3 is served.
	RefuseEIO3 bool
	// MaxBuffered bounds, in bytes, what may wait for a client that does not
	// keep up: the packets queued for polling GETs it does not make (and,
	// on the legacy road, a session's queue: Legacy.MaxQueueBytes is held
	// under it), or what its connection holds for output: the outbox and
	// the edge's buffer at the memory the edge gives it (WritableIO's
	// Footprint; see outbox.go), plus the frame being written. A send that
	// would take a session past it, when something already waits, closes
	// the session with ReasonSlowConsumer instead; a single packet bigger
	// than MaxBuffered is still sent when nothing waits. A websocket served
	// by another loop than its session's is checked on its own loop, when
	// the frame gets there. Default 4 MiB.
	MaxBuffered int
	// AllowedOrigins lists the origins that get CORS headers and may open
	// WebSockets. Empty means no CORS headers and any origin; "*" means any
	// origin with CORS headers.
	AllowedOrigins []string
	Fallback       Fallback

	// The legacy road: Socket.IO 0.6 on the same port (see legacy.go and
	// docs/legacy-0.6.md).
	//
	// LegacyTransports enables legacy transports by name, among
	// "websocket", "flashsocket", "xhr-multipart", "xhr-polling",
	// "jsonp-polling" and "htmlfile"; nil or empty turns the road off.
	LegacyTransports []string
	// Legacy holds the timers of legacy sessions (defaults as package
	// legacy).
	Legacy legacy.Options
	// LegacyOrigins are the host:port patterns of origins the legacy road
	// accepts; default "*:*".
	LegacyOrigins []string
	// FlashPolicy is the Flash socket policy document, answered (followed
	// by NUL) to a policy request on the main port and on the policy
	// listener; default flash.DefaultPolicy.
	FlashPolicy []byte
	// LegacyApp receives the legacy sessions' events; required when
	// LegacyTransports is set.
	LegacyApp LegacyApp

	// HTTPCompression sets the compression of polling answers
	// (httpcompress.go); the zero value compresses, above 1024 bytes.
	HTTPCompression HTTPCompression
	// TrustedProxies are the proxies whose forwarding headers name the
	// client (proxy.go): a request whose TCP peer is in one of them gets
	// the client's address as its remote address. Empty: none, every
	// request's remote address is its TCP peer's.
	TrustedProxies []netip.Prefix

	// FallbackMaxBody bounds the body of a request handed to Fallback;
	// a bigger one is answered 413 and the connection closed (see
	// fallbackbody.go). Default MaxPayload.
	FallbackMaxBody int64

	// Deflate turns permessage-deflate on (see DeflateConfig); nil: off.
	Deflate *DeflateConfig

	// HandshakeLimit bounds the handshakes of both roads (admission.go);
	// the zero value admits every one.
	HandshakeLimit HandshakeLimit
}

func (c *Config) setDefaults() {
	if c.Path == "" {
		c.Path = "/socket.io/"
	}
	if c.Path[len(c.Path)-1] != '/' {
		c.Path += "/"
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 25 * time.Second
	}
	if c.PingTimeout <= 0 {
		c.PingTimeout = 20 * time.Second
	}
	if c.UpgradeTimeout <= 0 {
		c.UpgradeTimeout = 10 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 30 * time.Second
	}
	if c.MaxPayload <= 0 {
		c.MaxPayload = 1_000_000
	}
	if c.FallbackMaxBody <= 0 {
		c.FallbackMaxBody = c.MaxPayload
	}
	if c.MaxBuffered <= 0 {
		c.MaxBuffered = 4 << 20
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = httpparse.DefaultMaxHeaderBytes
	}
	if !c.Polling && !c.WebSocket {
		c.Polling, c.WebSocket = true, true
	}
	c.HTTPCompression.setDefaults()

	if c.Deflate != nil {
		d := *c.Deflate
		d.setDefaults()
		c.Deflate = &d
	}
}

// Server is the shared state of all connections: configuration, the session
// registry and one timer heap per loop.
type Server struct {
	cfg    Config
	eioCfg engineio.Config // what sessions' protocol state needs of cfg
	app    App
	loops  Loops
	epoch  time.Time // the origin of deadlines kept as int64 (see nanos)

	mu       sync.RWMutex
	sessions map[uint64]*Session // by sidKey (registry.go)
	sidSeed  maphash.Seed
	draining map[string]*Session // closed polling sessions whose close packet awaits a GET

	// One of each per loop, touched only on that loop.
	timers    []timerHeap
	loopState []loopState
	flushes   []flushList
	// Reused output buffers (see frameBuf): frames and responses, the
	// bodies they carry (payloads, open packets, legacy frames), and the
	// JSONP and htmlfile scripts that wrap a body.
	frameScratch [][]byte
	bodyScratch  [][]byte
	wrapScratch  [][]byte
	decode       [][]byte // polling payload decode buffers
	form         [][]byte // JSONP POST payloads

	leg legacyServer // the legacy road (legacy.go)
	adm admission    // handshake limits (admission.go)

	// handoff is the most a WritableIO edge holds for one connection
	// (outbox.go).
	handoff int
}

// NewServer returns a machine for n loops.
func NewServer(cfg Config, app App, loops Loops, n int) *Server {
	cfg.setDefaults()
	srv := &Server{
		cfg: cfg,
		eioCfg: engineio.Config{
			PingInterval: cfg.PingInterval, PingTimeout: cfg.PingTimeout,
			UpgradeTimeout: cfg.UpgradeTimeout, MaxBuffered: cfg.MaxBuffered,
			MinPacketCost: minPacketCost,
		},
		app:          app,
		loops:        loops,
		sessions:     make(map[uint64]*Session),
		sidSeed:      maphash.MakeSeed(),
		draining:     make(map[string]*Session),
		timers:       make([]timerHeap, n),
		loopState:    make([]loopState, n),
		frameScratch: make([][]byte, n),
		bodyScratch:  make([][]byte, n),
		decode:       make([][]byte, n),
		wrapScratch:  make([][]byte, n),
		form:         make([][]byte, n),
	}
	if loops != nil {
		// A second back, so that every deadline is positive and 0 can
		// mean "none".
		srv.epoch = loops.Now().Add(-time.Second)
		for i := range srv.timers {
			srv.timers[i].ask = func(at int64) { loops.Wake(i, srv.timeAt(at)) }
		}
	}
	limits := httpparse.Limits{MaxHeaderBytes: srv.cfg.MaxHeaderBytes, MaxBodyBytes: srv.cfg.MaxPayload}
	bodyLimit := srv.bodyLimitFunc()
	for i := range srv.loopState {
		srv.loopState[i].parser.Limits = limits
		srv.loopState[i].parser.BodyLimit = bodyLimit
	}
	srv.handoff = handoffSize(cfg.MaxBuffered)
	srv.initFlush(n)
	srv.initLegacy(n)
	srv.adm.init(srv.cfg.HandshakeLimit)
	return srv
}

// loopState is what a loop's connections share instead of each carrying
// its own: an upgraded websocket has no use for HTTP parse state, and an
// idle one none for a frame decoder.
//
// Parse keeps nothing between calls that its result depends on, and a
// request is handled before the loop reads another connection, so one
// parser and one Request (whose Headers array keeps its capacity) serve
// them all. A frames.Decoder holds nothing between messages either; a
// connection gets its own (in frag) only while the fragments of a message
// arrive.
type loopState struct {
	parser httpparse.Parser
	req    httpparse.Request

	dec  frames.Decoder
	frag map[*Conn]*frames.Decoder

	deflate deflateState // permessage-deflate's compressor and decompressor

	feeding *Conn  // the connection whose Feed is running, if any
	corked  []byte // what feeding's Feed has written so far (cork.go)

	// outbox holds what this loop's connections wait to hand their edge
	// (outbox.go); empty while every client keeps up.
	outbox map[*Conn]*outbox

	// held are the inbound events of this loop's sessions that arrived
	// before their turn (order.go); nearly always empty.
	held map[*Session][]heldEvent

	// legacy is the legacy road state of this loop's connections that
	// took a legacy request (see Conn.legacy); empty on most servers.
	legacy map[*Conn]*legacyConn

	answer []byte // answers given a Connection field (writeAnswer)

	compressor *answerCompressor // polling answers' gzip and zlib writers, once needed (httpcompress.go)

	stats loopStats // the loop's counters (stats.go)

	_ [64]byte // keeps one loop's writes off the next one's cache line
}

// Config returns the effective configuration.
func (srv *Server) Config() Config { return srv.cfg }

// NewConn returns the machine for a connection accepted on loop.
func (srv *Server) NewConn(io IO, loop int) *Conn {
	c := new(Conn)
	srv.InitConn(c, io, loop)
	return c
}

// InitConn is NewConn for a Conn the edge allocates itself, inside its own
// per-connection state: one object per connection, the edge's fields and
// the machine's side by side. c must be a zero Conn that does not move.
func (srv *Server) InitConn(c *Conn, io IO, loop int) {
	*c = Conn{srv: srv, io: io, tn: timerNode{loop: int32(loop)}}
	srv.countConn(loop, 1)
	if srv.leg.inline {
		c.sniff = sniffInline
	}
	c.idle()
}

// lookupDraining returns the closed polling session with id sid whose last
// packets (ending with the close packet) wait for the client's next GET.
func (srv *Server) lookupDraining(sid string) *Session {
	srv.mu.RLock()
	s := srv.draining[sid]
	srv.mu.RUnlock()
	return s
}

func (srv *Server) setDraining(s *Session, on bool) {
	srv.mu.Lock()
	if on {
		srv.draining[s.ID()] = s
	} else if srv.draining[s.ID()] == s {
		delete(srv.draining, s.ID())
	}
	srv.mu.Unlock()
}

// Tick runs the due timers of loop, each given the deadline it was due at,
// in deadline order, and asks the edge (Loops.Wake) for the pass of the
// next. Call it on that loop when the pass asked for comes; an extra call
// does no harm.
func (srv *Server) Tick(loop int) {
	h := &srv.timers[loop]
	now := srv.now()
	if h.asked <= now {
		h.asked = 0 // the pass awaited has come: this one, or one before
	}
	h.passing = true
	srv.noteLag(loop, h, now)
	for h.Len() > 0 && h.at(0) <= now {
		due := h.at(0)
		h.due = due
		h.pop().tick(due)
	}
	h.due, h.passing = 0, false
	if h.Len() > 0 {
		h.earlier(h.at(0))
	}
}

// nanos is t as a deadline: nanoseconds since the server's epoch (the
// monotonic clock when both times have it). Deadlines are int64 rather than
// time.Time (8 bytes instead of 24), and every idle session holds some.
func (srv *Server) nanos(t time.Time) int64 { return int64(t.Sub(srv.epoch)) }

// timeAt is deadline at as a time on the loops' clock (see nanos).
func (srv *Server) timeAt(at int64) time.Time { return srv.epoch.Add(time.Duration(at)) }

// now is the loops' clock as a deadline (see nanos).
func (srv *Server) now() int64 { return srv.nanos(srv.loops.Now()) }

// clock is what a deadline set on loop counts from: inside a timer pass,
// the deadline of the timed being run, so that a deadline that follows
// from another (a pong deadline from its ping's, a timer set by a timer's
// function) does not drift by how late the pass runs; elsewhere, now.
func (srv *Server) clock(loop int) int64 {
	if due := srv.timers[loop].due; due != 0 {
		return due
	}
	return srv.now()
}

// timeOn is clock as a time, for the legacy machine, which keeps time.Time.
func (srv *Server) timeOn(loop int) time.Time {
	if due := srv.timers[loop].due; due != 0 {
		return srv.timeAt(due)
	}
	return srv.loops.Now()
}

// scheduleOn makes sure t.tick runs on loop at or after deadline at (0:
// none).
func (srv *Server) scheduleOn(loop int, t timed, at int64) {
	if at != 0 {
		srv.timers[loop].wake(t, at)
	}
}

// unschedule forgets t's deadline, so that the heap does not hold on to it.
func (srv *Server) unschedule(loop int, t timed) { srv.timers[loop].remove(t) }

// frameBuf returns the loop's buffer for a frame or response, emptied;
// keepFrameBuf gives it back, grown, once the bytes are written. The body
// and wrap buffers work alike, so that a response can be built from a body
// and a script around it at once without allocating.
func (srv *Server) frameBuf(loop int) []byte { return srv.frameScratch[loop][:0] }

func (srv *Server) keepFrameBuf(loop int, b []byte) {
	if cap(b) <= 1<<20 {
		srv.frameScratch[loop] = b
	}
}

func (srv *Server) bodyBuf(loop int) []byte { return srv.bodyScratch[loop][:0] }

func (srv *Server) keepBodyBuf(loop int, b []byte) {
	if cap(b) <= 1<<20 {
		srv.bodyScratch[loop] = b
	}
}

func (srv *Server) wrapBuf(loop int) []byte { return srv.wrapScratch[loop][:0] }

func (srv *Server) keepWrapBuf(loop int, b []byte) {
	if cap(b) <= 1<<20 {
		srv.wrapScratch[loop] = b
	}
}
