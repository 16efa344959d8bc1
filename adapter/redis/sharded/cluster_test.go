package sharded_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// cluster is two tornadio nodes with the sharded adapter and three
// clients: c1 on n1 in r1; c2 on n2 in r1 and r2; c3 on n2 in no room.
type cluster struct {
	rs         *redistest.Server
	n1, n2     *goNode
	c1, c2, c3 *wsClient
	dynamic    bool // room channels in use
}

func startCluster(t *testing.T, opts ...sharded.Option) *cluster {
	rs := redistest.Start(t)
	c := &cluster{rs: rs, n1: startNode(t, rs, "n1", opts...), n2: startNode(t, rs, "n2", opts...)}
	until(t, "both nodes counting two servers", func() bool { return c.n1.serverCount() == 2 && c.n2.serverCount() == 2 })
	c.c1 = dial(t, c.n1.addr(), map[string]any{"name": "c1", "rooms": []string{"r1"}})
	c.c2 = dial(t, c.n2.addr(), map[string]any{"name": "c2", "rooms": []string{"r1", "r2"}})
	c.c3 = dial(t, c.n2.addr(), map[string]any{"name": "c3"})
	return c
}

// expect checks what each client received before the sentinel sent from
// node n after an operation.
func (c *cluster) expect(t *testing.T, n *goNode, c1, c2, c3 []string) {
	t.Helper()
	s := n.sync(t)
	c.c1.expect(s, c1...)
	c.c2.expect(s, c2...)
	c.c3.expect(s, c3...)
}

func list(s ...string) []string { return s }

func TestTwoNodesStatic(t *testing.T) {
	testTwoNodes(t, startCluster(t, sharded.WithSubscriptionMode(sharded.Static)))
}

func TestTwoNodesDynamic(t *testing.T) {
	c := startCluster(t)
	c.dynamic = true
	client := c.rs.Client(t)
	until(t, "room channels subscribed", func() bool {
		return subscribers(t, client, "socket.io#/#r1#") == 2 && subscribers(t, client, "socket.io#/#r2#") == 1
	})
	testTwoNodes(t, c)
	// The room's channel goes when its last member leaves.
	c.n1.ns.In("r2").SocketsLeave("r2")
	until(t, "r2's channel unsubscribed", func() bool { return subscribers(t, client, "socket.io#/#r2#") == 0 })
}

