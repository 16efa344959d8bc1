package sharded_test

import (
	"testing"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// TestDynamicRoomChannels: in the dynamic mode a public room with a member
// gets a channel (through Local.WatchRooms), a socket id does not, a room
// gone loses its channel, and a report that no longer holds changes
// nothing.
func TestDynamicRoomChannels(t *testing.T) {
	rs := redistest.Start(t)
	n1, n2 := startNode(t, rs, "n1"), startNode(t, rs, "n2")
	until(t, "two servers", func() bool { return n1.serverCount() == 2 && n2.serverCount() == 2 })
	c1 := dial(t, n1.addr(), map[string]any{"name": "c1", "rooms": []string{"r1"}})
	c2 := dial(t, n2.addr(), map[string]any{"name": "c2"})
	a1 := n1.ns.Adapter().(*sharded.Adapter)
	client := rs.Client(t)
	a1.RoomChanged(c1.SID, true) // a socket id gets no channel, even when reported
	until(t, "r1's channel", func() bool { return subscribers(t, client, "socket.io#/#r1#") == 1 })
	if n := subscribers(t, client, "socket.io#/#"+c1.SID+"#"); n != 0 {
		t.Fatalf("%d subscribers on a socket id's channel", n)
	}

	// A broadcast to r1 takes r1's channel, and reaches c1 only.
	mon := rs.Monitor(t)
	n2.ns.To("r1").Emit("hello")
	s := n2.sync(t)
	c1.expect(s, `["hello"]`)
	c2.expect(s)
	mon.Sync(t)
	if n := redistest.Count(mon.Commands(), "SPUBLISH", "hello"); n != 1 {
		t.Fatalf("%d SPUBLISH for one broadcast", n)
	}
	for _, c := range mon.Commands() {
		if c.Name() == "SPUBLISH" && redistest.Count([]redistest.Command{c}, "SPUBLISH", "hello") == 1 && c.Args[1] != "socket.io#/#r1#" {
			t.Fatalf("broadcast to r1 published on %q", c.Args[1])
		}
	}

	// r1 empties: its channel goes; a stale "exists" report keeps it gone.
	n2.ns.In("r1").SocketsLeave("r1")
	s = n2.sync(t)
	c1.expect(s)
	until(t, "r1's channel gone", func() bool { return subscribers(t, client, "socket.io#/#r1#") == 0 })
	a1.RoomChanged("r1", true)             // stale
	n1.ns.Local().SocketsJoin("r-barrier") // reported after the stale one
	until(t, "the barrier room's channel", func() bool { return subscribers(t, client, "socket.io#/#r-barrier#") == 1 })
	if n := subscribers(t, client, "socket.io#/#r1#"); n != 0 {
		t.Fatalf("stale report subscribed r1 (%d)", n)
	}
}

// TestDynamicPrivateSubscribesSocketIDs: in dynamic-private mode a socket's
// own room has a channel too (Local.WatchMembers reports it), a broadcast
// to it uses that channel, and the channel goes when the socket does.
func TestDynamicPrivateSubscribesSocketIDs(t *testing.T) {
	rs := redistest.Start(t)
	n1, n2 := startNode(t, rs, "n1", sharded.WithSubscriptionMode(sharded.DynamicPrivate)), startNode(t, rs, "n2", sharded.WithSubscriptionMode(sharded.DynamicPrivate))
	until(t, "two servers", func() bool { return n1.serverCount() == 2 && n2.serverCount() == 2 })
	c1 := dial(t, n1.addr(), map[string]any{"name": "c1"})
	client := rs.Client(t)
	until(t, "c1's channel", func() bool { return subscribers(t, client, "socket.io#/#"+c1.SID+"#") == 1 })
	n2.ns.To(c1.SID).Emit("direct")
	c1.expect(n2.sync(t), `["direct"]`)
	n1.ns.In(c1.SID).DisconnectSockets(true)
	until(t, "c1's channel gone", func() bool { return subscribers(t, client, "socket.io#/#"+c1.SID+"#") == 0 })
}
