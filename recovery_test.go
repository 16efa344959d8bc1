package tornadio_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// TestConnectionStateRecovery: a client that drops and comes back with its
// pid and last offset gets the same id, its rooms and the broadcasts it
// missed; a plain new client does not.
func TestConnectionStateRecovery(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(2),
		tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{MaxDisconnection: time.Minute}))
	sockets := make(chan *tornadio.Socket, 8)
	reasons := make(chan tornadio.DisconnectReason, 8)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		if !s.Recovered() {
			s.Join("news")
		}
		s.OnDisconnect(func(r tornadio.DisconnectReason) { reasons <- r })
		sockets <- s
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)

	c := dialPolling(srv.Addr())
	c.send("40")
	var hello struct{ SID, PID string }
	got := c.drain(t, 1)
	if err := json.Unmarshal([]byte(strings.TrimPrefix(got[0], "40")), &hello); err != nil || hello.PID == "" {
		t.Fatalf("CONNECT answer %q has no pid", got)
	}
	first := <-sockets

	srv.Of("/").To("news").Emit("n", 1)
	got = c.drain(t, 1)
	var args []any
	if err := json.Unmarshal([]byte(strings.TrimPrefix(got[0], "42")), &args); err != nil || len(args) != 3 || args[0] != "n" {
		t.Fatalf("broadcast %q: want the offset as last argument", got)
	}
	offset, _ := args[2].(string)

	c.send("1") // the client closes its session: recoverable ("transport close")
	if r := <-reasons; r != tornadio.ReasonTransportClose {
		t.Fatalf("reason %q", r)
	}
	srv.Of("/").To("news").Emit("n", 2)  // missed
	srv.Of("/").To("other").Emit("n", 3) // not for it

	c2 := dialPolling(srv.Addr())
	c2.send(fmt.Sprintf(`40{"pid":%q,"offset":%q}`, hello.PID, offset))
	got = c2.drain(t, 2)
	if len(got) != 2 || got[0] != fmt.Sprintf(`40{"sid":%q,"pid":%q}`, hello.SID, hello.PID) || !strings.HasPrefix(got[1], `42["n",2,"`) {
		t.Fatalf("recovered session got %q", got)
	}
	second := <-sockets
	if !second.Recovered() || second.ID() != first.ID() {
		t.Fatalf("recovered=%v id %s, want %s", second.Recovered(), second.ID(), first.ID())
	}
	if !contains(second.Rooms(), "news") {
		t.Fatalf("rooms %v lost news", second.Rooms())
	}

	// The same pid cannot be used twice.
	c3 := dialPolling(srv.Addr())
	c3.send(fmt.Sprintf(`40{"pid":%q,"offset":%q}`, hello.PID, offset))
	got = c3.drain(t, 1)
	if strings.Contains(got[0], hello.SID) {
		t.Fatalf("pid reused: %q", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestAnyListenersAndDisconnecting: OnAny sees incoming events,
// OnAnyOutgoing sees emits and broadcasts, OnDisconnecting still sees the
// rooms, OnDisconnect does not.
func TestAnyListenersAndDisconnecting(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	events := make(chan string, 16)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.Join("r")
		s.OnAny(func(ev string, a tornadio.Args) { events <- fmt.Sprintf("in %s %d", ev, a.Len()) })
		s.OnAnyOutgoing(func(ev string, a tornadio.Args) { events <- fmt.Sprintf("out %s %d", ev, a.Len()) })
		s.OnDisconnecting(func(r tornadio.DisconnectReason) {
			events <- fmt.Sprintf("disconnecting %v %v", r, contains(s.Rooms(), "r"))
		})
		s.OnDisconnect(func(r tornadio.DisconnectReason) {
			events <- fmt.Sprintf("disconnect %v %v", r, contains(s.Rooms(), "r"))
		})
		events <- "connected"
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	c := dialPolling(srv.Addr())
	c.send("40")
	c.drain(t, 1)
	next := func() string {
		select {
		case e := <-events:
			return e
		case <-time.After(5 * time.Second):
			t.Fatal("no event")
			return ""
		}
	}
	if e := next(); e != "connected" {
		t.Fatal(e)
	}
	c.send(`42["hello",1,2]`)
	if e := next(); e != "in hello 2" {
		t.Fatal(e)
	}
	srv.Of("/").To("r").Emit("b", "x")
	if e := next(); e != "out b 1" {
		t.Fatal(e)
	}
	c.drain(t, 1)
	c.send("41")
	if e := next(); e != "disconnecting client namespace disconnect true" {
		t.Fatal(e)
	}
	if e := next(); e != "disconnect client namespace disconnect false" {
		t.Fatal(e)
	}
}

// TestRecoveryWindowOnLoopClock: the recovery window counts on the event
// loops' clock (here a manual one), not the wall clock: a client back
// within MaxDisconnection on that clock is recovered, one back after it is
// not, however little real time passed.
func TestRecoveryWindowOnLoopClock(t *testing.T) {
	for _, tc := range []struct {
		away      time.Duration
		recovered bool
	}{
		{59 * time.Second, true},
		{61 * time.Second, false},
	} {
		l := &benchLoop{now: time.Unix(1_000_000, 0)}
		srv := tornadio.NewServer(tornadio.WithEventLoops(1),
			tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{MaxDisconnection: time.Minute}))
		srv.Of("/").OnConnection(func(s *tornadio.Socket) { s.Join("news") })
		tp := tornadio.BindForTest(srv, l)
		connect := func(auth string) (*benchIO, *transports.Conn) {
			io := &benchIO{}
			m := tp.NewConn(io, 0)
			m.Feed(tt.WSUpgrade(4, ""))
			m.Feed(tt.Text("40" + auth))
			l.drain()
			return io, m
		}
		io, m := connect("")
		var hello struct{ SID, PID string }
		if _, body, ok := bytes.Cut(io.last, []byte("40{")); !ok || json.Unmarshal(append([]byte("{"), body...), &hello) != nil || hello.PID == "" {
			t.Fatalf("CONNECT answer %q has no pid", io.last)
		}
		srv.Of("/").To("news").Emit("n", 1)
		l.drain()
		_, body, _ := bytes.Cut(io.last, []byte(`42["n",1,`))
		offset := strings.TrimSuffix(string(body), "]")
		m.OnClose() // the transport closes: a recoverable reason
		l.drain()

		l.now = l.now.Add(tc.away)
		io2, _ := connect(fmt.Sprintf(`{"pid":%q,"offset":%s}`, hello.PID, offset))
		if got := bytes.Contains(io2.last, []byte(hello.SID)); got != tc.recovered {
			t.Errorf("back after %v: answer %q, recovered %v, want %v", tc.away, io2.last, got, tc.recovered)
		}
	}
}
