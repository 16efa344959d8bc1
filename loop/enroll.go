package loop

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/logging"
)

// Connections that something else accepted: a websocket net/http upgraded
// and hijacked, or one a user's listener gave Serve. Enroll hands such a
// connection to the loops, which then serve it exactly as one they
// accepted (no goroutine per client): gnet duplicates its descriptor into a
// loop and closes the Go connection. The bytes read before the hand-over
// (the upgrade request that net/http parsed, and whatever its reader had
// buffered past it) come with it and are the machine's first input.
//
// An engine runs in one of two modes. Start listens (gnet.Run) and
// enrolls with gnet's Engine.Register, on the loop with the fewest
// connections (gnet's default round robin races when Register is called
// from other goroutines, so Start picks least-connections). StartLoops
// runs the loops without a listener of ours (gnet's client mode), for a
// server whose connections all come from net/http or Serve; it enrolls
// with gnet.Client.EnrollContext, least-connections too.

// enrolling is the context a connection enrolls with: OnOpen reads its
// first input from it.
type enrolling struct{ first []byte }

// anchorConn marks the connections that give a loop its mailbox (see
// activate).
type anchorConn struct{}

// StartLoops runs the event loops without a listener and returns once
// they run: connections come through Enroll and ServeConn. Call it
// instead of Start, after Bind.
func (e *Engine) StartLoops() error {
	if e.srv == nil {
		return errors.New("tornadio/loop: StartLoops before Bind")
	}
	maxConns, err := resolveMaxConns(e.opts.MaxConns, e.opts.Loops, 0, e.opts.Logger)
	if err != nil {
		return err
	}
	e.limit = &connLimit{max: int64(maxConns), every: e.opts.LimitLogEvery, logger: e.opts.Logger, wakeups: &e.wakeups}
	cli, err := gnet.NewClient(e,
		gnet.WithMulticore(true),
		gnet.WithNumEventLoop(e.opts.Loops),
		gnet.WithLogLevel(logging.ErrorLevel),
		gnet.WithLogger(gnetLogger{e.opts.Logger}),
	)
	if err != nil {
		return fmt.Errorf("tornadio/loop: event loops: %w", err)
	}
	e.client = cli
	if err := cli.Start(); err != nil {
		return fmt.Errorf("tornadio/loop: event loops: %w", err)
	}
	return nil
}

// Done is closed once the engine has stopped: nothing posted runs any more.
func (e *Engine) Done() <-chan struct{} { return e.done }

// Handoff gives nc to the loops: a TCP or unix connection is enrolled
// (Enroll), any other (TLS) is served by a goroutine pair (ServeConn).
// first is what was read from nc already. nc belongs to the engine once
// Handoff is called, whatever it returns.
func (e *Engine) Handoff(nc net.Conn, first []byte) error {
	switch nc.(type) {
	case *net.TCPConn, *net.UnixConn:
		return e.Enroll(nc, first)
	}
	return e.ServeConn(nc, first)
}

// Enroll hands a TCP or unix connection to the loop with the fewest
// connections, with first as its first input, and returns once the loop
// has opened it (its machine has taken first). nc is closed either way:
// the loop serves a duplicate of its descriptor.
func (e *Engine) Enroll(nc net.Conn, first []byte) error {
	return e.enroll(nc, &enrolling{first: first})
}

func (e *Engine) enroll(nc net.Conn, ctx any) error {
	defer nc.Close() // gnet closes it too once duplicated; again is harmless
	select {
	case <-e.done:
		return errStopped
	default:
	}
	if e.client != nil {
		if _, err := e.client.EnrollContext(nc, ctx); err != nil {
			return fmt.Errorf("tornadio/loop: enroll %s: %w", nc.RemoteAddr(), err)
		}
		return nil
	}
	if e.limit == nil {
		return errors.New("tornadio/loop: enroll before Start")
	}
	if err := e.activate(); err != nil {
		return err
	}
	ch, err := e.eng.Register(gnet.NewNetConnContext(gnet.NewContext(context.Background(), ctx), nc))
	if err != nil {
		return fmt.Errorf("tornadio/loop: enroll %s: %w", nc.RemoteAddr(), err)
	}
	if res := <-ch; res.Err != nil {
		return fmt.Errorf("tornadio/loop: enroll %s: %w", nc.RemoteAddr(), res.Err)
	}
	return nil
}

var errStopped = errors.New("tornadio/loop: engine stopped")

// openEnrolled is OnOpen's for an enrolled connection: the machine is
// attached and fed the bytes read before the hand-over. What it leaves
// (the start of a frame) waits with the engine until more comes (pending).
func (e *Engine) openEnrolled(c gnet.Conn, x *conn, first []byte) {
	if len(first) == 0 {
		return
	}
	n := x.m.Feed(first)
	if c.Context() != x || n >= len(first) {
		return // closed by it, or all taken
	}
	rest := append([]byte(nil), first[n:]...)
	if len(rest) > e.opts.MaxInbound {
		e.closeConn(x)
		if d, ok := c.Context().(*draining); ok {
			d.tell()
		}
		return
	}
	e.pendMu.Lock()
	if e.pending == nil {
		e.pending = make(map[*conn][]byte)
	}
	e.pending[x] = rest
	e.npending.Add(1)
	e.pendMu.Unlock()
}

