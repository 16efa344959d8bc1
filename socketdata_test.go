package tornadio_test

import (
	"fmt"

	"context"
	"encoding/json"
	"github.com/tornadio/tornadio/adapter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestSocketDataAndHandshake: a socket's data (SetData) and its handshake,
// as Node describes it, come back from FetchSockets; the socket's own room
// and its joined rooms come back from AllRooms.
func TestSocketDataAndHandshake(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(2))
	type user struct {
		Name string `json:"name"`
	}
	sockets := make(chan *tornadio.Socket, 1)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		var auth user
		_ = s.Request().DecodeAuth(&auth)
		s.SetData(user{Name: auth.Name})
		s.Join("lobby")
		sockets <- s
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	before := time.Now().Add(-time.Second)

	c := dialPolling(srv.Addr())
	c.send(`40{"name":"ann"}`)
	c.drain(t, 1)
	var s *tornadio.Socket
	select {
	case s = <-sockets:
	case <-time.After(5 * time.Second):
		t.Fatal("socket never connected")
	}
	if got, ok := s.Data().(user); !ok || got.Name != "ann" {
		t.Fatalf("Data = %#v", s.Data())
	}

	list, err := srv.Of("/").FetchSockets(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("FetchSockets = %v, %v", list, err)
	}
	rs := list[0]
	if rs.ID != s.ID() || !rs.Local() || rs.Data.(user).Name != "ann" {
		t.Errorf("remote socket %+v", rs)
	}
	var decoded user
	if err := rs.DecodeData(&decoded); err != nil || decoded.Name != "ann" {
		t.Errorf("DecodeData = %+v, %v", decoded, err)
	}
	hs := rs.Handshake
	if hs == nil {
		t.Fatal("no handshake")
	}
	issued := time.UnixMilli(hs.Issued)
	if hs.Address != "127.0.0.1" || !strings.HasPrefix(hs.URL, "/socket.io/?EIO=4") || hs.Query["EIO"] != "4" ||
		hs.Query["transport"] != "polling" || string(hs.Auth) != `{"name":"ann"}` || hs.XDomain || hs.Secure ||
		issued.Before(before) || issued.After(time.Now()) || hs.Headers["host"] == "" {
		t.Errorf("handshake %+v", hs)
	}
	if want := issued.UTC().Format("Mon Jan 02 2006 15:04:05") + " GMT+0000 (Coordinated Universal Time)"; hs.Time != want {
		t.Errorf("handshake time %q, want %q", hs.Time, want)
	}
	if b, err := json.Marshal(hs); err != nil || !strings.HasPrefix(string(b), `{"headers":{`) {
		t.Errorf("handshake JSON %s, %v", b, err)
	}

	rooms, err := srv.Of("/").Adapter().AllRooms(context.Background())
	slices.Sort(rooms)
	if err != nil || !slices.Equal(rooms, []string{s.ID(), "lobby"}) && !slices.Equal(rooms, []string{"lobby", s.ID()}) {
		t.Errorf("AllRooms = %v, %v", rooms, err)
	}
	if n, err := srv.Of("/").Adapter().ServerCount(context.Background()); n != 1 || err != nil {
		t.Errorf("ServerCount = %d, %v", n, err)
	}
}

// TestServerSideEmitAlone: on a single node a server-side emit with an
// answer callback gets no answers and no error, on a loop.
func TestServerSideEmitAlone(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(2))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	done := make(chan []string, 1)
	if err := srv.Of("/").ServerSideEmit("hello", 1, func(err error, replies []string) {
		if err != nil {
			t.Errorf("err = %v", err)
		}
		done <- replies
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if len(r) != 0 {
			t.Errorf("replies %v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("callback never ran")
	}
	if err := srv.Of("/").ServerSideEmit("hello", func(int) {}); err == nil {
		t.Error("a callback of the wrong form was accepted")
	}
}

// TestServerSideListenersInOrder: events from another node reach the
// listeners in the order the adapter hands them over, even with several
// loops; OnAnyServerSideEmit hears every event, with a nil Ack when no
// answer is wanted.
func TestServerSideListenersInOrder(t *testing.T) {
	var local *adapter.Local
	srv := tornadio.NewServer(tornadio.WithEventLoops(4), tornadio.WithAdapter(func(nsp string, l *adapter.Local) adapter.Adapter {
		local = l
		return adapter.NewInMemory(nsp, l)
	}))
	type heard struct {
		event   string
		n       int
		withAck bool
	}
	got := make(chan heard, 200)
	srv.Of("/").OnAnyServerSideEmit(func(event string, args tornadio.Args, ack tornadio.Ack) {
		var n int
		_ = args.Decode(0, &n)
		got <- heard{event, n, ack != nil}
		if ack != nil {
			ack("done")
		}
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	for i := range 4 { // make every loop active
		c := dialPolling(srv.Addr())
		c.send("40")
		c.drain(t, 1)
		_ = i
	}
	answers := make(chan string, 1)
	for i := range 100 {
		var ack func(args, atts [][]byte)
		if i == 99 {
			ack = func(args, _ [][]byte) { answers <- string(args[0]) }
		}
		local.ServerSideEmitted(&adapter.Packet{Nsp: "/", Event: "tick", Args: [][]byte{[]byte(fmt.Sprint(i))}}, ack)
	}
	for i := range 100 {
		select {
		case h := <-got:
			if h.event != "tick" || h.n != i || h.withAck != (i == 99) {
				t.Fatalf("event %d heard as %+v", i, h)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d never heard", i)
		}
	}
	if a := <-answers; a != `"done"` {
		t.Fatalf("answer %s", a)
	}
}
