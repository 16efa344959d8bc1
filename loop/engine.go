package loop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/logging"

	"github.com/tornadio/tornadio/transports"
)

// Options configure an Engine. Zero values mean the defaults.
type Options struct {
	Loops int // event loops; default 1
	// DrainPoll is how often a connection closed while gnet still holds
	// bytes for it is checked for having written them all (gnet has no
	// callback for it; drain.go); default 10ms. Only such connections are
	// polled: an engine with none has no timer armed for draining.
	DrainPoll time.Duration
	// MaxInbound bounds the bytes held for one connection that has not sent
	// a complete request or frame yet; default 2 MiB.
	MaxInbound int
	Logger     *slog.Logger
	// PolicyAddr is the address ("host:port") of the Flash socket policy
	// listener (Flash asks port 843 first), served by the same loops:
	// connections accepted there get transports.Server.NewPolicyConn.
	// "" means none.
	PolicyAddr string
	// PolicyOnly makes every connection on the main address a policy
	// connection: a standalone Flash policy server.
	PolicyOnly bool
	// MaxConns caps the open connections of both listeners together; one
	// past it is closed right after accept, so that accept(2) never fails
	// with EMFILE, which would stop gnet's engine (see connlimit.go).
	// Default, and the most allowed: DefaultMaxConns.
	MaxConns int
	// LimitLogEvery is how often, at most, refusals at MaxConns are
	// logged; default 10s.
	LimitLogEvery time.Duration
	// DrainTimeout bounds a graceful close: a connection its machine
	// closes while bytes wait to be written is kept until they are all
	// sent and the peer has closed its end, for at most this long; then it
	// is closed and what is left is dropped, so that a client that stops
	// reading cannot hold memory forever (drain.go). Default 30s.
	DrainTimeout time.Duration
	// WritablePoll is how often a connection whose output waits in its
	// outbox for gnet's buffer to run low is checked (gnet has no callback
	// for it; writable.go); default 2ms, backing off to 16 times that
	// while no waiting connection is ready. Only such connections are
	// checked: a loop whose clients keep up has no timer armed for it.
	WritablePoll time.Duration
	// LingerTimeout bounds a lingering close: a connection its machine
	// closes with nothing left to write has its write side shut down and
	// its input read and thrown away until the peer closes its end, for at
	// most this long, so that a peer still sending (the rest of a refused
	// request) gets the answer and no reset (drain.go). Default 2s.
	LingerTimeout time.Duration
}

// Engine runs a transports.Server on gnet.
type Engine struct {
	gnet.BuiltinEventEngine
	opts Options
	srv  *transports.Server

	mu      sync.Mutex
	loops   []atomic.Pointer[mailbox] // by loop index, set when a loop sees its first connection
	byLoop  map[gnet.EventLoop]int
	ticks   []func()                 // by loop index: the loop's timer pass
	wakes   []*time.Timer            // by loop index: the runtime timer that posts it (wake.go)
	drains  []map[*draining]struct{} // by loop index, each touched on its loop only (drain.go)
	drainTm []*time.Timer            // by loop index: the runtime timer that posts its drain pass
	drainAt []time.Time              // by loop index, on its loop: what drainTm is armed for; zero: not armed
	// By loop index, each touched on its loop only (writable.go): the
	// connections waiting for gnet's buffer to run low, with their mark,
	// the runtime timer that posts the loop's writable pass, and whether
	// it is armed.
	writers    []map[*conn]int
	writeTm    []*time.Timer
	writeArmed []bool
	writeEvery []time.Duration // the wait before the next pass (backs off)
	// wakeups counts the expiries of the engine's runtime timers (machine
	// timers, drain passes, refusal logs): an idle engine has none.
	wakeups atomic.Int64
	eng     gnet.Engine
	addr    net.Addr
	paddr   net.Addr // the policy listener's, when there is one
	pport   int      // its port, which tells its connections apart
	hosts   [2]string
	limit   *connLimit
	booted  chan struct{}
	done    chan struct{}
	runErr  error
	stopped bool

	enrollState // enroll.go, pair.go
}

