package adapter_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/transports"
)

// fourMembers: a and b on loop 0, c and d on loop 1; a in x, c in x and y,
// d in y.
func fourMembers(t *testing.T) (*rig, map[string]*fakeMember) {
	r := newRig(t, 2)
	ms := map[string]*fakeMember{
		"a": r.connect(0, "a"), "b": r.connect(0, "b"),
		"c": r.connect(1, "c"), "d": r.connect(1, "d"),
	}
	r.local.Join(&ms["a"].ms, "x")
	r.local.Join(&ms["c"].ms, "x", "y")
	r.local.Join(&ms["d"].ms, "y")
	r.run()
	return r, ms
}

func ids(infos []adapter.SocketInfo) []string {
	var out []string
	for _, in := range infos {
		out = append(out, in.ID)
	}
	sort.Strings(out)
	return out
}

// TestSelection: rooms, except and own rooms select the same members for a
// broadcast (on the loops' indexes) and for FetchSockets (from the calling
// goroutine), each member at most once.
func TestSelection(t *testing.T) {
	cases := []struct {
		name          string
		rooms, except []string
		want          []string
	}{
		{"everyone", nil, nil, []string{"a", "b", "c", "d"}},
		{"one room", []string{"x"}, nil, []string{"a", "c"}},
		{"two rooms, c in both", []string{"x", "y"}, nil, []string{"a", "c", "d"}},
		{"room except room", []string{"x"}, []string{"y"}, []string{"a"}},
		{"everyone except room", nil, []string{"x"}, []string{"b", "d"}},
		{"own room", []string{"b"}, nil, []string{"b"}},
		{"room and a member's own room", []string{"x", "a"}, nil, []string{"a", "c"}},
		{"everyone except one", nil, []string{"a"}, []string{"b", "c", "d"}},
		{"own room excluded", []string{"y"}, []string{"d"}, []string{"c"}},
		{"unknown room", []string{"nowhere"}, nil, nil},
	}
	r, ms := fourMembers(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := adapter.Options{Rooms: tc.rooms, Except: tc.except}
			if got := ids(r.local.FetchSockets(&opts)); !slices.Equal(got, tc.want) {
				t.Errorf("FetchSockets = %v, want %v", got, tc.want)
			}
			r.emit(tc.name, opts)
			r.run()
			var got []string
			for id, m := range ms {
				switch p := m.received(t); {
				case len(p) == 1 && p[0] == event(tc.name):
					got = append(got, id)
				case len(p) > 0:
					t.Errorf("%s received %q", id, p)
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("broadcast reached %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRoomChangesVisibleAtReturn: Join, Leave, AddSockets and DelSockets
// change Rooms and FetchSockets before they return, while the loops have
// run nothing; broadcasts issued after the changes, run later, follow
// them.
func TestRoomChangesVisibleAtReturn(t *testing.T) {
	r := newRig(t, 2)
	a, b := r.connect(0, "a"), r.connect(1, "b")

	r.local.Join(&a.ms, "x", "z")
	r.local.AddSockets(&adapter.Options{Rooms: []string{"x"}}, []string{"y"})
	r.local.AddSockets(&adapter.Options{Rooms: []string{"b"}}, []string{"y"})
	r.local.DelSockets(&adapter.Options{Rooms: []string{"x"}}, []string{"x"})
	r.emit("x2", adapter.Options{Rooms: []string{"x"}})
	r.local.Leave(&a.ms, "z")
	r.emit("y", adapter.Options{Rooms: []string{"y"}})
	r.emit("z", adapter.Options{Rooms: []string{"z"}})

	// Nothing has run on the loops yet.
	rooms := a.ms.Rooms()
	sort.Strings(rooms)
	if want := []string{"a", "y"}; !slices.Equal(rooms, want) {
		t.Errorf("a's Rooms = %v, want %v", rooms, want)
	}
	if got := ids(r.local.FetchSockets(&adapter.Options{Rooms: []string{"y"}})); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("FetchSockets(y) = %v, want [a b]", got)
	}
	if got := r.local.FetchSockets(&adapter.Options{Rooms: []string{"x"}}); len(got) != 0 {
		t.Errorf("FetchSockets(x) = %v after DelSockets, want none", ids(got))
	}

	r.run()
	if got, want := a.received(t), []string{event("y")}; !slices.Equal(got, want) {
		t.Errorf("a received %q, want %q", got, want)
	}
	if got, want := b.received(t), []string{event("y")}; !slices.Equal(got, want) {
		t.Errorf("b received %q, want %q", got, want)
	}
}

// TestDetachedAndClosed: a detached member receives nothing, is found by
// nothing, and keeps its room set until Close; a join made after Close
// changes nothing, and a sync reaching the loop after the detach does not
// put it back in a room.
func TestDetachedAndClosed(t *testing.T) {
	r := newRig(t, 1)
	a, b := r.connect(0, "a"), r.connect(0, "b")
	r.local.Join(&a.ms, "x")
	r.local.Join(&b.ms, "x")
	r.run()

	r.local.Join(&a.ms, "late") // its sync runs after the detach below
	r.detach(a)
	if r.local.Member("a") != nil {
		t.Error("Member finds a detached member")
	}
	if got := ids(r.local.FetchSockets(&adapter.Options{Rooms: []string{"x"}})); !slices.Equal(got, []string{"b"}) {
		t.Errorf("FetchSockets(x) = %v, want [b]", got)
	}
	r.emit("all", adapter.Options{})
	r.emit("late", adapter.Options{Rooms: []string{"late"}})
	r.run()
	if got := a.received(t); len(got) != 0 {
		t.Errorf("detached member received %q", got)
	}
	if got, want := b.received(t), []string{event("all")}; !slices.Equal(got, want) {
		t.Errorf("b received %q, want %q", got, want)
	}
	if got := len(a.ms.Rooms()); got != 3 {
		t.Errorf("a's Rooms lists %d rooms before Close, want 3", got)
	}
	a.ms.Close()
	r.local.Join(&a.ms, "after")
	if got := a.ms.Rooms(); len(got) != 0 {
		t.Errorf("Rooms after Close = %v, want none", got)
	}
}

// TestRemovalDuringFanOut: a delivery that ends members (as a slow
// consumer's closing session does, synchronously) leaves the walk correct:
// every other selected member gets the packet exactly once.
func TestRemovalDuringFanOut(t *testing.T) {
	for _, opts := range []adapter.Options{
		{},
		{Except: []string{"m0"}},
		{Rooms: []string{"x"}},
		{Rooms: []string{"x", "y"}},
	} {
		t.Run(fmt.Sprint(opts.Rooms, opts.Except), func(t *testing.T) {
			r := newRig(t, 1)
			var members []*fakeMember
			for i := range 8 {
				m := r.connect(0, fmt.Sprint("m", i))
				r.local.Join(&m.ms, "x", "y")
				members = append(members, m)
			}
			r.run()
			// When it is delivered to, m7 (the last slot, the first a walk
			// from the end meets) ends itself and m1; m3 ends itself and m6.
			gone := map[*fakeMember]bool{}
			for _, pair := range [][2]int{{7, 1}, {3, 6}} {
				self, other := members[pair[0]], members[pair[1]]
				gone[self], gone[other] = true, true
				r.local.WatchOutgoing(&self.ms)
				self.onOutgoing = func() {
					r.local.Detach(&self.ms)
					r.local.Detach(&other.ms)
				}
			}
			r.run()
			r.emit("e", opts)
			r.run()
			for i, m := range members {
				got := m.received(t)
				switch {
				case i == 0 && len(opts.Except) > 0:
					if len(got) != 0 {
						t.Errorf("excluded m0 received %q", got)
					}
				case gone[m]:
					if len(got) > 1 {
						t.Errorf("m%d received %q", i, got)
					}
				case len(got) != 1 || got[0] != event("e"):
					t.Errorf("m%d received %q, want one %q", i, got, event("e"))
				}
			}
			if got := len(r.local.FetchSockets(&adapter.Options{})); got != 4 {
				t.Errorf("%d members left, want 4", got)
			}
		})
	}
}

// TestSlowConsumerDuringAckBroadcast: a session that ends while a
// broadcast with ack is written to it (a slow consumer) takes its member
// out of the loop's slots at once; the member is still the one asked for
// the ack, and every other member is asked once.
func TestSlowConsumerDuringAckBroadcast(t *testing.T) {
	r := newRigConfig(t, 1, transports.Config{MaxBuffered: 1000})
	a, b, c := r.connect(0, "a"), r.connect(0, "b"), r.connect(0, "c")
	r.h.App.OnClose = func(s *transports.Session, _ string) {
		for _, m := range []*fakeMember{a, b, c} {
			if m.target.Session == s {
				r.local.Detach(&m.ms)
			}
		}
	}
	a.conn.Stall()
	r.emit("small", adapter.Options{})
	r.run()
	big := [][]byte{[]byte(`"` + strings.Repeat("x", 2000) + `"`)}
	clients := -1
	r.local.BroadcastWithAck(&adapter.Packet{Nsp: "/", Event: "big", Args: big}, &adapter.Options{}, adapter.BroadcastAcks{Clients: func(n int) { clients = n }, Ack: func(_, _ [][]byte) {}})
	r.run()
	if r.local.Member("a") != nil {
		t.Fatal("the slow consumer is still attached")
	}
	if clients != 3 || len(a.acks) != 1 || len(b.acks) != 1 || len(c.acks) != 1 {
		t.Errorf("clients %d; AwaitAck calls: a %d, b %d, c %d; want 3 and one each", clients, len(a.acks), len(b.acks), len(c.acks))
	}
}

// TestVolatileSkipsBusySessions: a volatile broadcast is dropped for a
// session whose connection has bytes waiting, and written to the others; a
// plain one reaches all.
func TestVolatileSkipsBusySessions(t *testing.T) {
	r := newRig(t, 1)
	busy, idle := r.connect(0, "busy"), r.connect(0, "idle")
	busy.conn.Stall()
	r.emit("plain1", adapter.Options{})
	r.run()
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: "vol"}, &adapter.Options{Flags: adapter.Flags{Volatile: true}})
	r.emit("plain2", adapter.Options{})
	r.run()
	if got, want := busy.received(t), []string{event("plain1"), event("plain2")}; !slices.Equal(got, want) {
		t.Errorf("busy session received %q, want %q", got, want)
	}
	if got, want := idle.received(t), []string{event("plain1"), event("vol"), event("plain2")}; !slices.Equal(got, want) {
		t.Errorf("idle session received %q, want %q", got, want)
	}
}

// TestHooksAndAcks: Outgoing runs for a member that asked, before the
// write; AwaitAck runs for each recipient of a broadcast with ack, whose
// count covers every loop (a loop that serves nothing counts none).
func TestHooksAndAcks(t *testing.T) {
	r := newRig(t, 3)
	a, b, c := r.connect(0, "a"), r.connect(1, "b"), r.connect(2, "c")
	r.local.WatchOutgoing(&b.ms)
	r.run()
	b.onOutgoing = func() {
		if got := b.received(t); len(got) != 0 {
			t.Errorf("Outgoing ran after the write: %q", got)
		}
	}
	r.emit("e", adapter.Options{})
	r.run()
	if !slices.Equal(a.outgoing, nil) || !slices.Equal(b.outgoing, []string{"e"}) {
		t.Errorf("Outgoing saw %q for a, %q for b; want nothing, [e]", a.outgoing, b.outgoing)
	}
	b.onOutgoing = nil
	a.received(t)
	b.received(t)
	c.received(t)

	r.down[2] = true
	clients := -1
	r.local.BroadcastWithAck(&adapter.Packet{Nsp: "/", Event: "ask"}, &adapter.Options{}, adapter.BroadcastAcks{Clients: func(n int) { clients = n }, Ack: func(_, _ [][]byte) {}})
	r.run()
	if clients != 2 {
		t.Errorf("clients = %d, want 2", clients)
	}
	if len(a.acks) != 1 || len(b.acks) != 1 || a.acks[0] != b.acks[0] || len(c.acks) != 0 {
		t.Errorf("AwaitAck ids: a %v, b %v, c %v", a.acks, b.acks, c.acks)
	}
	want := fmt.Sprintf(`2%d["ask"]`, a.acks[0])
	if got := a.received(t); len(got) != 1 || got[0] != want {
		t.Errorf("a received %q, want %q", got, want)
	}
}

// TestDisconnectSockets calls Disconnect on the selected members, on
// their loops.
func TestDisconnectSockets(t *testing.T) {
	r, ms := fourMembers(t)
	r.local.DisconnectSockets(&adapter.Options{Rooms: []string{"x"}, Except: []string{"c"}}, true)
	r.run()
	for id, m := range ms {
		want := []bool(nil)
		if id == "a" {
			want = []bool{true}
		}
		if !slices.Equal(m.disconnects, want) {
			t.Errorf("%s: Disconnect calls %v, want %v", id, m.disconnects, want)
		}
	}
}

// TestLegacyMembers: a 0.6 member gets a one-argument "message" broadcast
// in 0.6 framing and nothing else; it is not asked for acknowledgements.
func TestLegacyMembers(t *testing.T) {
	r := newRig(t, 1)
	modern := r.connect(0, "modern")
	old := r.connectLegacy(0, "old")
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: "message", Args: [][]byte{[]byte(`"hi"`)}}, &adapter.Options{})
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: "message", Args: [][]byte{[]byte(`{"n":1}`)}}, &adapter.Options{})
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: "other", Args: [][]byte{[]byte(`1`)}}, &adapter.Options{})
	clients := -1
	r.local.BroadcastWithAck(&adapter.Packet{Nsp: "/", Event: "message", Args: [][]byte{[]byte(`"q"`)}}, &adapter.Options{}, adapter.BroadcastAcks{Clients: func(n int) { clients = n }, Ack: func(_, _ [][]byte) {}})
	r.run()
	if want := []string{"~m~2~m~hi", `~m~10~m~~j~{"n":1}`}; !slices.Equal(old.frames, want) {
		t.Errorf("0.6 member received %q, want %q", old.frames, want)
	}
	if clients != 1 || len(old.acks) != 0 {
		t.Errorf("ack broadcast: %d clients, 0.6 member asked %d times; want 1 and 0", clients, len(old.acks))
	}
	if got := len(modern.received(t)); got != 4 {
		t.Errorf("modern member received %d packets, want 4", got)
	}
	r.h.On(0, func() { r.local.Detach(&old.ms) })
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: "message", Args: [][]byte{[]byte(`"x"`)}}, &adapter.Options{})
	r.run()
	if len(old.frames) != 2 {
		t.Errorf("detached 0.6 member received %q", old.frames[2:])
	}
}
