package loop

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// Why the engine accepts for itself (see connlimit.go for the file limit):
// gnet v2.9.7 stops its whole engine, closing every connection, when
// accept(2) fails with anything but EAGAIN, EINTR, ECONNRESET or
// ECONNABORTED (acceptor_unix.go: accept and accept0 return
// errors.ErrAcceptSocket, the poller returns it, the loop shuts the engine
// down), and it has no hook into accept. A server at its file limit gets
// EMFILE there. So the TCP listeners are the engine's own (net.Listen, one
// per address), each served by one acceptor goroutine on Go's poller; an
// accepted connection is counted against MaxConns and handed to a loop
// with gnet's Engine.Register, which duplicates its descriptor into the
// loop's poller and runs OnOpen there. gnet itself listens on a UDP socket
// per loop on loopback that nobody is told about: it needs an address to
// run, and a UDP socket never accepts. The one datagram it waits for is the
// probe Start sends to learn that the loops run (Register must not be
// called before); any other is ignored.
//
// At the file limit nothing stops: accept(2) failing with EMFILE or ENFILE
// pauses the acceptor (the clients wait in the listen queue) until a
// connection of the engine closes, or for acceptRetry; a connection whose
// descriptor gnet cannot duplicate (EMFILE) is closed at once, the
// client seeing the end of the stream, and counted as refused.
//
// Bounds: an acceptor has at most handoffsInFlight+2 of its connections
// (queued, being queued, being awaited) handed to gnet and not yet opened
// on their loop, each one task of gnet's goroutine pool until then; past
// that it stops accepting until one opens. So accepted descriptors do not
// pile up ahead of the loops, and no goroutine is made per client.

const (
	// handoffsInFlight bounds, per listener, the connections accepted and
	// not yet opened on their loop. Each is a task of gnet's goroutine
	// pool, whose idle workers linger (10 s): the bound is also how many
	// goroutines a burst of connections leaves behind for a while. A
	// hand-off takes one turn of a loop, so a few keep the loops fed.
	handoffsInFlight = 16
	// acceptRetry is how long an acceptor paused at the file limit waits
	// at most before trying again (a descriptor closed elsewhere in the
	// process frees room too, and says nothing).
	acceptRetry = 100 * time.Millisecond
)

// accepted is the context gnet gives a connection an acceptor handed it,
// until OnOpen replaces it: whether it came to the Flash policy listener.
type accepted struct{ policy bool }

// acceptor accepts on one listener and hands the connections to gnet.
type acceptor struct {
	e       *Engine
	ln      *net.TCPListener
	policy  bool
	handoff chan (<-chan gnet.RegisteredResult) // in flight, oldest first
}

// listen opens the engine's TCP listener for addr ("host:port", or with a
// tcp:// scheme).
func listen(addr string) (*net.TCPListener, error) {
	network, host := "tcp", addr
	if i := strings.Index(addr, "://"); i >= 0 {
		network, host = addr[:i], addr[i+3:]
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("tornadio/loop: listen %s: only tcp addresses", addr)
	}
	// No TCP keepalive on accepted connections, as with gnet's own
	// listeners; Go's listeners turn it on by default.
	lc := net.ListenConfig{KeepAlive: -1}
	l, err := lc.Listen(context.Background(), network, host)
	if err != nil {
		return nil, fmt.Errorf("tornadio/loop: listen %s: %w", addr, err)
	}
	return l.(*net.TCPListener), nil
}

// run accepts until the listener is closed.
func (a *acceptor) run() {
	defer close(a.handoff)
	for {
		c, err := a.ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				a.e.limit.waitRoom(acceptRetry)
			}
			continue // a connection reset in the queue, or room again
		}
		if !a.e.limit.admit(time.Now()) {
			c.Close()
			continue
		}
		ctx := gnet.NewNetConnContext(gnet.NewContext(context.Background(), accepted{policy: a.policy}), c)
		res, err := a.e.register(ctx)
		if err != nil { // the engine is stopping
			c.Close()
			a.e.limit.release()
			continue
		}
		a.handoff <- res
	}
}

// register hands a connection to the next loop in turn. gnet's
// round-robin choice is not safe for concurrent use, and the acceptors are
// its only users (gnet's own sockets are UDP and accept nothing).
func (e *Engine) register(ctx context.Context) (<-chan gnet.RegisteredResult, error) {
	e.regMu.Lock()
	defer e.regMu.Unlock()
	return e.eng.Register(ctx)
}

// collect waits for each handed-off connection to open on its loop, and
// uncounts those gnet could not take (no descriptor left to duplicate
// theirs into, or the engine stopping); gnet has closed them.
func (a *acceptor) collect() {
	for res := range a.handoff {
		var r gnet.RegisteredResult
		select {
		case r = <-res:
		case <-a.e.done:
			return // a hand-off the stopped engine never ran
		}
		if r.Err != nil {
			a.e.limit.release()
			a.e.limit.refuse(time.Now())
		}
	}
}
