package tornadio

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/socketio"
)

// Transport names accepted by WithTransports. "websocket" serves both
// roads: the modern Engine.IO websocket and the legacy 0.6 one. The other
// five legacy names are the seed's (SocketTornad.IO's enabled_protocols).
const (
	TransportPolling      = "polling"       // modern long-polling (XHR and JSONP)
	TransportWebSocket    = "websocket"     // both roads
	TransportFlashSocket  = "flashsocket"   // legacy: web-socket-js over Flash (named in WithTransports, also starts the policy listener)
	TransportXHRMultipart = "xhr-multipart" // legacy
	TransportXHRPolling   = "xhr-polling"   // legacy
	TransportJSONPPolling = "jsonp-polling" // legacy
	TransportHTMLFile     = "htmlfile"      // legacy
)

// allTransports is the default: both roads, every transport.
var allTransports = []string{TransportPolling, TransportWebSocket, TransportFlashSocket,
	TransportXHRMultipart, TransportXHRPolling, TransportJSONPPolling, TransportHTMLFile}

// legacyTransports are the names the legacy road serves.
var legacyTransports = []string{TransportWebSocket, TransportFlashSocket,
	TransportXHRMultipart, TransportXHRPolling, TransportJSONPPolling, TransportHTMLFile}

// DefaultFlashPolicyPort is where Flash asks for a socket policy first.
const DefaultFlashPolicyPort = 843

