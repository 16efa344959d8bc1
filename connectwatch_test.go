package tornadio_test

import (
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// TestConnectTimeoutQueue: sessions that join no namespace are closed
// "forced close" ConnectTimeout after they opened, each at its own time
// (one queue and one timer per loop serve them all), and a session that
// joined in time is left alone.
func TestConnectTimeoutQueue(t *testing.T) {
	l := tt.NewLoops(1)
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithConnectTimeout(time.Second))
	tp := tornadio.BindForTest(srv, l)
	l.Server = tp
	h := &tt.Harness{Loops: l, Server: tp}
	open := func(join bool) *tt.Conn {
		c := h.Dial(0)
		l.RunAll()
		c.Send(tt.WSUpgrade(4, ""))
		if join {
			c.Send(tt.Text("40"))
		}
		l.RunAll()
		if _, err := c.ReadResponse(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	early := open(false)
	joined := open(true)
	l.Advance(500 * time.Millisecond)
	late := open(false)
	l.Advance(600 * time.Millisecond) // early's deadline (1 s) has passed, late's (1.5 s) not
	if !early.CloseRequested() {
		t.Fatal("the first silent session is still open after its connect timeout")
	}
	if late.CloseRequested() {
		t.Fatal("the second silent session was closed before its connect timeout")
	}
	l.Advance(500 * time.Millisecond)
	if !late.CloseRequested() {
		t.Fatal("the second silent session is still open after its connect timeout")
	}
	if joined.CloseRequested() {
		t.Fatal("a session that joined \"/\" was closed by the connect timeout")
	}
	if n := srv.SessionCount(); n != 1 {
		t.Fatalf("SessionCount %d, want 1", n)
	}
}

// TestConnectTimeoutOnTime: a session that joins no namespace is closed at
// exactly ConnectTimeout after it opened, however the sessions' deadlines
// fall between one another (the sweep is set for each deadline itself).
func TestConnectTimeoutOnTime(t *testing.T) {
	l := tt.NewLoops(1)
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithConnectTimeout(time.Second))
	tp := tornadio.BindForTest(srv, l)
	l.Server = tp
	h := &tt.Harness{Loops: l, Server: tp}
	var conns []*tt.Conn
	var opened []time.Time
	for _, gap := range []time.Duration{3, 4, 250, 1} {
		l.Advance(gap * time.Millisecond)
		c := h.Dial(0)
		c.Send(tt.WSUpgrade(4, ""))
		l.RunAll()
		if _, err := c.ReadResponse(); err != nil {
			t.Fatal(err)
		}
		conns, opened = append(conns, c), append(opened, l.Now())
	}
	l.Advance(5 * time.Millisecond)
	l.Advance(2 * time.Second)
	for i, c := range conns {
		if got, want := c.ClosedAt(), opened[i].Add(time.Second); !got.Equal(want) {
			t.Errorf("session %d closed at +%v, want +%v", i, got.Sub(tt.Epoch), want.Sub(tt.Epoch))
		}
	}
}

// TestConnectQueueLeftAtOnce: a session leaves its loop's connect-timeout
// queue as soon as it joins a namespace or closes (by the client's close
// packet, its connection's end, or a ping timeout), not at its deadline.
func TestConnectQueueLeftAtOnce(t *testing.T) {
	l := tt.NewLoops(1)
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithConnectTimeout(time.Minute),
		tornadio.WithPingInterval(time.Second), tornadio.WithPingTimeout(time.Second))
	tp := tornadio.BindForTest(srv, l)
	l.Server = tp
	h := &tt.Harness{Loops: l, Server: tp}
	open := func() *tt.Conn {
		c := h.Dial(0)
		c.Send(tt.WSUpgrade(4, ""))
		l.RunAll()
		if _, err := c.ReadResponse(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	waiting := func(want int) {
		t.Helper()
		if n, held := tornadio.ConnectQueueForTest(srv, 0); n != want || held > want {
			t.Fatalf("connect queue: %d waiting, %d held; want %d", n, held, want)
		}
	}
	joins, closes, hangs, silent, stays := open(), open(), open(), open(), open()
	waiting(5)
	joins.Send(tt.Text("40"))
	l.RunAll()
	waiting(4)
	closes.Send(tt.Text("1"))
	l.RunAll()
	waiting(3)
	hangs.Hangup()
	l.RunAll()
	waiting(2)
	// Both silent sessions time out by ping (stays answers pings); the
	// connect timeout is far.
	for range 4 {
		l.Advance(time.Second)
		stays.Send(tt.Text("3"))
		l.RunAll()
	}
	if !silent.CloseRequested() || stays.CloseRequested() {
		t.Fatalf("after 4 s: silent closed %v, answering closed %v", silent.CloseRequested(), stays.CloseRequested())
	}
	waiting(1)
	l.Advance(time.Minute)
	waiting(0)
	if !stays.CloseRequested() {
		t.Fatal("a session that never joined outlived its connect timeout")
	}
}
