package adapter_test

import (
	"strings"
	"testing"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/transports"
)

// deliver broadcasts an event with args and returns what Delivered got,
// once every loop has run; it fails when Delivered is not called exactly
// once.
func (r *rig) deliver(event string, opts adapter.Options, args ...[]byte) adapter.Delivery {
	r.t.Helper()
	var got []adapter.Delivery
	opts.Delivered = func(d adapter.Delivery) { got = append(got, d) }
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: event, Args: args}, &opts)
	r.run()
	if len(got) != 1 {
		r.t.Fatalf("Delivered called %d times, want once", len(got))
	}
	return got[0]
}

// TestDeliveredCounts: Delivered gets, once every loop has written the
// broadcast, the members selected on every loop and what became of the
// packet for each.
func TestDeliveredCounts(t *testing.T) {
	r := newRig(t, 3)
	a, b, c := r.connect(0, "a"), r.connect(1, "b"), r.connect(2, "c")
	r.local.Join(&a.ms, "room")
	r.local.Join(&c.ms, "room")
	r.run()
	if got, want := r.deliver("all", adapter.Options{}), (adapter.Delivery{Sockets: 3, Sent: 3}); got != want {
		t.Fatalf("to everyone: %+v, want %+v", got, want)
	}
	if got, want := r.deliver("room", adapter.Options{Rooms: []string{"room"}, Except: []string{"c"}}), (adapter.Delivery{Sockets: 1, Sent: 1}); got != want {
		t.Fatalf("to a room but c: %+v, want %+v", got, want)
	}
	for _, m := range []*fakeMember{a, b, c} {
		m.received(t)
	}

	// Volatile: dropped for a client whose transport holds bytes.
	b.conn.Stall()
	r.emit("fill", adapter.Options{Rooms: []string{"b"}})
	r.run()
	if got, want := r.deliver("volatile", adapter.Options{Flags: adapter.Flags{Volatile: true}}), (adapter.Delivery{Sockets: 3, Sent: 2, Dropped: 1}); got != want {
		t.Fatalf("volatile: %+v, want %+v", got, want)
	}

	// A loop that serves nothing counts nothing, and Delivered still comes.
	r.down[2] = true
	if got, want := r.deliver("two loops", adapter.Options{Rooms: []string{"a", "c"}}), (adapter.Delivery{Sockets: 1, Sent: 1}); got != want {
		t.Fatalf("with loop 2 down: %+v, want %+v", got, want)
	}
}

// TestDeliveredCut: a broadcast that would pass a client's MaxBuffered
// counts it Cut once; the broadcasts after find it closed and count it
// neither sent nor cut.
func TestDeliveredCut(t *testing.T) {
	r := newRigConfig(t, 1, transports.Config{MaxBuffered: 10_000})
	slow, fast := r.connect(0, "slow"), r.connect(0, "fast")
	slow.conn.Stall()
	big := []byte(`"` + strings.Repeat("x", 3000) + `"`)
	var total adapter.Delivery
	for range 6 {
		total.Add(r.deliver("big", adapter.Options{}, big))
		fast.received(t)
	}
	if total.Cut != 1 || total.Sent != 6+3 || total.Dropped != 0 {
		t.Fatalf("six 3 KB broadcasts to a fast client and one that never reads (bound 10 KB): %+v, want 9 sent, 1 cut", total)
	}
}
