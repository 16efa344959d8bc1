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
	l.Resolution = 100 * time.Millisecond
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
