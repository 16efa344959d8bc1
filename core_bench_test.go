package tornadio_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// benchLoop is one in-memory event loop that allocates nothing itself:
// posted functions go to a reused queue, run by drain. The benchmarks
// below measure the sans-IO core alone (frame decode, Engine.IO,
// Socket.IO, handler, encode), so their allocs/op are the core's.
type benchLoop struct {
	q, run []func()
	now    time.Time
}

func (l *benchLoop) Post(_ int, fn func()) { l.q = append(l.q, fn) }
func (l *benchLoop) Now() time.Time        { return l.now }
func (l *benchLoop) Wake(int, time.Time)   {}

func (l *benchLoop) drain() {
	for len(l.q) > 0 {
		l.run, l.q = l.q, l.run[:0]
		for i, fn := range l.run {
			fn()
			l.run[i] = nil
		}
	}
}

// benchIO is a connection that counts what the machine writes and keeps
// the last write, reusing its buffer.
type benchIO struct {
	n    int
	last []byte
}

func (c *benchIO) Write(b []byte)     { c.n += len(b); c.last = append(c.last[:0], b...) }
func (c *benchIO) Close()             {}
func (c *benchIO) Wake()              {}
func (c *benchIO) Buffered() int      { return 0 }
func (c *benchIO) RemoteAddr() string { return "127.0.0.1:1" }

type benchConn struct {
	io *benchIO
	m  *transports.Conn
}

// benchCore is a server on one benchLoop with the benchmark contract and n
// websocket clients connected to "/".
func benchCore(b *testing.B, n int) (*benchLoop, []benchConn) {
	l := &benchLoop{now: tt.Epoch}
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	ns := srv.Of("/")
	ns.OnConnection(func(s *tornadio.Socket) {
		s.On("echo", func(a tornadio.Args, ack tornadio.Ack) { ack(json.RawMessage(a.Raw(0))) })
		s.On("broadcast", func(a tornadio.Args) { ns.Emit("broadcast", json.RawMessage(a.Raw(0))) })
	})
	tp := tornadio.BindForTest(srv, l)
	cs := make([]benchConn, n)
	for i := range cs {
		io := &benchIO{}
		m := tp.NewConn(io, 0)
		m.Feed(tt.WSUpgrade(4, ""))
		l.drain()
		m.Feed(tt.Text("40"))
		l.drain()
		if !bytes.Contains(io.last, []byte(`40{"sid":`)) {
			b.Fatalf("no CONNECT answer: %q", io.last)
		}
		cs[i] = benchConn{io: io, m: m}
	}
	return l, cs
}

// BenchmarkCoreEcho is one emit-with-ack and its answer through the whole
// sans-IO core (frame decode, Engine.IO, Socket.IO, handler, ack encode,
// frame encode), without the network.
func BenchmarkCoreEcho(b *testing.B) {
	l, cs := benchCore(b, 1)
	c := cs[0]
	frame := tt.Text(`421["echo","` + fmt.Sprintf("%064d", 0) + `"]`)
	want := []byte(`431["` + fmt.Sprintf("%064d", 0) + `"]`)
	feedN(b, l, c, frame)
	if !bytes.HasSuffix(c.io.last, want) {
		b.Fatalf("last write %q, want the ack %q", c.io.last, want)
	}
}

// BenchmarkCoreBroadcast is one broadcast to 100 websocket sockets through
// the core; allocs/op are per broadcast (divide by 100 per delivery).
func BenchmarkCoreBroadcast(b *testing.B) {
	const n = 100
	l, cs := benchCore(b, n)
	frame := tt.Text(`42["broadcast","` + fmt.Sprintf("%064d", 0) + `"]`)
	before := make([]int, n)
	for i, c := range cs {
		before[i] = c.io.n
	}
	feedN(b, l, cs[0], frame)
	for i, c := range cs {
		if c.io.n-before[i] < b.N*80 {
			b.Fatalf("client %d got %d bytes for %d broadcasts", i, c.io.n-before[i], b.N)
		}
	}
}

// BenchmarkCoreEvent is one event without an ack through the core to a
// func(Args) handler: nothing is allocated.
func BenchmarkCoreEvent(b *testing.B) {
	l, cs := benchCore(b, 1)
	c := cs[0]
	feedN(b, l, c, tt.Text(`42["note","`+fmt.Sprintf("%064d", 0)+`"]`))
}

// feedN is the timed part of a core benchmark: the client frame arrives
// b.N times and the loop runs what it caused.
func feedN(b *testing.B, l *benchLoop, c benchConn, frame []byte) {
	in := make([]byte, len(frame)) // Feed unmasks in place: a fresh copy each time
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		copy(in, frame)
		c.m.Feed(in)
		l.drain()
	}
	b.StopTimer()
}

// TestCoreAllocs pins the core's allocations per message in steady state:
// an event without an ack allocates nothing; one answered by its handler
// allocates only the Ack func handed to the handler (its state and the
// func value: a Go func value cannot be made without one); a broadcast
// allocates per broadcast, nothing per delivery.
func TestCoreAllocs(t *testing.T) {
	l := &benchLoop{now: tt.Epoch}
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	ns := srv.Of("/")
	ns.OnConnection(func(s *tornadio.Socket) {
		s.On("note", func(a tornadio.Args) {})
		s.On("echo", func(a tornadio.Args, ack tornadio.Ack) { ack() })
		s.On("shout", func(a tornadio.Args) { ns.Emit("shout") })
	})
	tp := tornadio.BindForTest(srv, l)
	var conns []benchConn
	connect := func(n int) {
		for range n {
			io := &benchIO{}
			m := tp.NewConn(io, 0)
			m.Feed(tt.WSUpgrade(4, ""))
			m.Feed(tt.Text("40"))
			l.drain()
			conns = append(conns, benchConn{io: io, m: m})
		}
	}
	connect(10)
	run := func(payload string, n int) float64 {
		frame := tt.Text(payload)
		in := make([]byte, len(frame))
		return testing.AllocsPerRun(200, func() {
			for i := 0; i < n; i++ {
				copy(in, frame)
				conns[0].m.Feed(in)
				l.drain()
			}
		})
	}
	if a := run(`42["note","x"]`, 1); a != 0 {
		t.Errorf("event without ack: %v allocs, want 0", a)
	}
	if a := run(`421["echo","x"]`, 1); a > 2 {
		t.Errorf("echo: %v allocs, want ≤ 2", a)
	}
	few := run(`42["shout"]`, 1)
	connect(90)
	many := run(`42["shout"]`, 1)
	if many != few {
		t.Errorf("broadcast: %v allocs to 10 sockets, %v to 100: deliveries allocate", few, many)
	}
	if !bytes.Contains(conns[len(conns)-1].io.last, []byte(`42["shout"]`)) {
		t.Fatalf("the last socket did not get the broadcast: %q", conns[len(conns)-1].io.last)
	}
	t.Logf("allocs per broadcast: %v to 10 sockets, %v to 100", few, many)
}
