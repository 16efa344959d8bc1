package tornadio

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/internal/httpfallback"
	"github.com/tornadio/tornadio/internal/workerpool"
	"github.com/tornadio/tornadio/loop"
	"github.com/tornadio/tornadio/transports"
)

// core is what the Socket.IO Server and the plain EngineServer share: the
// options, the Engine.IO machine (transports.Server) on its event loops, the
// worker pool, start-up and shutdown. Each server embeds one and gives it
// its own transports.App.
type core struct {
	opts    Options
	err     error // from validating opts, reported by Start
	started atomic.Bool
	shut    atomic.Bool // Shutdown was called: serving ends with ErrServerClosed
	stopped sync.Once   // the workers' stop, once whoever stops the engine

	engine  *loop.Engine
	running atomic.Pointer[loop.Engine] // engine, once it serves
	loops   transports.Loops
	active  func(loop int) bool
	tp      *transports.Server
	workers *workerpool.Pool

	edge serveState // ServeHTTP and Serve (serve.go)

	counters counters // what Stats sums (stats_collect.go)
}

// init applies opts; defaultPath, when Path is not set, is the server's
// Engine.IO path.
func (c *core) init(defaultPath string, opts []Option) {
	for _, opt := range opts {
		opt(&c.opts)
	}
	if c.opts.Path == "" {
		c.opts.Path = defaultPath
	}
	c.err = c.opts.validate()
	c.initCounters(c.opts.EventLoops)
}

// begin checks that the server can start, once, and makes its workers.
func (c *core) begin() error {
	if c.err != nil {
		return c.err
	}
	if c.shut.Load() {
		return ErrServerClosed
	}
	if !c.started.CompareAndSwap(false, true) {
		return ErrServerStarted
	}
	if c.opts.Workers > 0 {
		c.workers = workerpool.New(c.opts.Workers)
		for i := range c.opts.Workers {
			c.workers.Run(i, loop.MarkNoWait) // a loop may wait for a worker: see loop.MailboxHighWater
		}
	}
	return nil
}

// config is the machine's configuration for the Engine.IO road; the
// Socket.IO server adds the legacy road's.
func (c *core) config() transports.Config {
	o := &c.opts
	cfg := transports.Config{
		Path:           o.Path,
		PingInterval:   o.PingInterval,
		PingTimeout:    o.PingTimeout,
		UpgradeTimeout: o.UpgradeTimeout,
		MaxPayload:     o.MaxPayload,
		MaxHeaderBytes: o.MaxHeaderBytes,
		IdleTimeout:    o.HTTPIdleTimeout,
		Polling:        o.has(TransportPolling),
		WebSocket:      o.has(TransportWebSocket),
		RefuseEIO3:     o.RefuseEIO3,
		AllowedOrigins: o.AllowedOrigins,
		MaxBuffered:    o.MaxBufferedBytes,
		Deflate:        o.PerMessageDeflate.config(),
		HandshakeLimit: o.HandshakeLimit.config(),
	}
	cfg.HTTPCompression, cfg.TrustedProxies = o.httpCompConfig()
	if o.HTTPHandler != nil {
		// Requests outside the Engine.IO path go to the HTTPHandler.
		cfg.Fallback = (&httpfallback.Server{Handler: o.HTTPHandler, Logger: o.Logger}).Serve
		cfg.FallbackMaxBody = o.httpHandlerMaxBody()
	}
	return cfg
}

// bindApp creates the machine for cfg and app on loops; active tells which
// loops can run posted work. Start binds to gnet; tests bind to in-memory
// loops.
func (c *core) bindApp(cfg transports.Config, app transports.App, loops transports.Loops, active func(int) bool) {
	c.loops, c.active = loops, active
	c.tp = transports.NewServer(cfg, app, loops, c.opts.EventLoops)
}

// listen makes the gnet engine (with a Flash policy listener on policyAddr
// unless it is ""), has bind create the machine on it, and starts it on
// addr.
func (c *core) listen(addr, policyAddr string, bind func(transports.Loops, func(int) bool)) error {
	return c.startEngine(policyAddr, bind, func(e *loop.Engine) error { return e.Start(addr) })
}

