package tornadio

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/httpedge"
	"github.com/tornadio/tornadio/loop"
	"github.com/tornadio/tornadio/transports"
)

// serveState is the part of core that serves through net/http (ServeHTTP)
// and on listeners the user owns (Serve).
type serveState struct {
	mu     sync.Mutex
	start  func() error // the server's start without a listener (startServing)
	bridge atomic.Pointer[httpedge.Bridge]
	lns    map[net.Listener]struct{}
	closed bool
}

// ServeHTTP serves the Engine.IO path (and the legacy 0.6 road, and
// Options.HTTPHandler's routes) as an http.Handler, for mounting in a mux
// of an http.Server the application runs, TLS and HTTP/2 included:
//
//	mux.Handle("/socket.io/", srv)
//
// Requests reach the same protocol machine as on the server's own
// listener: it routes on the request's path (r.URL, as the handler chain
// gives it), so Path must be the path the clients use. Polling requests,
// over HTTP/1.1 or HTTP/2, are served on the handler's goroutine, which
// waits for the answer (a long-poll GET waits for messages). A websocket
// upgrade (HTTP/1.1) leaves net/http: its connection is hijacked; a plain
// TCP connection is served by the event loops without a goroutine, as one
// they accepted; a TLS one by a goroutine pair (see package httpedge for
// what each costs per session).
//
// An http.Server's WriteTimeout does not cut the long-poll GETs (held up
// to the ping interval): their write deadline is lifted. Shut the server
// down before the http.Server, so that parked GETs are answered and
// hijacked websockets closed (http.Server.Shutdown waits for the former
// and does not know the latter).
//
// The legacy road's URLs have empty segments ("/socket.io/xhr-polling//…"),
// which an http.ServeMux redirects to cleaned paths: to serve that road,
// make the server the http.Server's Handler (other routes can go to
// Options.HTTPHandler) or route to it without cleaning.
//
// The first request starts the event loops, with no listener, unless
// Start did; start the server with Start before the http.Server serves
// when it is to listen on an address of its own too. After Shutdown,
// requests get 503.
func (c *core) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := c.serving()
	if err != nil {
		http.Error(w, "tornadio: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	b.ServeHTTP(w, r)
}

// Serve serves the connections l accepts until Shutdown, after which it
// returns http.ErrServerClosed (the same value as ErrServerClosed); it
// returns any other error Accept gives, but for temporary ones (too many
// open files), which it waits out. It closes l when it returns.
//
// The protocol machine parses the bytes itself, as on the server's own
// listener: a *net.TCPConn or *net.UnixConn is handed to the event loops
// (no goroutine per client); any other connection, such as those of a
// listener made by tls.NewListener, is served by a goroutine pair. The
// machine speaks HTTP/1.1 only: a TLS listener must not offer "h2" by ALPN
// (use ServeHTTP in an http.Server for HTTP/2). Like ServeHTTP, the first
// call starts the event loops unless Start did. Serve may run on several
// listeners at once.
func (c *core) Serve(l net.Listener) error {
	defer l.Close()
	if _, err := c.serving(); err != nil {
		if errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return fmt.Errorf("tornadio: serve: %w", err)
	}
	if !c.trackListener(l, true) {
		return http.ErrServerClosed
	}
	defer c.trackListener(l, false)
	e := c.startedEngine()
	var wait time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if c.edgeClosed() {
				return http.ErrServerClosed
			}
			if te, ok := err.(interface{ Temporary() bool }); ok && te.Temporary() {
				wait = min(max(2*wait, 5*time.Millisecond), time.Second)
				c.opts.Logger.Warn("tornadio: accept", "err", err, "retry_in", wait)
				time.Sleep(wait)
				continue
			}
			return fmt.Errorf("tornadio: serve: %w", err)
		}
		wait = 0
		if err := e.Handoff(nc, nil); err != nil {
			if c.edgeClosed() {
				return http.ErrServerClosed
			}
			c.opts.Logger.Debug("tornadio: connection not served", "remote", nc.RemoteAddr(), "err", err)
		}
	}
}

