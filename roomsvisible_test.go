package tornadio_test

// Room changes are visible when the call that makes them returns: Rooms
// and FetchSockets show a SocketsJoin or SocketsLeave made on another
// goroutine at once, even while the socket's own loop is busy, and a
// broadcast issued after the change follows it.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

func TestRoomChangesVisibleAtOnce(t *testing.T) {
	sockets := make(chan *tornadio.Socket, 1)
	blocked := make(chan struct{})
	release := make(chan struct{})
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			// Holds the socket's loop (handlers run on it) until released.
			s.On("block", func() {
				close(blocked)
				<-release
			})
			sockets <- s
		})
	})
	ns := srv.Of("/")
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	_, id := w.connectSIO()
	var s *tornadio.Socket
	select {
	case s = <-sockets:
	case <-time.After(tcIOTimeout):
		t.Fatal("OnConnection did not run")
	}
	s.Join("x", "z")

	w.writeText(`42["block"]`)
	select {
	case <-blocked:
	case <-time.After(tcIOTimeout):
		t.Fatal("the block handler did not run")
	}
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()

	// The loop is busy: whatever these change, they change now.
	ns.In("x").SocketsLeave("x")
	ns.In(id).SocketsJoin("y")
	s.Leave("z")
	rooms, want := s.Rooms(), []string{id, "y"}
	sort.Strings(rooms)
	sort.Strings(want)
	if got, want := fmt.Sprint(rooms), fmt.Sprint(want); got != want {
		t.Errorf("Rooms = %v, want %v", got, want)
	}
	if got := fetched(ns.In("x").FetchSockets(context.Background())); len(got) != 0 {
		t.Errorf("FetchSockets(in x) found %d sockets after SocketsLeave", len(got))
	}
	if got := fetched(ns.In("y").FetchSockets(context.Background())); len(got) != 1 || got[0].ID != id {
		t.Errorf("FetchSockets(in y) = %v, want the socket", got)
	}

	// Broadcasts issued after the changes run after them on the loop.
	for _, r := range []string{"x", "z", "y"} {
		if err := ns.To(r).Emit("to-" + r); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	released = true
	if got, want := w.mustReadPacket(), `42["to-y"]`; got != want {
		t.Errorf("first packet after the changes: %q, want %q", got, want)
	}
}

// TestRoomChangesConcurrent: goroutines join and leave rooms at once, with
// Socket.Join and Leave and with SocketsJoin and SocketsLeave; afterwards
// every socket receives the broadcasts of exactly the rooms its Rooms lists
// (the loops' indexes agree with the room sets).
func TestRoomChangesConcurrent(t *testing.T) {
	const clients, goroutines, ops = 8, 4, 300
	rooms := []string{"r0", "r1", "r2", "r3"}
	sockets := make(chan *tornadio.Socket, clients)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) { sockets <- s })
	})
	ns := srv.Of("/")
	ws := make(map[string]*tcWS)
	var socks []*tornadio.Socket
	for range clients {
		w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
		_, id := w.connectSIO()
		ws[id] = w
		select {
		case s := <-sockets:
			socks = append(socks, s)
		case <-time.After(tcIOTimeout):
			t.Fatal("OnConnection did not run")
		}
	}

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(g), 1))
			for range ops {
				s := socks[rnd.IntN(len(socks))]
				r := rooms[rnd.IntN(len(rooms))]
				switch rnd.IntN(4) {
				case 0:
					s.Join(r)
				case 1:
					s.Leave(r)
				case 2:
					ns.In(rooms[rnd.IntN(len(rooms))], s.ID()).SocketsJoin(r)
				case 3:
					ns.In(rooms[rnd.IntN(len(rooms))]).Except(s.ID()).SocketsLeave(r)
				}
			}
		}()
	}
	wg.Wait()

	for _, r := range rooms {
		if err := ns.To(r).Emit("in", r); err != nil {
			t.Fatal(err)
		}
	}
	if err := ns.Emit("end"); err != nil {
		t.Fatal(err)
	}
	for _, s := range socks {
		var want []string
		for _, r := range s.Rooms() {
			if r != s.ID() {
				want = append(want, r)
			}
		}
		sort.Strings(want)
		var got []string
		w := ws[s.ID()]
		for {
			p := w.mustReadPacket()
			if p == `42["end"]` {
				break
			}
			var r string
			if _, err := fmt.Sscanf(p, `42["in","%2s"]`, &r); err != nil {
				t.Fatalf("unexpected packet %q", p)
			}
			got = append(got, r)
		}
		sort.Strings(got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("socket %s: Rooms lists %v, broadcasts reached it for %v", s.ID(), want, got)
		}
	}
}
