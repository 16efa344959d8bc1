package adapter_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// quietLoop is one in-memory event loop that allocates nothing itself:
// posted functions go to a reused queue, run by drain.
type quietLoop struct{ q, run []func() }

func (l *quietLoop) Post(_ int, fn func())  { l.q = append(l.q, fn) }
func (l *quietLoop) Now() time.Time         { return tt.Epoch }
func (l *quietLoop) Wake(int, time.Time)    {}
func (l *quietLoop) poster() adapter.Poster { return (*quietPoster)(l) }

type quietPoster quietLoop

func (p *quietPoster) Post(i int, fn func()) bool { (*quietLoop)(p).Post(i, fn); return true }

func (l *quietLoop) drain() {
	for len(l.q) > 0 {
		l.run, l.q = l.q, l.run[:0]
		for i, fn := range l.run {
			fn()
			l.run[i] = nil
		}
	}
}

// countingIO is a connection that counts what is written to it.
type countingIO struct{ n int }

func (c *countingIO) Write(b []byte)     { c.n += len(b) }
func (c *countingIO) Close()             {}
func (c *countingIO) Wake()              {}
func (c *countingIO) Buffered() int      { return 0 }
func (c *countingIO) RemoteAddr() string { return "127.0.0.1:1" }

// sessionCollector is an App that keeps the sessions it opens.
type sessionCollector struct{ sessions []*transports.Session }

func (a *sessionCollector) Open(s *transports.Session) error {
	a.sessions = append(a.sessions, s)
	return nil
}
func (a *sessionCollector) Message(*transports.Session, []byte, bool) {}
func (a *sessionCollector) Close(*transports.Session, string)         {}

// fanOutRig is a Local with n members over websocket sessions on one
// quietLoop, each writing to a countingIO.
func fanOutRig(tb testing.TB, n int) (*quietLoop, *adapter.Local, []*countingIO) {
	l := &quietLoop{}
	app := &sessionCollector{}
	tp := transports.NewServer(transports.Config{PingInterval: time.Hour, PingTimeout: time.Hour}, app, l, 1)
	local := adapter.NewLocal(adapter.Config{Namespace: "/", Loops: 1, Poster: l.poster()})
	ios := make([]*countingIO, n)
	for i := range ios {
		ios[i] = &countingIO{}
		tp.NewConn(ios[i], 0).Feed(tt.WSUpgrade(4, ""))
		l.drain()
		if len(app.sessions) != i+1 {
			tb.Fatalf("session %d did not open", i)
		}
		m := &fakeMember{id: fmt.Sprint("m", i), target: adapter.Target{Session: app.sessions[i]}}
		m.ms.Bind(m)
		local.Attach(&m.ms)
		local.Join(&m.ms, "all")
	}
	l.drain()
	return l, local, ios
}

// BenchmarkFanOut is one broadcast to 1 000 websocket members on one loop:
// encoded once, then written to each session; ns/op and allocs/op are per
// broadcast (divide by 1 000 per delivery).
func BenchmarkFanOut(b *testing.B) {
	for _, sel := range []struct {
		name string
		opts adapter.Options
	}{
		{"everyone", adapter.Options{}},
		{"room", adapter.Options{Rooms: []string{"all"}}},
	} {
		b.Run(sel.name, func(b *testing.B) {
			const n = 1000
			l, local, ios := fanOutRig(b, n)
			p := &adapter.Packet{Nsp: "/", Event: "tick", Args: [][]byte{[]byte(`"` + fmt.Sprintf("%064d", 0) + `"`)}}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				local.Broadcast(p, &sel.opts)
				l.drain()
			}
			b.StopTimer()
			for i, c := range ios {
				if c.n < b.N*75 {
					b.Fatalf("member %d got %d bytes for %d broadcasts", i, c.n, b.N)
				}
			}
		})
	}
}

// TestFanOutAllocs: a broadcast allocates what it needs once (the message,
// its encodings, the loop's closure), nothing per delivery.
func TestFanOutAllocs(t *testing.T) {
	p := &adapter.Packet{Nsp: "/", Event: "tick", Args: [][]byte{[]byte(`1`)}}
	measure := func(n int, opts adapter.Options) float64 {
		l, local, ios := fanOutRig(t, n)
		a := testing.AllocsPerRun(100, func() {
			local.Broadcast(p, &opts)
			l.drain()
		})
		if ios[n-1].n == 0 {
			t.Fatal("the last member got nothing")
		}
		return a
	}
	for _, opts := range []adapter.Options{{}, {Rooms: []string{"all"}}, {Except: []string{"m0"}}} {
		few, many := measure(10, opts), measure(1000, opts)
		if few != many || many > 8 {
			t.Errorf("rooms %v except %v: %v allocs per broadcast to 10 members, %v to 1 000; want the same, at most 8", opts.Rooms, opts.Except, few, many)
		}
	}
}
