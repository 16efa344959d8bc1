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
	in := make([]byte, len(frame)) // Feed unmasks in place: a fresh copy each time
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		copy(in, frame)
		c.m.Feed(in)
		l.drain()
	}
	b.StopTimer()
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
	in := make([]byte, len(frame))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		copy(in, frame)
		cs[0].m.Feed(in)
		l.drain()
	}
	b.StopTimer()
	for i, c := range cs {
		if c.io.n-before[i] < b.N*80 {
			b.Fatalf("client %d got %d bytes for %d broadcasts", i, c.io.n-before[i], b.N)
		}
	}
}
