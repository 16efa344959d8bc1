package tornadio_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// drain polls until want packets have arrived (or the deadline passes) and
// returns them.
func (c *pollingClient) drain(t *testing.T, want int) []string {
	t.Helper()
	var got []string
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < want && time.Now().Before(deadline) {
		for _, p := range strings.Split(c.poll(), "\x1e") {
			if p != "2" && p != "6" && p != "" {
				got = append(got, p)
			}
		}
	}
	return got
}

// connectN opens n polling clients on "/" and returns them with their
// server-side sockets, by client index.
func connectN(t *testing.T, srv *tornadio.Server, n int, sockets <-chan *tornadio.Socket) ([]*pollingClient, []*tornadio.Socket) {
	t.Helper()
	cs := make([]*pollingClient, n)
	ss := make([]*tornadio.Socket, n)
	for i := range cs {
		cs[i] = dialPolling(srv.Addr())
		cs[i].send("40")
		cs[i].drain(t, 1)
		select {
		case ss[i] = <-sockets:
		case <-time.After(5 * time.Second):
			t.Fatal("socket never connected")
		}
	}
	return cs, ss
}

// TestRoomBroadcastAcrossLoops: with 4 loops and sockets spread over them,
// a broadcast to several rooms reaches every member exactly once, leaves
// out the excepted ones, and SocketsJoin/FetchSockets see the same rooms.
func TestRoomBroadcastAcrossLoops(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(4))
	sockets := make(chan *tornadio.Socket, 64)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) { sockets <- s })
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)

	const n = 12
	cs, ss := connectN(t, srv, n, sockets)
	for i, s := range ss {
		switch {
		case i%3 == 0:
			s.Join("a")
		case i%3 == 1:
			s.Join("b")
		}
		if i%4 == 0 {
			s.Join("a", "b") // in both: must still get one copy
		}
		if i == 3 {
			s.Join("muted")
		}
	}
	// Joins are posted to the loops; a broadcast posted after them sees them.
	if err := srv.Of("/").To("a", "b").Except("muted").Emit("news", 1); err != nil {
		t.Fatal(err)
	}
	if err := srv.Of("/").Emit("all", "x"); err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		inAB := i%3 != 2 || i%4 == 0
		want := []string{`42["all","x"]`}
		if inAB && i != 3 {
			want = append([]string{`42["news",1]`}, want...)
		}
		got := c.drain(t, len(want))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("client %d (rooms %v): got %q, want %q", i, ss[i].Rooms(), got, want)
		}
	}

	members := fetched(srv.Of("/").In("b").FetchSockets(context.Background()))
	var ids []string
	for _, m := range members {
		ids = append(ids, m.ID)
	}
	sort.Strings(ids)
	var want []string
	for i, s := range ss {
		if i%3 == 1 || i%4 == 0 {
			want = append(want, s.ID())
		}
	}
	sort.Strings(want)
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("FetchSockets(b) = %v, want %v", ids, want)
	}

	srv.Of("/").In("a").SocketsJoin("vip")
	if got, want := len(fetched(srv.Of("/").In("vip").FetchSockets(context.Background()))), len(fetched(srv.Of("/").In("a").FetchSockets(context.Background()))); got != want {
		t.Errorf("vip has %d sockets, a has %d", got, want)
	}
}

// TestSocketBroadcastExcludesSender: socket.To(room) and Broadcast leave
// the sender out, as in Node.
func TestSocketBroadcastExcludesSender(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(2))
	sockets := make(chan *tornadio.Socket, 8)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.Join("room")
		s.On("say", func(msg string) { s.To("room").Emit("said", msg) })
		sockets <- s
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	cs, _ := connectN(t, srv, 3, sockets)
	cs[0].send(`42["say","hi"]`)
	for _, c := range cs[1:] {
		if got := c.drain(t, 1); fmt.Sprint(got) != `[42["said","hi"]]` {
			t.Errorf("receiver got %q", got)
		}
	}
	cs[0].send(`42["say","again"]`)
	if got := cs[1].drain(t, 1); fmt.Sprint(got) != `[42["said","again"]]` {
		t.Errorf("receiver got %q", got)
	}
	// The sender got nothing but what the next broadcast brings.
	srv.Of("/").Emit("end")
	if got := cs[0].drain(t, 1); fmt.Sprint(got) != `[42["end"]]` {
		t.Errorf("sender got %q", got)
	}
}