// startEngine makes the gnet engine (with a Flash policy listener on
// policyAddr unless it is ""), has bind create the machine on it, and
// starts it with start: on a listener of its own (listen) or without one
// (startLoops, for the net/http edge).
func (c *core) startEngine(policyAddr string, bind func(transports.Loops, func(int) bool), start func(*loop.Engine) error) error {
	o := &c.opts
	c.engine = loop.New(loop.Options{Loops: o.EventLoops, Logger: o.Logger, PolicyAddr: policyAddr, MaxConns: o.MaxConnections,
		MaxInbound: c.config().InboundLimit()})
	bind(c.engine, c.engine.Active)
	c.engine.Bind(c.tp)
	if err := start(c.engine); err != nil {
		return err
	}
	c.running.Store(c.engine)
	if c.shut.Load() {
		// Shutdown ran while the loops started, too early to see them.
		_ = c.engine.Stop(context.Background())
		c.stopWorkers()
		return ErrServerClosed
	}
	return nil
}

// now reads the event loops' clock, the one clock every deadline of the
// server counts on; the zero time before the server starts.
func (c *core) now() time.Time {
	if c.loops == nil {
		return time.Time{}
	}
	return c.loops.Now()
}

// allowRequest runs Options.AllowRequest, if any, on a new session; it
// returns the session's Request when it made one.
func (c *core) allowRequest(sess *transports.Session) (*Request, error) {
	allow := c.opts.AllowRequest
	if allow == nil {
		return nil, nil
	}
	r := newRequest(sess, nil)
	return r, allow(r)
}

// Addr is the address the server listens on, after Start.
func (c *core) Addr() string {
	e := c.startedEngine()
	if e == nil || e.Addr() == nil {
		return ""
	}
	return e.Addr().String()
}

// wait blocks until the event loops have stopped, and returns
// ErrServerClosed when Shutdown stopped them, else why they stopped.
func (c *core) wait() error {
	err := c.engine.Wait()
	switch {
	case c.shut.Load():
		return ErrServerClosed
	case err != nil:
		return fmt.Errorf("tornadio: serve: %w", err)
	}
	return errors.New("tornadio: serve: the event loops stopped")
}

// Shutdown closes every Engine.IO session with the reason "server shutting
// down" (a Socket.IO server's sockets disconnect with
// ReasonServerShuttingDown), then stops the event loops and closes every
// connection. ListenAndServe then returns ErrServerClosed, and so does a
// later Start. Safe from any goroutine, even while Start is under way.
func (c *core) Shutdown(ctx context.Context) error {
	c.shut.Store(true)
	c.closeEdge()
	// The engine once it serves (an atomic, not c.engine: Shutdown may run
	// on another goroutine than ListenAndServe's); if Start is still under
	// way, it sees shut and stops the engine itself.
	eng := c.startedEngine()
	if eng == nil {
		return nil
	}
	var wg sync.WaitGroup
	for _, sess := range c.tp.Sessions() {
		wg.Add(1)
		sess.Post(func() {
			defer wg.Done()
			sess.Close(transports.ReasonShutdown)
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		// Give the loops a moment to flush the close packets.
		time.Sleep(20 * time.Millisecond)
	case <-ctx.Done():
	}
	err := eng.Stop(ctx)
	c.stopWorkers()
	if err != nil {
		return fmt.Errorf("tornadio: shutdown: %w", err)
	}
	return nil
}

// stopWorkers stops the worker pool, if any, once: Shutdown may be called
// again, and may race a Start that stops the server itself.
func (c *core) stopWorkers() {
	c.stopped.Do(func() {
		if c.workers != nil {
			c.workers.Stop()
		}
	})
}

// SessionCount is the number of live Engine.IO sessions (the current
// protocol's, Node's engine.clientsCount), over every transport. A
// Server's legacy 0.6 sessions are not among them: LegacySessionCount
// counts those. Safe from any goroutine.
func (c *core) SessionCount() int {
	if c.tp == nil {
		return 0
	}
	return c.tp.SessionCount()
}

// startedEngine is the engine once it serves, or nil. Any goroutine.
func (c *core) startedEngine() *loop.Engine { return c.running.Load() }
