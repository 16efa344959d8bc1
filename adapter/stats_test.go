package adapter_test

import (
	"testing"

	"github.com/tornadio/tornadio/adapter"
)

// Local.Counts follows the members and the broadcasts: members attached
// and detached, each broadcast once, each member it reached once, each
// volatile packet a busy member missed.
func TestLocalCounts(t *testing.T) {
	r := newRig(t, 2)
	busy, idle := r.connect(0, "busy"), r.connect(0, "idle")
	r.connect(1, "other")
	r.run()
	if c := r.local.Counts(); c != (adapter.Counts{Attached: 3}) {
		t.Fatalf("three members: %+v", c)
	}
	r.emit("all", adapter.Options{})
	r.emit("room", adapter.Options{Rooms: []string{"other"}})
	r.run()
	if c := r.local.Counts(); c.Broadcasts != 2 || c.Deliveries != 4 || c.Dropped != 0 {
		t.Fatalf("after a broadcast to all and one to a member: %+v", c)
	}
	busy.conn.Stall()
	r.emit("plain", adapter.Options{}) // waits in busy's connection
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: "vol"}, &adapter.Options{Flags: adapter.Flags{Volatile: true}})
	r.run()
	if c := r.local.Counts(); c.Broadcasts != 4 || c.Deliveries != 9 || c.Dropped != 1 {
		t.Fatalf("after a volatile broadcast with one member busy: %+v", c)
	}
	r.detach(idle)
	r.detach(idle) // a second time: nothing to take out
	r.run()
	if c := r.local.Counts(); c.Attached != 3 || c.Detached != 1 {
		t.Fatalf("after a detach: %+v", c)
	}
}