// serving returns the bridge to the event loops, starting them (without a
// listener) if nothing has: the first ServeHTTP or Serve does.
func (c *core) serving() (*httpedge.Bridge, error) {
	if b := c.edge.bridge.Load(); b != nil {
		return b, nil
	}
	c.edge.mu.Lock()
	defer c.edge.mu.Unlock()
	if b := c.edge.bridge.Load(); b != nil {
		return b, nil
	}
	if c.edge.closed {
		return nil, http.ErrServerClosed
	}
	e := c.startedEngine()
	if e == nil {
		if c.edge.start == nil {
			return nil, errors.New("server cannot serve without a listener")
		}
		if err := c.edge.start(); err != nil {
			if errors.Is(err, ErrServerStarted) {
				// Start runs, or failed: its listener is the way in.
				return nil, errors.New("server is starting, or failed to start")
			}
			return nil, err
		}
		e = c.startedEngine()
	}
	b := &httpedge.Bridge{
		Server:     c.tp,
		Loops:      e,
		Handoff:    e.Handoff,
		MaxPayload: bodyCap(c.tp.Config()),
		Logger:     c.opts.Logger,
	}
	c.edge.bridge.Store(b)
	return b, nil
}

// startLoops makes the engine (with no listener of its own), has bind
// create the machine on it, and starts its event loops.
func (c *core) startLoops(bind func(transports.Loops, func(int) bool)) error {
	return c.startEngine("", bind, (*loop.Engine).StartLoops)
}

// bodyCap is what the bridge reads of a request body at most: the largest
// body a route takes (MaxPayload, or the HTTPHandler routes' cap when it is
// larger). The machine then applies each route's own cap, refusing a bigger
// body with 413 as on tornadio's listener.
func bodyCap(cfg transports.Config) int64 {
	if cfg.Fallback != nil {
		return max(cfg.MaxPayload, cfg.FallbackMaxBody)
	}
	return cfg.MaxPayload
}

// trackListener adds l to the listeners Shutdown closes, or removes it;
// adding reports false once Shutdown has begun.
func (c *core) trackListener(l net.Listener, add bool) bool {
	c.edge.mu.Lock()
	defer c.edge.mu.Unlock()
	if !add {
		delete(c.edge.lns, l)
		return true
	}
	if c.edge.closed {
		return false
	}
	if c.edge.lns == nil {
		c.edge.lns = make(map[net.Listener]struct{})
	}
	c.edge.lns[l] = struct{}{}
	return true
}

// closeEdge stops Serve and ServeHTTP from taking more: Shutdown's first
// step.
func (c *core) closeEdge() {
	c.edge.mu.Lock()
	defer c.edge.mu.Unlock()
	c.edge.closed = true
	for l := range c.edge.lns {
		l.Close()
	}
}

func (c *core) edgeClosed() bool {
	c.edge.mu.Lock()
	defer c.edge.mu.Unlock()
	return c.edge.closed
}

// startServing starts a Server for ServeHTTP and Serve: Start's work but
// for the listeners (the Flash policy listener included: the main port
// answers policy requests inline on Serve's connections).
func (s *Server) startServing() error {
	if err := s.begin(); err != nil {
		return err
	}
	policy, err := s.opts.flashPolicy()
	if err != nil {
		return err
	}
	s.policy = policy
	if err := s.startLoops(s.bind); err != nil {
		return err
	}
	s.armEarlyTimers()
	s.opts.Logger.Info("tornadio: serving without a listener of its own", "loops", s.opts.EventLoops)
	return nil
}

// startServing starts an EngineServer for ServeHTTP and Serve.
func (s *EngineServer) startServing() error {
	if err := s.begin(); err != nil {
		return err
	}
	if err := s.startLoops(s.bind); err != nil {
		return err
	}
	s.opts.Logger.Info("tornadio: engine.io serving without a listener of its own", "path", s.opts.Path, "loops", s.opts.EventLoops)
	return nil
}
