package tornadio_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tornadio/tornadio"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// benchCore is a server on one in-memory loop (no sockets, no gnet) with
// the benchmark contract, and n websocket clients connected to "/".
func benchCore(b *testing.B, n int) (*tt.Loops, []*tt.Conn) {
	l := tt.NewLoops(1)
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	ns := srv.Of("/")
	ns.OnConnection(func(s *tornadio.Socket) {
		s.On("echo", func(a tornadio.Args, ack tornadio.Ack) { ack(json.RawMessage(a.Raw(0))) })
		s.On("broadcast", func(a tornadio.Args) { ns.Emit("broadcast", json.RawMessage(a.Raw(0))) })
	})
	tp := tornadio.BindForTest(srv, l)
	l.Server = tp
	h := &tt.Harness{Loops: l, Server: tp}
	cs := make([]*tt.Conn, n)
	for i := range cs {
		c := h.Dial(0)
		l.RunAll()
		c.Send(tt.WSUpgrade(4, ""))
		c.Send(tt.Text("40"))
		l.RunAll()
		if _, err := c.ReadResponse(); err != nil {
			b.Fatal(err)
		}
		if fs, err := c.ReadFrames(); err != nil || len(fs) < 2 {
			b.Fatalf("open/connect frames: %v %v", fs, err)
		}
		cs[i] = c
	}
	return l, cs
}

// BenchmarkCoreEcho is one emit-with-ack and its answer through the whole
// sans-IO core (frame decode, Engine.IO, Socket.IO, handler, ack encode,
// frame encode), without the network. The baseline for the benchmark issue.
func BenchmarkCoreEcho(b *testing.B) {
	l, cs := benchCore(b, 1)
	c := cs[0]
	frame := tt.Text(`421["echo","` + fmt.Sprintf("%064d", 0) + `"]`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Send(frame)
		l.RunAll()
		if _, err := c.ReadFrames(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCoreBroadcast is one broadcast to 100 websocket sockets through
// the core; allocs/op are per broadcast (divide by 100 per delivery).
func BenchmarkCoreBroadcast(b *testing.B) {
	l, cs := benchCore(b, 100)
	frame := tt.Text(`42["broadcast","` + fmt.Sprintf("%064d", 0) + `"]`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cs[0].Send(frame)
		l.RunAll()
		for _, c := range cs {
			if _, err := c.ReadFrames(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