// Options holds every setting of a Server. Each field's zero value means the
// default written beside it. Set them with the With* functions.
type Options struct {
	EventLoops int // event loops (cores used); default runtime.NumCPU()
	// Transports are the enabled transports, by name (see the Transport
	// constants); default all of them, on both roads.
	Transports     []string
	PingInterval   time.Duration // default 25s
	PingTimeout    time.Duration // default 20s
	UpgradeTimeout time.Duration // default 10s
	MaxPayload     int64         // bytes in a POST body or a WebSocket message; default 1 000 000
	MaxHeaderBytes int           // request line and headers; default 8192
	// HTTPIdleTimeout closes a connection that takes longer to send a whole
	// request, or idles longer between requests; default 30s. A long-poll
	// GET waiting for packets is not idle.
	HTTPIdleTimeout time.Duration
	// AllowedOrigins: browsers from these origins get CORS headers, and
	// requests carrying another Origin are refused (403). "*" allows every
	// origin with CORS headers. Default: none listed, no CORS headers, no check.
	AllowedOrigins []string
	// Path is the Engine.IO path; default "/socket.io/" for a Server,
	// "/engine.io/" for an EngineServer (as in Node).
	Path   string
	Logger *slog.Logger // default slog.Default()
	// HTTPHandler serves requests outside Path (a page, the client script).
	// Each such request runs on its own goroutine, with its whole body
	// read (at most HTTPHandlerMaxBody bytes); default: 404.
	HTTPHandler http.Handler
	// AllowRequest, when set, decides on every Engine.IO handshake (a new
	// session, by polling or websocket) before anything else: an error
	// refuses it with 403 {"code":4,"message":"Forbidden"}. It runs on the
	// event loop. Default: every handshake is allowed (subject to
	// AllowedOrigins).
	AllowRequest func(r *Request) error
	// ConnectTimeout closes an Engine.IO session that has not connected to
	// any namespace within it; default 45s, as in Node.
	ConnectTimeout time.Duration
	// Adapter makes each namespace's adapter; default adapter.NewInMemory.
	Adapter adapter.Factory
	// Recovery, when set, turns on connection state recovery.
	Recovery *RecoveryOptions
	// MaxBufferedBytes bounds what may wait to be written to one client (a
	// slow consumer, who stops reading), the network layer's buffer counted
	// at the memory it takes: volatile packets are dropped as soon as
	// anything waits, and a session whose waiting bytes would pass the
	// bound is closed with ReasonSlowConsumer, so such a client never grows
	// the server's memory past it (a broadcast's packet waits once for all
	// the clients it goes to, counted against each one's bound; at the
	// cut, what the network layer holds already, 128 KiB at most, is still
	// delivered, whole frames, for at most 30s). Default 4 MiB.
	MaxBufferedBytes int
	// FlashPolicyPort is the port of the Flash socket policy listener
	// (on the main address's host); default 843, where Flash asks first.
	// WithFlashPolicy(0, …) picks a free port. The listener starts with
	// the server only when asked for, and flashsocket is enabled: when
	// WithFlashPolicy is given, or when WithTransports names flashsocket.
	// The default transport list does not ask: a default server never
	// binds port 843, and answers policy requests inline on its main port
	// only (Flash falls back to asking there). If the default port cannot
	// be bound (it needs privileges, or another server holds it), the
	// server logs a warning and goes on without it; a port set with
	// WithFlashPolicy must bind.
	FlashPolicyPort int
	// FlashPolicyFile is the policy document to serve; "" serves a
	// permissive built-in policy (any domain, any port).
	FlashPolicyFile string
	// LegacyOrigins are the host:port patterns ("*" allowed on either side)
	// of origins allowed on the legacy road; default "*:*".
	LegacyOrigins []string
	// Legacy holds the legacy road's timers (heartbeat 10s, its timeout 8s,
	// poll duration 20s, close timeout 8s) and limits; zero fields take
	// those defaults.
	Legacy        legacy.Options
	policyPortSet bool // WithFlashPolicy was given: the port must bind
	// defaultTransports: Transports was empty and took the default list,
	// which does not ask for the policy listener.
	defaultTransports bool

	// MaxConnections caps the TCP connections open at once (both roads,
	// every transport, the Flash policy listener too). A connection past it
	// is closed right after accept and counted; refusals are logged at most
	// every 10s. The cap exists because gnet stops its whole engine when
	// accept(2) fails with EMFILE: kept below RLIMIT_NOFILE, the server
	// stays up at its file limit. Default, and the most allowed: the soft
	// RLIMIT_NOFILE (Go raises it to the hard limit at startup) less a
	// measured reserve: the descriptors open at Start, those the engine
	// opens, and 32 more for what the application opens later (about 50
	// under a 20 000-file limit). An application that opens many files
	// after Start should set a lower cap. A larger value is lowered, with
	// a warning.
	MaxConnections int

	// Workers, when positive, runs user callbacks on that many goroutines
	// instead of the event loop; use it when handlers block. Callbacks of one
	// socket (or EngineServer session) keep their order. Default 0:
	// callbacks run on the event loop.
	Workers int

	// RefuseEIO3 refuses Engine.IO v3 clients (socket.io-client 2.x) with
	// 400 {"code":5,"message":"Unsupported protocol version"}. Default
	// false: they are served, as tornadio always has (Node's allowEIO3
	// defaults to false, refusing them). Set it with WithAllowEIO3(false).
	RefuseEIO3 bool

	// --- HTTP compression and trusted proxies (issue 12) ---

	// HTTPCompression sets the compression of long-polling answers: on by
	// default, gzip or deflate for bodies of 1024 bytes and more (see
	// HTTPCompression).
	HTTPCompression HTTPCompression
	// TrustedProxies are the reverse proxies, by IP address or CIDR prefix,
	// whose X-Forwarded-For or Forwarded header sets a request's
	// RemoteAddr (see WithTrustedProxies). Default: none.
	TrustedProxies []string
	trustedProxies []netip.Prefix // TrustedProxies parsed by validate

	// --- API-A: server-level gaps (issue 12) ---

	// HTTPHandlerMaxBody bounds the body of a request served by
	// HTTPHandler, apart from MaxPayload (which bounds the protocol's
	// messages): a bigger one is answered 413 Content Too Large and its
	// connection closed, without reaching the handler, as soon as its
	// Content-Length (or chunked body) shows it. The handler gets the
	// whole body at once, held in memory, so the cap is what one request
	// may make the server hold (the event loops hold as much of each
	// connection's unfinished input: lower it when many untrusted clients
	// connect and the pages take no uploads). Default 10 MiB
	// (DefaultHTTPHandlerMaxBody, net/http's own cap on a form body); it
	// applies only with an HTTPHandler. Set it with WithHTTPHandlerMaxBody.
	HTTPHandlerMaxBody int64

	// --- API-B: handler-level API (issue 12) ---

	// ErrorHandler receives the errors of a socket's event handling that
	// no call returns, such as arguments that do not fit a handler's
	// parameters (see WithErrorHandler). Default: logged at Warn level.
	ErrorHandler func(s *Socket, event string, err error)

	// --- parser interface and msgpack parser (issue 12) ---

	// Parser encodes and decodes the Socket.IO packets of every session
	// (Node's `parser` option): clients must use the same encoding. Default
	// (nil): socketio.TextParser, socket.io-parser's encoding; see
	// msgpackparser.Parser for socket.io-msgpack-parser's. The legacy road
	// (Socket.IO 0.6) has its own framing and ignores it.
	Parser socketio.Parser

	// --- permessage-deflate (issue 12) ---

	// PerMessageDeflate turns permessage-deflate (RFC 7692) on for
	// websockets; nil, the default, leaves it off, as socket.io 4 does.
	// See PerMessageDeflate and WithPerMessageDeflate.
	PerMessageDeflate *PerMessageDeflate

	// --- admission (issue 13) ---

	// HandshakeLimit bounds how fast, and how many, sessions clients open
	// (see HandshakeLimit and WithHandshakeLimit). The zero value, the
	// default, sets no limit.
	HandshakeLimit HandshakeLimit
}