func testTwoNodes(t *testing.T, c *cluster) {
	ctx := context.Background()
	n1, n2 := c.n1, c.n2

	// Broadcasts: to everyone, to a room, with except, to a socket id,
	// binary, volatile, local.
	n1.ns.Emit("all", 1)
	c.expect(t, n1, list(`["all",1]`), list(`["all",1]`), list(`["all",1]`))
	n2.ns.To("r1").Emit("room", "x")
	c.expect(t, n2, list(`["room","x"]`), list(`["room","x"]`), nil)
	n1.ns.To("r1").Except("r2").Emit("except")
	c.expect(t, n1, list(`["except"]`), nil, nil)
	n1.ns.To(c.c3.SID).Emit("direct")
	c.expect(t, n1, nil, nil, list(`["direct"]`))
	n1.ns.Emit("bin", []byte{1, 2, 3})
	bin := `["bin",{"_placeholder":true,"num":0}]+010203`
	c.expect(t, n1, list(bin), list(bin), list(bin))
	n2.ns.Volatile().Emit("vol")
	c.expect(t, n2, list(`["vol"]`), list(`["vol"]`), list(`["vol"]`))
	n1.ns.Local().Emit("local")
	c.expect(t, n1, list(`["local"]`), nil, nil)

	// Broadcast with acknowledgements: every client of both nodes answers.
	type acked struct {
		err     error
		replies []string
	}
	done := make(chan acked, 1)
	n1.ns.Timeout(5*time.Second).Emit("ask", func(err error, replies []string) { done <- acked{err, replies} })
	select {
	case r := <-done:
		if r.err != nil || strings.Join(r.replies, ",") != "ok,ok,ok" {
			t.Fatalf("ack: %v %q", r.err, r.replies)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("broadcast with ack never completed")
	}
	c.expect(t, n1, list(`["ask"]`), list(`["ask"]`), list(`["ask"]`))

	// Room changes from the other node, seen by fetchSockets and by
	// broadcasts.
	n1.ns.In(c.c3.SID).SocketsJoin("r3")
	c.expect(t, n1, nil, nil, nil)
	rooms := func(id string) string {
		sockets, err := n1.ns.FetchSockets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sockets {
			if s.ID == id {
				r := append([]string(nil), s.Rooms...)
				sort.Strings(r)
				return strings.Join(r, ",")
			}
		}
		return "<none>"
	}
	if got := rooms(c.c3.SID); got != "r3,"+c.c3.SID && got != c.c3.SID+",r3" {
		t.Fatalf("c3's rooms after SocketsJoin: %s", got)
	}
	waitRoomChannel(t, c, "r3", 1)
	n1.ns.To("r3").Emit("r3")
	c.expect(t, n1, nil, nil, list(`["r3"]`))
	n1.ns.In("r3").SocketsLeave("r3")
	c.expect(t, n1, nil, nil, nil)
	if got := rooms(c.c3.SID); got != c.c3.SID {
		t.Fatalf("c3's rooms after SocketsLeave: %s", got)
	}

	// fetchSockets: every socket of both nodes, with handshake and data.
	sockets, err := n1.ns.FetchSockets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*tornadio.RemoteSocket{}
	for _, s := range sockets {
		var data struct{ Name, Node string }
		if err := s.DecodeData(&data); err != nil {
			t.Fatal(err)
		}
		byName[data.Name+"@"+data.Node] = s
	}
	if len(sockets) != 3 || byName["c1@n1"] == nil || byName["c2@n2"] == nil || byName["c3@n2"] == nil {
		t.Fatalf("fetched %d sockets: %v", len(sockets), byName)
	}
	if r := byName["c2@n2"]; r.Local() || r.Handshake == nil || r.Handshake.Query["EIO"] != "4" || r.Handshake.Address == "" {
		t.Fatalf("c2 as fetched: %+v", r.Handshake)
	}

	// Server-side emits, with and without answers.
	answers := make(chan []string, 1)
	n1.ns.ServerSideEmit("ping", map[string]int{"x": 1}, func(err error, replies []string) {
		if err != nil {
			t.Error(err)
		}
		answers <- replies
	})
	select {
	case r := <-answers:
		if strings.Join(r, ",") != "n2" {
			t.Fatalf("server-side answers %q", r)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server-side emit never answered")
	}
	n1.ns.ServerSideEmit("relay", "x")
	until(t, "the relay on n2", func() bool { return n2.relays.Load() == 1 })
	if n1.relays.Load() != 0 {
		t.Fatal("the sender's own listener ran")
	}

	if n, err := n2.ns.Adapter().AllRooms(ctx); err != nil || !contains(n, "r2") || contains(n, "r3") {
		t.Fatalf("n2's rooms %v %v", n, err)
	}

	// Disconnection from the other node.
	n1.ns.In(c.c3.SID).DisconnectSockets(false)
	if e := c.c3.next(); e != "disconnect" {
		t.Fatalf("c3 got %q", e)
	}
	c.expect2(t, n1)
}

// expect2 is expect for c1 and c2 only (c3 has gone).
func (c *cluster) expect2(t *testing.T, n *goNode) {
	t.Helper()
	s := n.sync(t)
	c.c1.expect(s)
	c.c2.expect(s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// waitRoomChannel waits, in the dynamic modes, for n nodes on room's channel.
func waitRoomChannel(t *testing.T, c *cluster, room string, n int) {
	t.Helper()
	if !c.dynamic {
		return
	}
	client := c.rs.Client(t)
	until(t, room+"'s channel", func() bool { return subscribers(t, client, "socket.io#/#"+room+"#") >= n })
}

func TestFetchSocketsTimesOutOnADeadNode(t *testing.T) {
	rs := redistest.Start(t)
	n1 := startNode(t, rs, "n1", sharded.WithSubscriptionMode(sharded.Static), sharded.WithRequestsTimeout(300*time.Millisecond))
	// A subscriber that never answers counts as a node.
	client := rs.Client(t)
	ghost := client.SSubscribe(context.Background(), "socket.io#/#")
	defer ghost.Close()
	until(t, "the ghost counted", func() bool { return n1.serverCount() == 2 })
	_, err := n1.ns.FetchSockets(context.Background())
	if !errors.Is(err, tornadio.ErrAckTimeout) && (err == nil || !strings.Contains(err.Error(), "timeout reached: only 0 responses received out of 1")) {
		t.Fatalf("err %v", err)
	}
}