// TestBroadcastAckCollectsAll: a broadcast with an ack callback gets every
// client's answer, or ErrAckTimeout with those that came.
func TestBroadcastAckCollectsAll(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(4))
	sockets := make(chan *tornadio.Socket, 8)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) { sockets <- s })
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	cs, _ := connectN(t, srv, 4, sockets)

	type result struct {
		err     error
		replies []int
	}
	done := make(chan result, 1)
	err := srv.Of("/").Timeout(2*time.Second).Emit("count", func(err error, replies []int) {
		done <- result{err, replies}
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		got := c.drain(t, 1)
		if len(got) != 1 || !strings.HasPrefix(got[0], "42") || !strings.HasSuffix(got[0], `["count"]`) {
			t.Fatalf("client %d got %q", i, got)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(got[0], "42"), `["count"]`)
		c.send(fmt.Sprintf("43%s[%d]", id, i))
	}
	select {
	case r := <-done:
		sort.Ints(r.replies)
		if r.err != nil || fmt.Sprint(r.replies) != "[0 1 2 3]" {
			t.Fatalf("got %v %v", r.err, r.replies)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("broadcast ack never completed")
	}

	// Only one client answers: the timeout reports it with its answer.
	err = srv.Of("/").Timeout(300*time.Millisecond).Emit("count", func(err error, replies []int) {
		done <- result{err, replies}
	})
	if err != nil {
		t.Fatal(err)
	}
	got := cs[2].drain(t, 1)
	id := strings.TrimSuffix(strings.TrimPrefix(got[0], "42"), `["count"]`)
	cs[2].send("43" + id + "[7]")
	select {
	case r := <-done:
		if r.err != tornadio.ErrAckTimeout || fmt.Sprint(r.replies) != "[7]" {
			t.Fatalf("got %v %v", r.err, r.replies)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("timeout never fired")
	}
}

// TestEmitWithTimeout: a socket emit with Timeout calls back with
// ErrAckTimeout when the client stays silent, with the answer otherwise.
func TestEmitWithTimeout(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	var mu sync.Mutex
	var results []string
	done := make(chan struct{}, 2)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.Timeout(200*time.Millisecond).Emit("q1", func(err error, v string) {
			mu.Lock()
			results = append(results, fmt.Sprintf("q1 %v %q", err, v))
			mu.Unlock()
			done <- struct{}{}
		})
		s.Timeout(5*time.Second).Emit("q2", func(err error, v string) {
			mu.Lock()
			results = append(results, fmt.Sprintf("q2 %v %q", err, v))
			mu.Unlock()
			done <- struct{}{}
		})
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	c := dialPolling(srv.Addr())
	c.send("40")
	got := c.drain(t, 3)
	if len(got) != 3 || got[1] != `420["q1"]` || got[2] != `421["q2"]` {
		t.Fatalf("got %q", got)
	}
	<-done // q1 times out
	c.send(`431["yes"]`)
	<-done
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(results) != `[q1 tornadio: operation has timed out "" q2 <nil> "yes"]` {
		t.Fatalf("results %q", results)
	}
}

// TestMiddlewareRefuses: Use sees the auth payload; an error becomes a
// CONNECT_ERROR with message and data.
func TestMiddlewareRefuses(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	admin := srv.Of("/admin")
	admin.Use(func(s *tornadio.Socket) error {
		var auth struct{ Token string }
		_ = s.Request().DecodeAuth(&auth)
		if auth.Token != "t0k" {
			return &tornadio.ConnectError{Message: "not authorized", Data: map[string]any{"retry": false}}
		}
		return nil
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	c := dialPolling(srv.Addr())
	c.send(`40/admin,{"token":"bad"}`)
	if got := c.drain(t, 1); fmt.Sprint(got) != `[44/admin,{"message":"not authorized","data":{"retry":false}}]` {
		t.Fatalf("refused: %q", got)
	}
	c.send(`40/admin,{"token":"t0k"}`)
	if got := c.drain(t, 1); len(got) != 1 || !strings.HasPrefix(got[0], `40/admin,{"sid":"`) {
		t.Fatalf("accepted: %q", got)
	}
	c.send(`40/nowhere,`)
	if got := c.drain(t, 1); fmt.Sprint(got) != `[44/nowhere,{"message":"Invalid namespace"}]` {
		t.Fatalf("unknown namespace: %q", got)
	}
}
