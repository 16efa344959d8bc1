package tornadio

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tornadio/tornadio/internal/sioclient"
	"github.com/tornadio/tornadio/transports"
)

// Server is a Socket.IO server. Create it with NewServer, register
// namespaces and handlers, then call ListenAndServe (or Start), or serve it
// through net/http: it is an http.Handler (ServeHTTP), and Serve takes a
// listener.
type Server struct {
	core

	mu      sync.RWMutex
	nsps    map[string]*Namespace
	dynamic []*dynamicNamespace
	mainNsp *Namespace // "/", made by NewServer: the Server's own Emit, To, …

	policy    []byte
	scratches []loopScratch // one per event loop
	early     earlyTimers   // cluster adapters' timers armed before Start
	pending   atomic.Int64  // sessions waiting for their first CONNECT (connectwatch.go)
	observe   observers     // OnNamespace's listeners (observe.go)
}

// ErrServerStarted is returned when a server is started twice.
var ErrServerStarted = errors.New("tornadio: server already started")

// NewServer returns a server with the given options. Invalid options are
// reported by Start and ListenAndServe.
func NewServer(opts ...Option) *Server {
	s := &Server{nsps: make(map[string]*Namespace)}
	s.init("/socket.io/", opts)
	s.edge.start = s.startServing
	s.scratches = make([]loopScratch, max(1, s.opts.EventLoops))
	s.mainNsp = s.Of("/")
	return s
}

// Of returns the namespace name, creating it on first use. "" and "/" are the
// main namespace. Safe from any goroutine.
func (s *Server) Of(name string) *Namespace {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	s.mu.Lock()
	if ns, ok := s.nsps[name]; ok {
		s.mu.Unlock()
		return ns
	}
	ns := newNamespace(s, name, nil)
	s.nsps[name] = ns
	s.mu.Unlock()
	s.namespaceMade(ns)
	return ns
}

// dynamicNamespace is a parent registered with OfFunc.
type dynamicNamespace struct {
	match  func(name string, auth []byte) bool
	parent *Namespace
}

// OfFunc registers a parent for namespaces created on demand: when a client
// connects to a namespace that does not exist and match accepts its name
// (and raw auth payload), the namespace is created with the returned
// parent's middlewares and handlers (OnConnection, Use, Handle on the
// parent apply to every child). A broadcast on the parent (Emit, To, …)
// reaches every child, as in Node, and so do SocketsJoin, SocketsLeave,
// DisconnectSockets and FetchSockets (on a Node parent these find no
// socket, or throw); an Emit with an ack callback is refused
// (ErrParentAck). match runs on an event loop.
func (s *Server) OfFunc(match func(name string, auth []byte) bool) *Namespace {
	parent := newNamespace(s, "", nil)
	parent.isParent = true
	s.mu.Lock()
	s.dynamic = append(s.dynamic, &dynamicNamespace{match: match, parent: parent})
	s.mu.Unlock()
	return parent
}

// OfRegexp is OfFunc for names matching re.
func (s *Server) OfRegexp(re *regexp.Regexp) *Namespace {
	return s.OfFunc(func(name string, _ []byte) bool { return re.MatchString(name) })
}

// lookupNamespace finds the namespace a client connects to, creating it
// from a dynamic parent when one matches.
func (s *Server) lookupNamespace(name string, auth []byte) *Namespace {
	if ns := s.namespace(name); ns != nil {
		return ns
	}
	s.mu.RLock()
	dyn := s.dynamic
	s.mu.RUnlock()
	for _, d := range dyn {
		if d.match(name, auth) {
			s.mu.Lock()
			ns, ok := s.nsps[name]
			if !ok {
				ns = newNamespace(s, name, d.parent)
				s.nsps[name] = ns
			}
			s.mu.Unlock()
			if !ok {
				d.parent.mu.Lock()
				d.parent.children = append(d.parent.children, ns)
				d.parent.mu.Unlock()
				s.namespaceMade(ns)
			}
			return ns
		}
	}
	return nil
}