// Option sets one setting.
type Option func(*Options)

// WithEventLoops sets how many event loops (one per core) serve connections.
func WithEventLoops(n int) Option { return func(o *Options) { o.EventLoops = n } }

// WithTransports sets the enabled transports, any of the seven Transport*
// names: TransportPolling and TransportWebSocket on the modern road (the
// websocket name serves the legacy road too), TransportFlashSocket,
// TransportXHRMultipart, TransportXHRPolling, TransportJSONPPolling and
// TransportHTMLFile on the legacy one. Default: all seven. An unknown name
// makes Start fail. Naming TransportFlashSocket here also starts the Flash
// policy listener (see Options.FlashPolicyPort); the default list does not.
func WithTransports(names ...string) Option {
	return func(o *Options) { o.Transports = append([]string(nil), names...) }
}

// WithPingInterval sets how often the server pings (Engine.IO v4).
func WithPingInterval(d time.Duration) Option { return func(o *Options) { o.PingInterval = d } }

// WithPingTimeout sets how long a pong may take before the session closes.
func WithPingTimeout(d time.Duration) Option { return func(o *Options) { o.PingTimeout = d } }

// WithUpgradeTimeout sets how long a polling → websocket upgrade may take.
func WithUpgradeTimeout(d time.Duration) Option { return func(o *Options) { o.UpgradeTimeout = d } }

// WithMaxPayload bounds a polling POST body and a WebSocket message
// (Node's maxHttpBufferSize).
func WithMaxPayload(n int64) Option { return func(o *Options) { o.MaxPayload = n } }

// WithMaxHeaderBytes bounds the request line and headers of HTTP requests.
func WithMaxHeaderBytes(n int) Option { return func(o *Options) { o.MaxHeaderBytes = n } }

// WithHTTPIdleTimeout bounds how long a connection may take to send a
// request and how long it may idle between requests.
func WithHTTPIdleTimeout(d time.Duration) Option { return func(o *Options) { o.HTTPIdleTimeout = d } }

// WithAllowedOrigins sets the origins allowed to connect from browsers.
func WithAllowedOrigins(origins ...string) Option {
	return func(o *Options) { o.AllowedOrigins = append([]string(nil), origins...) }
}

// WithPath sets the Engine.IO path (default "/socket.io/", or "/engine.io/"
// for an EngineServer).
func WithPath(p string) Option { return func(o *Options) { o.Path = p } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(o *Options) { o.Logger = l } }

// WithHTTPHandler serves every request outside the Engine.IO path.
func WithHTTPHandler(h http.Handler) Option { return func(o *Options) { o.HTTPHandler = h } }

// WithAllowRequest sets a check run on every handshake (Node's
// allowRequest): returning an error refuses the session with 403.
func WithAllowRequest(fn func(r *Request) error) Option {
	return func(o *Options) { o.AllowRequest = fn }
}

// WithConnectTimeout sets how long a session may stay without a namespace.
func WithConnectTimeout(d time.Duration) Option { return func(o *Options) { o.ConnectTimeout = d } }

// WithAdapter sets the adapter factory (rooms and broadcasts across nodes).
func WithAdapter(f adapter.Factory) Option { return func(o *Options) { o.Adapter = f } }

