//go:build !race

// Allocation counts differ under the race detector.

package transports_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// discardIO is an edge that writes nowhere, to count the machine's own
// allocations.
type discardIO struct{}

func (discardIO) Write([]byte)       {}
func (discardIO) Close()             {}
func (discardIO) Wake()              {}
func (discardIO) Buffered() int      { return 0 }
func (discardIO) RemoteAddr() string { return "192.0.2.1:4321" }

// inlineLoops runs posted work at once: one loop, a still clock.
type inlineLoops struct{ now time.Time }

func (l *inlineLoops) Post(_ int, fn func()) { fn() }
func (l *inlineLoops) Now() time.Time        { return l.now }
func (l *inlineLoops) Wake(int, time.Time)   {}

type nopApp struct{}

func (nopApp) Open(*transports.Session) error            { return nil }
func (nopApp) Message(*transports.Session, []byte, bool) {}
func (nopApp) Close(*transports.Session, string)         {}

// Opening a websocket session allocates what the session keeps (its Conn,
// its Session and the copy of its handshake) and nothing else: parse state,
// answers and the open packet use the loop's buffers, so connecting makes
// no garbage for the collector to chase.
func TestWebSocketOpenAllocs(t *testing.T) {
	srv := transports.NewServer(transports.Config{}, nopApp{}, &inlineLoops{now: tt.Epoch}, 1)
	req := tt.WSUpgrade(4, "")
	buf := make([]byte, len(req))
	open := func() *transports.Conn {
		c := srv.NewConn(discardIO{}, 0)
		copy(buf, req)
		if n := c.Feed(buf); n != len(buf) {
			t.Fatalf("fed %d of %d bytes", n, len(buf))
		}
		return c
	}
	open().OnClose() // warm the loop's buffers
	if n := testing.AllocsPerRun(200, func() { open().OnClose() }); n > 3 {
		t.Errorf("%v allocations per websocket session opened and closed, want 3", n)
	}
	if got := srv.SessionCount(); got != 0 {
		t.Errorf("%d sessions left", got)
	}
}

// BenchmarkWebSocketOpen opens and closes a websocket session: parse,
// handshake, 101 answer, open packet, registration, timers, teardown.
func BenchmarkWebSocketOpen(b *testing.B) {
	srv := transports.NewServer(transports.Config{}, nopApp{}, &inlineLoops{now: tt.Epoch}, 1)
	req := tt.WSUpgrade(4, "")
	buf := make([]byte, len(req))
	b.ReportAllocs()
	for b.Loop() {
		c := srv.NewConn(discardIO{}, 0)
		copy(buf, req)
		c.Feed(buf)
		c.OnClose()
	}
}

// BenchmarkPollingCycle is one long-polling exchange of an open session: a
// GET that parks, a message sent to it, and a POST carrying a message.
func BenchmarkPollingCycle(b *testing.B) {
	srv := transports.NewServer(transports.Config{}, nopApp{}, &inlineLoops{now: tt.Epoch}, 1)
	get, post := srv.NewConn(discardIO{}, 0), srv.NewConn(discardIO{}, 0)
	get.Feed(tt.PollGET(4, ""))
	s := srv.Sessions()[0]
	getReq, postReq := tt.PollGET(4, s.ID()), tt.PollPOST(4, s.ID(), "4hello")
	buf := make([]byte, len(postReq))
	msg := []byte("hello")
	b.ReportAllocs()
	for b.Loop() {
		get.Feed(getReq)
		s.Send(msg, false)
		copy(buf, postReq)
		post.Feed(buf)
	}
}

// pollingCycleAllocs counts the allocations of one polling exchange (see
// BenchmarkPollingCycle) with requests made by http.
func pollingCycleAllocs(t *testing.T, http func([]byte) []byte) float64 {
	srv := transports.NewServer(transports.Config{}, nopApp{}, &inlineLoops{now: tt.Epoch}, 1)
	get, post := srv.NewConn(discardIO{}, 0), srv.NewConn(discardIO{}, 0)
	get.Feed(tt.PollGET(4, ""))
	s := srv.Sessions()[0]
	getReq, postReq := http(tt.PollGET(4, s.ID())), http(tt.PollPOST(4, s.ID(), "4hello"))
	buf := make([]byte, len(postReq))
	msg := []byte("hello")
	cycle := func() {
		if n := get.Feed(getReq); n != len(getReq) {
			t.Fatalf("GET: fed %d of %d bytes", n, len(getReq))
		}
		s.Send(msg, false)
		copy(buf, postReq)
		if n := post.Feed(buf); n != len(buf) {
			t.Fatalf("POST: fed %d of %d bytes", n, len(buf))
		}
	}
	cycle() // warm the loop's buffers
	return testing.AllocsPerRun(200, cycle)
}

// Answering an HTTP/1.0 client that keeps its connection alive, whose
// answers get "Connection: keep-alive" added, allocates no more than the
// HTTP/1.1 steady state: the answer is put together in the loop's buffer.
func TestKeepAlive10Allocs(t *testing.T) {
	keepAlive10 := func(req []byte) []byte {
		req = bytes.Replace(req, []byte(" HTTP/1.1\r\n"), []byte(" HTTP/1.0\r\nConnection: keep-alive\r\n"), 1)
		return req
	}
	http11 := pollingCycleAllocs(t, func(req []byte) []byte { return req })
	http10 := pollingCycleAllocs(t, keepAlive10)
	if http10 > http11 {
		t.Errorf("%v allocations per HTTP/1.0 keep-alive polling exchange, %v with HTTP/1.1", http10, http11)
	}
}