// New returns an Engine; call Bind before Start.
func New(opts Options) *Engine {
	if opts.Loops <= 0 {
		opts.Loops = 1
	}
	if opts.DrainPoll <= 0 {
		opts.DrainPoll = 10 * time.Millisecond
	}
	if opts.MaxInbound <= 0 {
		opts.MaxInbound = 2 << 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.LimitLogEvery <= 0 {
		opts.LimitLogEvery = 10 * time.Second
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 30 * time.Second
	}
	if opts.LingerTimeout <= 0 {
		opts.LingerTimeout = 2 * time.Second
	}
	if opts.WritablePoll <= 0 {
		opts.WritablePoll = 2 * time.Millisecond
	}
	return &Engine{
		opts:   opts,
		loops:  make([]atomic.Pointer[mailbox], opts.Loops),
		drains: make([]map[*draining]struct{}, opts.Loops),
		byLoop: make(map[gnet.EventLoop]int),
		booted: make(chan struct{}),
		done:   make(chan struct{}),

		enrollState: enrollState{newLoop: make(chan struct{}, 1)},
	}
}

// Bind sets the machine the engine serves.
func (e *Engine) Bind(srv *transports.Server) {
	e.srv = srv
	e.ticks = make([]func(), e.opts.Loops)
	for i := range e.ticks {
		i := i
		e.ticks[i] = func() { srv.Tick(i) }
	}
	e.initWakes()
	e.initDrains()
	e.initWritables()
}

// Loops is the number of event loops.
func (e *Engine) Loops() int { return e.opts.Loops }

// Post runs fn on loop i. Safe from any goroutine. Functions posted to one
// loop run in the order they were posted. From a goroutine that may wait
// (not a loop, not MarkNoWait's), it waits while the loop is behind: see
// MailboxHighWater.
func (e *Engine) Post(i int, fn func()) {
	m := e.loops[i].Load()
	if m == nil {
		// A loop that never had a connection holds no session or socket,
		// so there is nothing for fn to act on.
		return
	}
	m.post(fn)
}

// Active reports whether loop i has had a connection (and so can run
// posted functions). Safe from any goroutine.
func (e *Engine) Active(i int) bool { return e.loops[i].Load() != nil }

// MaxConns is the connection cap in force, valid after Start.
func (e *Engine) MaxConns() int { return int(e.limit.max) }

// Refused is the number of connections closed at MaxConns since Start.
// Safe from any goroutine.
func (e *Engine) Refused() int64 { return e.limit.refused.Load() }

// Now returns the current time.
func (e *Engine) Now() time.Time { return time.Now() }

// Start listens on addr ("host:port"), and on Options.PolicyAddr when set,
// and returns once the loops run.
func (e *Engine) Start(addr string) error {
	if e.srv == nil {
		return errors.New("tornadio/loop: Start before Bind")
	}
	addrs := 1
	if e.opts.PolicyAddr != "" {
		addrs = 2
	}
	maxConns, err := resolveMaxConns(e.opts.MaxConns, e.opts.Loops, addrs, e.opts.Logger)
	if err != nil {
		return err
	}
	e.limit = &connLimit{max: int64(maxConns), every: e.opts.LimitLogEvery, logger: e.opts.Logger, wakeups: &e.wakeups}
	protos := []string{withScheme(addr)}
	if e.opts.PolicyAddr != "" {
		protos = append(protos, withScheme(e.opts.PolicyAddr))
	}
	protos, hosts, err := pinAddrs(protos)
	if err != nil {
		return err
	}
	copy(e.hosts[:], hosts)
	opts := []gnet.Option{
		gnet.WithMulticore(true),
		gnet.WithNumEventLoop(e.opts.Loops),
		gnet.WithReuseAddr(true),
		gnet.WithReusePort(true), // accept on the loops: see listen.go
		// Enroll's Register runs on other goroutines, where the default
		// round robin races (enroll.go).
		gnet.WithLoadBalancing(gnet.LeastConnections),
		gnet.WithLogLevel(logging.ErrorLevel),
		gnet.WithLogger(gnetLogger{e.opts.Logger}),
	}
	go func() {
		var err error
		if len(protos) == 1 {
			err = gnet.Run(e, protos[0], opts...)
		} else {
			err = gnet.Rotate(e, protos, opts...)
		}
		e.runErr = err
		e.stopTimers()
		close(e.done)
	}()
	select {
	case <-e.booted:
		return nil
	case <-e.done:
		if e.runErr != nil {
			return fmt.Errorf("tornadio/loop: listen %s: %w", addr, e.runErr)
		}
		return fmt.Errorf("tornadio/loop: listen %s: engine stopped", addr)
	}
}

// Addr is the listening address, valid after Start.
func (e *Engine) Addr() net.Addr { return e.addr }

// PolicyAddr is the Flash policy listener's address, valid after Start;
// nil without Options.PolicyAddr.
func (e *Engine) PolicyAddr() net.Addr { return e.paddr }

// Wait blocks until the engine has stopped and returns why.
func (e *Engine) Wait() error {
	<-e.done
	return e.runErr
}

// Stop stops the loops and closes every connection.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	if e.stopped {
		e.mu.Unlock()
		return nil
	}
	e.stopped = true
	e.mu.Unlock()
	e.closePairs()
	if e.client != nil {
		go func() {
			e.runErr = e.client.Stop()
			e.stopTimers()
			close(e.done)
		}()
	} else if err := e.eng.Stop(ctx); err != nil {
		return fmt.Errorf("tornadio/loop: stop: %w", err)
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// OnBoot records the engine and its address.
func (e *Engine) OnBoot(eng gnet.Engine) gnet.Action {
	e.eng = eng
	if e.client != nil {
		// StartLoops: no listener.
	} else if e.opts.PolicyAddr == "" {
		e.addr = boundAddr(eng.Dup())
	} else {
		e.addr = boundAddr(eng.DupListener("tcp", e.hosts[0]))
		e.paddr = boundAddr(eng.DupListener("tcp", e.hosts[1]))
		if a, ok := e.paddr.(*net.TCPAddr); ok {
			e.pport = a.Port
		}
	}
	close(e.booted)
	return gnet.None
}

// localAddr is the address c's socket is bound to.
func localAddr(c gnet.Conn) net.Addr {
	sa, err := syscall.Getsockname(c.Fd())
	if err != nil {
		return nil
	}
	return sockaddrToTCP(sa)
}

// boundAddr reads the address a duplicated listener fd is bound to, and
// closes the fd.
func boundAddr(fd int, err error) net.Addr {
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return nil
	}
	return sockaddrToTCP(sa)
}

