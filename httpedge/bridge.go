package httpedge

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// Loops is what the bridge needs of the event loops (loop.Engine has it).
type Loops interface {
	// Pick returns the loop for the next exchange; every loop can run
	// posted work once it returns.
	Pick() (int, error)
	// Post runs fn on loop; dropped once the loops have stopped.
	Post(loop int, fn func())
	// Done is closed once the loops have stopped.
	Done() <-chan struct{}
}

// Bridge serves the machine's HTTP over net/http. Set its fields, then
// use it as an http.Handler from any number of goroutines.
type Bridge struct {
	Server *transports.Server
	Loops  Loops
	// Handoff takes a hijacked connection (an upgrade) with the bytes read
	// from it already, the request included; it owns the connection from
	// then on.
	Handoff func(nc net.Conn, first []byte) error
	// MaxPayload caps the request bodies read: the largest body any route
	// of the machine takes (its MaxPayload, or its Fallback's cap when
	// larger). A longer body is handed on as too long, and the machine
	// refuses it (413) by the cap of the request's route.
	MaxPayload int64
	Logger     *slog.Logger
}

// ServeHTTP serves one request: an upgrade leaves net/http with its
// connection (Handoff), anything else is one exchange with a machine made
// for it on a loop.
func (b *Bridge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case <-b.Loops.Done():
		http.Error(w, "tornadio: server closed", http.StatusServiceUnavailable)
		return
	default:
	}
	if isUpgrade(r) {
		b.upgrade(w, r)
		return
	}
	b.exchange(w, r)
}

// upgrade hijacks r's connection and hands it to the loops: the machine
// gets the request as bytes, then whatever the client sent after it.
func (b *Bridge) upgrade(w http.ResponseWriter, r *http.Request) {
	head := appendHead(nil, r, -1, true)
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		b.logger().Warn("tornadio: cannot hijack the connection of an upgrade", "remote", r.RemoteAddr, "err", err)
		http.Error(w, "tornadio: this connection cannot be upgraded", http.StatusInternalServerError)
		return
	}
	// http.Server's read and write deadlines were for one request; the
	// machine keeps its own (ping timeout, drain).
	_ = nc.SetDeadline(time.Time{})
	if n := brw.Reader.Buffered(); n > 0 {
		more, _ := brw.Reader.Peek(n)
		head = append(head, more...)
	}
	if err := b.Handoff(nc, head); err != nil {
		b.logger().Debug("tornadio: upgraded connection not served", "remote", r.RemoteAddr, "err", err)
	}
}

func (b *Bridge) logger() *slog.Logger {
	if b.Logger != nil {
		return b.Logger
	}
	return slog.Default()
}

// exchange serves r with a machine of its own, on a loop. The handler's
// goroutine reads the body first (capped), so that the loop never waits for
// the network, then writes what the machine answers as it comes, until the
// answer is complete, the machine closes, the client goes or the loops stop.
func (b *Bridge) exchange(w http.ResponseWriter, r *http.Request) {
	body, size, _, err := readBody(r, b.MaxPayload)
	if err != nil {
		return // the client is gone, or sent a malformed body: net/http answers
	}
	req := appendHead(make([]byte, 0, 512+len(body)), r, size, false)
	req = append(req, body...)
	i, err := b.loopFor(r)
	if err != nil {
		http.Error(w, "tornadio: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	x := &exchange{loops: b.Loops, loop: i, remote: r.RemoteAddr, kick: make(chan struct{}, 1)}
	b.Loops.Post(i, func() {
		b.Server.InitConn(&x.m, x, i)
		x.in = req
		x.feed()
	})
	a := newAnswer(w, r)
	// A parked GET waits for messages up to the ping interval, longer
	// than an http.Server's WriteTimeout is often set: the machine bounds
	// the wait itself.
	_ = a.rc.SetWriteDeadline(time.Time{})
	ctx := r.Context()
	for {
		select {
		case <-x.kick:
		case <-ctx.Done():
			b.Loops.Post(i, x.end) // the client is gone: the machine is told
			return
		case <-b.Loops.Done():
			if !a.started {
				http.Error(w, "tornadio: server closed", http.StatusServiceUnavailable)
			}
			return
		}
		p, closed := x.take()
		err := a.write(p)
		x.buffered.Add(-int64(len(p)))
		if err != nil || a.done || closed {
			b.Loops.Post(i, x.end)
			switch {
			case errors.Is(err, errBadAnswer):
				panic(http.ErrAbortHandler) // cut the answer short, as the gnet edge closes
			case !a.started && err == nil:
				// The machine closed without an answer (a legacy request
				// for a session it does not know): the gnet edge closes
				// the connection, but a request of net/http's has none of
				// its own (HTTP/2 would reset the stream, which browsers
				// report as a protocol error), so it gets a plain refusal.
				w.Header().Set("Connection", "close")
				http.Error(w, "tornadio: no answer", http.StatusNotFound)
			}
			return
		}
	}
}

// loopFor is the loop to serve r on: its session's home loop when it names
// a live Engine.IO session, so that the request is not handed from loop to
// loop; else the next in turn.
func (b *Bridge) loopFor(r *http.Request) (int, error) {
	if sid := querySID(r.URL.RawQuery); sid != "" {
		if s := b.Server.Lookup(sid); s != nil {
			return s.Loop(), nil
		}
	}
	return b.Loops.Pick()
}

// querySID is the first sid parameter of a raw query, unescaped, or "".
func querySID(q string) string {
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if v, ok := strings.CutPrefix(kv, "sid="); ok {
			sid, err := url.QueryUnescape(v)
			if err != nil {
				return ""
			}
			return sid
		}
	}
	return ""
}

// exchange is the IO of a machine made for one net/http exchange. Its
// IO methods run on the loop; the handler's goroutine takes what it wrote.
type exchange struct {
	m      transports.Conn
	loops  Loops
	loop   int
	remote string

	in    []byte // on the loop: request bytes the machine has not taken
	ended bool   // on the loop: the machine has had OnClose

	mu       sync.Mutex
	out      []byte
	closed   bool
	kick     chan struct{}
	buffered atomic.Int64
}

func (x *exchange) Write(b []byte) {
	x.mu.Lock()
	x.out = append(x.out, b...)
	x.mu.Unlock()
	x.buffered.Add(int64(len(b)))
	x.signal()
}

// Close ends the exchange; the machine hears OnClose on a later turn, as
// the IO contract says.
func (x *exchange) Close() {
	x.mu.Lock()
	x.closed = true
	x.mu.Unlock()
	x.signal()
	x.loops.Post(x.loop, x.end)
}

func (x *exchange) Wake() {
	if len(x.in) > 0 {
		x.loops.Post(x.loop, x.feed)
	}
}

func (x *exchange) Buffered() int      { return int(x.buffered.Load()) }
func (x *exchange) RemoteAddr() string { return x.remote }

func (x *exchange) signal() {
	select {
	case x.kick <- struct{}{}:
	default:
	}
}

// take returns what the machine wrote since the last call, and whether it
// closed.
func (x *exchange) take() ([]byte, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	p := x.out
	x.out = nil
	return p, x.closed
}

// feed gives the request to the machine; on the loop.
func (x *exchange) feed() {
	if x.ended || len(x.in) == 0 {
		return
	}
	n := x.m.Feed(x.in)
	x.in = x.in[n:]
}

// end gives the machine its OnClose, once; on the loop.
func (x *exchange) end() {
	if !x.ended {
		x.ended = true
		x.in = nil
		x.m.OnClose()
	}
}