// WithConnectionStateRecovery turns on connection state recovery.
func WithConnectionStateRecovery(r RecoveryOptions) Option {
	return func(o *Options) { o.Recovery = &r }
}

// WithMaxBufferedBytes bounds the bytes waiting to be written to one client.
func WithMaxBufferedBytes(n int) Option { return func(o *Options) { o.MaxBufferedBytes = n } }

// WithFlashPolicy sets the Flash policy listener's port and the policy
// file ("" for the built-in permissive policy), like SocketTornad.IO's
// flash_policy_port and flash_policy_file, and asks for the listener: the
// server starts it when flashsocket is enabled (by default or by
// WithTransports), and fails to start if the port cannot be bound.
func WithFlashPolicy(port int, file string) Option {
	return func(o *Options) {
		o.FlashPolicyPort, o.FlashPolicyFile = port, file
		o.policyPortSet = true
	}
}

// WithLegacyOrigins sets the host:port patterns allowed on the legacy road.
func WithLegacyOrigins(patterns ...string) Option {
	return func(o *Options) { o.LegacyOrigins = append([]string(nil), patterns...) }
}

// WithLegacyOptions sets the legacy road's timers and limits.
func WithLegacyOptions(l legacy.Options) Option { return func(o *Options) { o.Legacy = l } }

// WithMaxConnections caps the TCP connections open at once; see
// Options.MaxConnections.
func WithMaxConnections(n int) Option { return func(o *Options) { o.MaxConnections = n } }

// WithWorkers runs user callbacks on n worker goroutines instead of the loop.
func WithWorkers(n int) Option { return func(o *Options) { o.Workers = n } }

// WithAllowEIO3 sets whether Engine.IO v3 clients (socket.io-client 2.x)
// are served; default true, where Node's allowEIO3 defaults to false. See
// Options.RefuseEIO3.
func WithAllowEIO3(allow bool) Option { return func(o *Options) { o.RefuseEIO3 = !allow } }

// WithOptions replaces every setting at once.
func WithOptions(opts Options) Option { return func(o *Options) { *o = opts } }

func (o *Options) validate() error {
	if o.EventLoops <= 0 {
		o.EventLoops = runtime.NumCPU()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = 45 * time.Second
	}
	if len(o.Transports) == 0 {
		o.Transports = allTransports
		o.defaultTransports = true
	}
	for _, t := range o.Transports {
		if !contains(allTransports, t) {
			return fmt.Errorf("tornadio: unknown transport %q", t)
		}
	}
	if o.FlashPolicyPort == 0 && !o.policyPortSet {
		o.FlashPolicyPort = DefaultFlashPolicyPort
	}
	if o.FlashPolicyPort < 0 || o.FlashPolicyPort > 65535 {
		return fmt.Errorf("tornadio: flash policy port %d", o.FlashPolicyPort)
	}
	if o.PingInterval < 0 || o.PingTimeout < 0 || o.UpgradeTimeout < 0 || o.HTTPIdleTimeout < 0 || o.ConnectTimeout < 0 {
		return fmt.Errorf("tornadio: negative timeout")
	}
	if o.MaxPayload < 0 || o.MaxHeaderBytes < 0 || o.Workers < 0 || o.MaxBufferedBytes < 0 || o.MaxConnections < 0 ||
		o.HTTPHandlerMaxBody < 0 {
		return fmt.Errorf("tornadio: negative limit")
	}
	if o.Path != "" && o.Path[0] != '/' {
		return fmt.Errorf("tornadio: path %q must start with /", o.Path)
	}
	if err := o.validateHTTPComp(); err != nil {
		return err
	}
	if err := o.PerMessageDeflate.validate(); err != nil {
		return err
	}
	if err := o.HandshakeLimit.validate(); err != nil {
		return err
	}
	return nil
}

func (o *Options) has(transport string) bool {
	for _, t := range o.Transports {
		if t == transport {
			return true
		}
	}
	return false
}

// legacyNames are the enabled transports of the legacy road.
func (o *Options) legacyNames() []string {
	var out []string
	for _, t := range o.Transports {
		if contains(legacyTransports, t) {
			out = append(out, t)
		}
	}
	return out
}