func sockaddrToTCP(sa syscall.Sockaddr) net.Addr {
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(a.Addr[:]).To16(), Port: a.Port}
	case *syscall.SockaddrInet6:
		return &net.TCPAddr{IP: net.IP(a.Addr[:]), Port: a.Port}
	}
	return nil
}

// loopIndex returns the index of c's loop, registering the loop on first use.
func (e *Engine) loopIndex(c gnet.Conn) int {
	el := c.EventLoop()
	e.mu.Lock()
	defer e.mu.Unlock()
	if i, ok := e.byLoop[el]; ok {
		return i
	}
	i := len(e.byLoop)
	if i >= len(e.loops) {
		// gnet never runs more loops than asked; keep going on loop 0's state.
		e.opts.Logger.Error("tornadio/loop: more event loops than configured", "loops", len(e.loops))
		return 0
	}
	e.byLoop[el] = i
	e.loops[i].Store(e.newLoopMailbox(el))
	select {
	case e.newLoop <- struct{}{}:
	default:
	}
	return i
}

// conn is the per-connection context: the gnet.Conn and its machine.
//
// The machine's Conn is a field, not a pointer: one allocation per
// connection, and the bytes OnTraffic reads for the machine sit next to the
// gnet.Conn it writes to. Every idle connection keeps one, so it stays in
// the allocator's 80-byte class (TestConnSize).
type conn struct {
	m transports.Conn
	c gnet.Conn
	e *Engine
}

func (x *conn) Write(b []byte)     { _, _ = x.c.Write(b) }
func (x *conn) Close()             { x.e.closeConn(x) } // drain.go
func (x *conn) Buffered() int      { return x.c.OutboundBuffered() }
func (x *conn) RemoteAddr() string { return x.c.RemoteAddr().String() }
func (x *conn) Wake() {
	if x.c.InboundBuffered() > 0 || x.e.hasPending(x) {
		_ = x.c.Wake(nil)
	}
}