func (s *Server) namespace(name string) *Namespace {
	s.mu.RLock()
	ns := s.nsps[name]
	s.mu.RUnlock()
	return ns
}

// Handle registers the seed-style handler on the main namespace.
func (s *Server) Handle(h Handler) { s.Of("/").Handle(h) }

// Start listens on addr ("host:port"; port 0 picks a free one) and returns
// once the event loops are serving. Addr then tells the address. The Flash
// policy listener starts too when asked for (Options.FlashPolicyPort);
// PolicyAddr tells its address. After Shutdown it returns ErrServerClosed.
func (s *Server) Start(addr string) error {
	if err := s.begin(); err != nil {
		return err
	}
	o := &s.opts
	policy, err := o.flashPolicy()
	if err != nil {
		return err
	}
	s.policy = policy
	policyAddr := ""
	if o.wantsPolicyListener() {
		policyAddr = o.policyAddr(addr)
		if !o.policyPortSet && !canListen(policyAddr) {
			// The default port needs privileges or is taken (another
			// server on this host): go on without it, as socket.io 0.6
			// did; the main port still answers policy requests inline.
			o.Logger.Warn("tornadio: flash policy listener not started", "addr", policyAddr)
			policyAddr = ""
		}
	}
	err = s.listen(addr, policyAddr, s.bind)
	if err != nil && policyAddr != "" && !o.policyPortSet && !errors.Is(err, ErrServerClosed) {
		// The default policy port needs privileges or is taken: go on
		// without it, as socket.io 0.6 did; the main port still answers
		// policy requests inline.
		o.Logger.Warn("tornadio: flash policy listener not started", "addr", policyAddr, "err", err)
		policyAddr = ""
		err = s.listen(addr, "", s.bind)
	}
	if err != nil {
		return err
	}
	s.armEarlyTimers()
	o.Logger.Info("tornadio: listening", "addr", s.Addr(), "loops", o.EventLoops, "flash_policy", s.PolicyAddr())
	return nil
}

// PolicyAddr is the Flash policy listener's address after Start, or "" when
// none runs.
func (s *Server) PolicyAddr() string {
	e := s.startedEngine()
	if e == nil || e.PolicyAddr() == nil {
		return ""
	}
	return e.PolicyAddr().String()
}

// bind creates the protocol machine on loops; active tells which loops can
// run posted work. Start binds to gnet; tests bind to in-memory loops.
func (s *Server) bind(loops transports.Loops, active func(int) bool) {
	o := &s.opts
	cfg := s.config()
	if names := o.legacyNames(); len(names) > 0 {
		cfg.LegacyTransports = names
		cfg.Legacy = o.Legacy
		cfg.LegacyOrigins = o.LegacyOrigins
		cfg.FlashPolicy = s.policy
		cfg.LegacyApp = legacyApp{s}
	}
	s.bindApp(cfg, sioclient.NewApp[*Socket](socketHooks{s}, s.opts.parser()), loops, active)
}

// ListenAndServe listens on addr and serves until Shutdown,
// then returns ErrServerClosed; any other error means it could not start
// or stopped on its own.
func (s *Server) ListenAndServe(addr string) error {
	if err := s.Start(addr); err != nil {
		return err
	}
	return s.wait()
}

// Shutdown closes every session (with the reason "server shutting down"),
// stops the event loops and the workers, then closes every namespace's
// adapter, so that a cluster adapter leaves its cluster (as Node's
// io.close() does). It returns once done or when ctx ends; ListenAndServe
// then returns ErrServerClosed.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.core.Shutdown(ctx)
	s.mu.RLock()
	nsps := make([]*Namespace, 0, len(s.nsps)+len(s.dynamic))
	for _, ns := range s.nsps {
		nsps = append(nsps, ns)
	}
	for _, d := range s.dynamic {
		nsps = append(nsps, d.parent)
	}
	s.mu.RUnlock()
	for _, ns := range nsps {
		if cerr := ns.adapter.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("tornadio: close the adapter of %s: %w", ns.name, cerr)
		}
	}
	return err
}