// takePending removes and returns the input an enrolled connection's
// machine has not taken yet; nearly always nil, for the price of an
// atomic load.
func (e *Engine) takePending(x *conn) []byte {
	if e.npending.Load() == 0 {
		return nil
	}
	e.pendMu.Lock()
	defer e.pendMu.Unlock()
	p, ok := e.pending[x]
	if ok {
		delete(e.pending, x)
		e.npending.Add(-1)
	}
	return p
}

// hasPending reports whether x has input held by the engine.
func (e *Engine) hasPending(x *conn) bool {
	if e.npending.Load() == 0 {
		return false
	}
	e.pendMu.Lock()
	defer e.pendMu.Unlock()
	_, ok := e.pending[x]
	return ok
}

// feedPending is OnTraffic for a connection with held input: the held
// bytes and gnet's go to the machine together, and what it leaves is held
// again. gnet's buffer is emptied, so that the order stays.
func (e *Engine) feedPending(c gnet.Conn, x *conn, held []byte) gnet.Action {
	buf, _ := c.Peek(-1)
	held = append(held, buf...)
	_, _ = c.Discard(len(buf))
	n := x.m.Feed(held)
	if d, ok := c.Context().(*draining); ok {
		return drainTraffic(c, d)
	}
	if n >= len(held) {
		return gnet.None
	}
	rest := held[n:]
	if len(rest) > e.opts.MaxInbound {
		e.closeConn(x)
		if d, ok := c.Context().(*draining); ok {
			d.tell()
			return drainTraffic(c, d)
		}
		return gnet.Close
	}
	e.pendMu.Lock()
	e.pending[x] = append([]byte(nil), rest...)
	e.npending.Add(1)
	e.pendMu.Unlock()
	return gnet.None
}

// Pick returns the loop that serves the next connection or exchange that
// does not come through gnet (ServeConn, and the net/http edge's
// exchanges), in turn; every loop can run posted work once Pick returns.
func (e *Engine) Pick() (int, error) {
	if e.limit == nil {
		return 0, errors.New("tornadio/loop: Pick before Start or StartLoops")
	}
	if err := e.activate(); err != nil {
		return 0, err
	}
	return int(e.turn.Add(1)-1) % e.opts.Loops, nil
}

// activate makes sure every loop has a mailbox, which a loop gets with
// its first gnet connection (loopIndex) and keeps: work for a loop that
// has had none would be dropped. gnet gives no other handle on a loop, so
// loops that have had none yet are given one, closed again once every
// loop has had its own:
//
//   - with StartLoops, the server end of a loopback TCP connection the
//     engine makes to itself, enrolled: enrollment goes to the loop with
//     the fewest connections, so the loops without any come first (each
//     stays open, and counts, until all are placed);
//   - with Start, connections to the engine's own address: the kernel
//     spreads them over the loops' listeners by a hash, so a batch of
//     eight per loop is dialled (all loops are reached but with odds of
//     about Loops·e⁻⁸), again if need be. This also orders Register after
//     gnet's registration of its loops, which Start does not wait for
//     (gnet calls OnBoot first).
func (e *Engine) activate() error {
	if e.allActive() {
		return nil // the common case: a few atomic loads, no lock
	}
	e.activeMu.Lock()
	defer e.activeMu.Unlock()
	if e.allActive() {
		return nil
	}
	var peers []net.Conn
	defer func() {
		for _, p := range peers {
			p.Close()
		}
	}()
	if e.client == nil {
		return e.activateByDial(&peers)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("tornadio/loop: activate the loops: %w", err)
	}
	defer ln.Close()
	for try := 0; !e.allActive(); try++ {
		if try >= 4*e.opts.Loops {
			return errors.New("tornadio/loop: activate the loops: a loop takes no connection")
		}
		peer, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return fmt.Errorf("tornadio/loop: activate the loops: %w", err)
		}
		peers = append(peers, peer)
		_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
		nc, err := ln.Accept()
		if err == nil {
			err = e.enroll(nc, anchorConn{})
		}
		if err != nil {
			return fmt.Errorf("tornadio/loop: activate the loops: %w", err)
		}
	}
	return nil
}

// activateByDial is activate for an engine that listens (see above).
func (e *Engine) activateByDial(peers *[]net.Conn) error {
	addr := e.addr.String()
	for batch := 0; batch < 3; batch++ {
		for range 8 * e.opts.Loops {
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				return fmt.Errorf("tornadio/loop: activate the loops: %w", err)
			}
			*peers = append(*peers, c)
		}
		deadline := time.After(5 * time.Second)
	wait:
		for !e.allActive() {
			select {
			case <-e.newLoop:
			case <-deadline:
				break wait
			case <-e.done:
				return errStopped
			}
		}
		if e.allActive() {
			return nil
		}
	}
	return errors.New("tornadio/loop: activate the loops: a loop takes no connection")
}

func (e *Engine) allActive() bool {
	for i := range e.loops {
		if e.loops[i].Load() == nil {
			return false
		}
	}
	return true
}

// enrollState is the Engine's part for enrolled connections, anchors and
// goroutine-pair connections.
type enrollState struct {
	client   *gnet.Client // StartLoops' loops; nil after Start
	pendMu   sync.Mutex
	pending  map[*conn][]byte // input enrolled connections' machines left
	npending atomic.Int64
	activeMu sync.Mutex    // activate's
	newLoop  chan struct{} // a loop had its first connection (loopIndex)
	turn     atomic.Uint64 // Pick's
	pairs    pairSet       // pair.go
}