// OnOpen attaches a machine to a new connection, or closes it at once when
// MaxConns are open (it gets no context, so OnClose leaves the count alone).
func (e *Engine) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	var first *enrolling
	switch v := c.Context().(type) {
	case anchorConn:
		e.loopIndex(c) // its whole purpose (enroll.go: activate)
		return nil, gnet.None
	case *enrolling:
		first = v
		c.SetContext(nil) // refused at the limit: no context (see above)
	}
	if !e.limit.admit(time.Now()) {
		return nil, gnet.Close
	}
	x := &conn{c: c, e: e}
	if first != nil {
		e.srv.InitConn(&x.m, x, e.loopIndex(c))
		c.SetContext(x)
		e.openEnrolled(c, x, first.first)
		return nil, gnet.None
	}
	if e.opts.PolicyOnly {
		e.srv.InitPolicyConn(&x.m, x, e.loopIndex(c))
		c.SetContext(x)
		return nil, gnet.None
	}
	if e.pport != 0 {
		// gnet's LocalAddr is the listener's configured address (port 0
		// stays 0), so the port is read from the socket.
		if a, ok := localAddr(c).(*net.TCPAddr); ok && a.Port == e.pport {
			e.srv.InitPolicyConn(&x.m, x, e.loopIndex(c))
			c.SetContext(x)
			return nil, gnet.None
		}
	}
	e.srv.InitConn(&x.m, x, e.loopIndex(c))
	c.SetContext(x)
	return nil, gnet.None
}

// OnTraffic feeds buffered bytes to the machine.
func (e *Engine) OnTraffic(c gnet.Conn) gnet.Action {
	x, ok := c.Context().(*conn)
	if !ok {
		if d, ok := c.Context().(*draining); ok {
			return drainTraffic(c, d)
		}
		return gnet.Close
	}
	if held := e.takePending(x); held != nil {
		return e.feedPending(c, x, held)
	}
	buf, _ := c.Peek(-1)
	if len(buf) == 0 {
		return gnet.None
	}
	n := x.m.Feed(buf)
	if d, ok := c.Context().(*draining); ok {
		return drainTraffic(c, d) // closed by this input: the rest is for no one
	}
	if n > 0 {
		_, _ = c.Discard(n)
	}
	if c.InboundBuffered() > e.opts.MaxInbound {
		// Closed gracefully (drain.go) and the machine told now, as if
		// gnet had closed it: it never asked for this close.
		e.closeConn(x)
		d, ok := c.Context().(*draining)
		if !ok {
			return gnet.Close // the peer is gone
		}
		d.tell()
		return drainTraffic(c, d)
	}
	return gnet.None
}

// OnClose tells the machine.
func (e *Engine) OnClose(c gnet.Conn, _ error) gnet.Action {
	switch x := c.Context().(type) {
	case *conn:
		e.limit.release()
		e.takePending(x)
		e.leaveWritable(x)
		x.m.OnClose()
	case *draining:
		e.drainClosed(x)
	}
	return gnet.None
}

// stopTimers disarms the engine's runtime timers once it has stopped.
func (e *Engine) stopTimers() {
	stopAll(e.wakes)
	stopAll(e.drainTm)
	stopAll(e.writeTm)
	if e.limit != nil {
		e.limit.stop()
	}
}

// gnetLogger sends gnet's own log lines to the engine's slog logger, at
// debug level except for errors, so that gnet prints nothing by itself.
type gnetLogger struct{ l *slog.Logger }

func (g gnetLogger) Debugf(f string, a ...any) { g.l.Debug("gnet: " + fmt.Sprintf(f, a...)) }
func (g gnetLogger) Infof(f string, a ...any)  { g.l.Debug("gnet: " + fmt.Sprintf(f, a...)) }
func (g gnetLogger) Warnf(f string, a ...any)  { g.l.Warn("gnet: " + fmt.Sprintf(f, a...)) }
func (g gnetLogger) Errorf(f string, a ...any) { g.l.Error("gnet: " + fmt.Sprintf(f, a...)) }
func (g gnetLogger) Fatalf(f string, a ...any) { g.l.Error("gnet: " + fmt.Sprintf(f, a...)) }
