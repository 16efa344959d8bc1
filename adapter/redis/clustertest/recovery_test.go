package clustertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// TestStreamsRecovery: under the streams adapter a client that loses its
// connection recovers its session on another node — same socket id, its
// rooms, and the broadcast it missed meanwhile, exactly once.
func TestStreamsRecovery(t *testing.T) {
	c := newCluster(t, "streams")
	for _, mv := range []struct{ from, to, sender int }{{0, 1, 2}, {2, 0, 1}, {1, 2, 0}} {
		name := fmt.Sprintf("%s-to-%s", c.nodes[mv.from].Name(), c.nodes[mv.to].Name())
		t.Run(name, func(t *testing.T) { checkRecovery(t, c, mv.from, mv.to, mv.sender) })
	}
}

// checkRecovery moves a new client from node from to node to through a
// dropped connection, while node sender broadcasts to its room.
func checkRecovery(t *testing.T, c *cluster, from, to, sender int) {
	room := c.token("moving")
	spec := clientSpec{Name: c.token("mover"), Node: from, Nsp: "/", Transport: "websocket", Rooms: []string{room}}
	sid := c.clients.open(t, spec, c.nodes[from].URL())
	mover := &member{clientSpec: spec, Sid: sid}
	defer c.clients.close(t, spec.Name)

	// A first broadcast gives the client an offset to recover from.
	prime := c.token("prime")
	do(t, c.nodes[sender], Op{Op: "emit", Nsp: "/", Event: prime, Rooms: []string{room}})
	if !c.waitReceivedBy([]*member{mover}, prime, eventTimeout) {
		t.Fatalf("%s did not get %s", spec.Name, prime)
	}

	var state struct{ Pid, Offset string }
	doInto(t, c.clients, Op{Op: "drop", Client: spec.Name}, &state)
	if state.Pid == "" || state.Offset == "" {
		t.Fatalf("no session to recover: pid %q offset %q", state.Pid, state.Offset)
	}
	// The old node stores the session in Redis when it sees the connection
	// go; the missed broadcast must be in the stream before the client
	// comes back. Both are waited for in Redis's own command log.
	c.monitor.WaitFor(t, eventTimeout, func(cmds []redistest.Command) bool {
		return redistest.Count(cmds, "SET", "sio:session:"+state.Pid) > 0
	})
	missed := c.token("missed")
	do(t, c.nodes[sender], Op{Op: "emit", Nsp: "/", Event: missed, Args: []any{missed}, Rooms: []string{room}})
	c.monitor.WaitFor(t, eventTimeout, func(cmds []redistest.Command) bool {
		return redistest.Count(cmds, "XADD", missed) > 0
	})

	var back struct {
		Sid       string
		Recovered bool
	}
	doInto(t, c.clients, Op{Op: "reopen", Client: spec.Name, URL: c.nodes[to].URL(), Pid: state.Pid, Offset: state.Offset}, &back)
	if !back.Recovered || back.Sid != sid {
		t.Fatalf("reconnect to %s: recovered %v with sid %q; want recovered with %q", c.nodes[to].Name(), back.Recovered, back.Sid, sid)
	}
	mover.Node = to

	// The missed broadcast is replayed, then live ones reach the room on the
	// new node; the live one is the barrier for counting the replay.
	after := c.token("after")
	do(t, c.nodes[sender], Op{Op: "emit", Nsp: "/", Event: after, Rooms: []string{room}})
	if !c.waitReceivedBy([]*member{mover}, after, eventTimeout) || !c.waitReceivedBy([]*member{mover}, missed, time.Second) {
		t.Fatalf("after recovery on %s: got %s, %s: %s, %s", c.nodes[to].Name(), missed, after,
			quote(c.clients.received(missed)), quote(c.clients.received(after)))
	}
	for _, ev := range []string{missed, after} {
		if got := c.clients.received(ev); len(got) != 1 || len(got[spec.Name]) != 1 {
			t.Errorf("%s delivered %s, want once to %s", ev, quote(got), spec.Name)
		}
	}
	var sockets []socketDesc
	doInto(t, c.nodes[sender], Op{Op: "fetchSockets", Nsp: "/", Rooms: []string{room}}, &sockets)
	if len(sockets) != 1 || sockets[0].ID != sid {
		t.Errorf("fetchSockets in %s after recovery: %s, want the one socket %s", room, quote(sockets), sid)
	}
}
