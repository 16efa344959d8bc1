package clustertest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"
)

// TestClusterContract runs every cross-node operation from every node of a
// cluster of each adapter kind and checks who gets what: each delivery
// exactly once to exactly the right clients.
func TestClusterContract(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			c := newCluster(t, kind)
			for from := range c.nodes {
				t.Run("from-"+c.nodes[from].Name(), func(t *testing.T) {
					for _, tc := range contractCases {
						if tc.needs != nil && !tc.needs(c.caps) {
							continue
						}
						t.Run(tc.name, func(t *testing.T) { tc.run(t, c, from) })
					}
				})
			}
		})
	}
}

// contractCase is one operation of the contract, issued from node from.
type contractCase struct {
	name  string
	needs func(Capabilities) bool // nil: every kind
	run   func(t *testing.T, c *cluster, from int)
}

var contractCases = []contractCase{
	{name: "server-count", run: caseServerCount},
	{name: "broadcast-all", run: caseBroadcast(nil, nil)},
	{name: "broadcast-room", run: caseBroadcast([]string{"r1"}, nil)},
	{name: "broadcast-except", run: caseBroadcast(nil, []string{"r1"})},
	{name: "broadcast-rooms-except", run: caseBroadcast([]string{"r1", "r2"}, []string{"r1"})},
	{name: "broadcast-socket-id", run: caseBroadcastSocketID},
	{name: "broadcast-volatile", run: caseBroadcastVolatile},
	{name: "broadcast-local", run: caseBroadcastLocal},
	{name: "broadcast-binary", run: caseBroadcastBinary},
	{name: "broadcast-ack", run: caseBroadcastAck},
	{name: "broadcast-ack-timeout", run: caseBroadcastAckTimeout},
	{name: "fetch-sockets", run: caseFetchSockets},
	{name: "all-rooms", needs: func(c Capabilities) bool { return c.AllRooms }, run: caseAllRooms},
	{name: "sockets-join-leave", run: caseSocketsJoinLeave},
	{name: "server-side-emit", run: caseServerSideEmit},
	{name: "server-side-emit-ack", run: caseServerSideEmitAck},
	{name: "disconnect-sockets", run: caseDisconnectSockets(false)},
	{name: "disconnect-sockets-close", run: caseDisconnectSockets(true)},
}

func caseServerCount(t *testing.T, c *cluster, from int) {
	for _, nsp := range namespaces {
		var n int
		doInto(t, c.nodes[from], Op{Op: "serverCount", Nsp: nsp}, &n)
		if n != len(c.nodes) {
			t.Errorf("serverCount in %s = %d, want %d", nsp, n, len(c.nodes))
		}
	}
}

func caseBroadcast(rooms, except []string) func(t *testing.T, c *cluster, from int) {
	return func(t *testing.T, c *cluster, from int) {
		for _, nsp := range namespaces {
			checkBroadcast(t, c, c.nodes[from], nsp, rooms, except)
		}
	}
}

// checkBroadcast broadcasts a new event from src in nsp to rooms except
// except and checks who gets it.
func checkBroadcast(t *testing.T, c *cluster, src issuer, nsp string, rooms, except []string) {
	t.Helper()
	ev := c.token("ev")
	args := []any{ev, map[string]any{"n": 1, "s": "héllo", "nul": nil}}
	do(t, src, Op{Op: "emit", Nsp: nsp, Event: ev, Args: args, Rooms: rooms, Except: except})
	c.expectDeliveries(t, src, ev, c.selectMembers(nsp, rooms, except, -1), delivery{Args: args})
}

// caseBroadcastSocketID targets one socket of the next node by its id.
func caseBroadcastSocketID(t *testing.T, c *cluster, from int) {
	for _, nsp := range namespaces {
		target := c.selectMembers(nsp, nil, nil, (from+1)%len(c.nodes))[0]
		ev := c.token("sid")
		do(t, c.nodes[from], Op{Op: "emit", Nsp: nsp, Event: ev, Rooms: []string{target.Sid}})
		c.expectDeliveries(t, c.nodes[from], ev, []*member{target}, delivery{})
	}
}

func caseBroadcastVolatile(t *testing.T, c *cluster, from int) {
	for _, nsp := range namespaces {
		ev := c.token("vol")
		do(t, c.nodes[from], Op{Op: "emit", Nsp: nsp, Event: ev, Volatile: true})
		c.expectDeliveries(t, c.nodes[from], ev, c.selectMembers(nsp, nil, nil, -1), delivery{Volatile: true})
	}
}

// caseBroadcastLocal: a Local broadcast stays on the issuing node.
func caseBroadcastLocal(t *testing.T, c *cluster, from int) {
	for _, nsp := range namespaces {
		ev := c.token("local")
		do(t, c.nodes[from], Op{Op: "emit", Nsp: nsp, Event: ev, Local: true})
		c.expectDeliveries(t, c.nodes[from], ev, c.selectMembers(nsp, nil, nil, from), delivery{Local: true})
		ev = c.token("local-room")
		do(t, c.nodes[from], Op{Op: "emit", Nsp: nsp, Event: ev, Local: true, Rooms: []string{"r2"}})
		c.expectDeliveries(t, c.nodes[from], ev, c.selectMembers(nsp, []string{"r2"}, nil, from), delivery{Local: true})
	}
}

// caseBroadcastBinary: binary arguments, top-level and nested, empty
// included, arrive as binary on every client.
func caseBroadcastBinary(t *testing.T, c *cluster, from int) {
	for _, nsp := range namespaces {
		ev := c.token("bin")
		args := []any{
			Bin([]byte{0, 1, 2, 0x7f, 0x80, 0xfd, 0xfe, 0xff}),
			map[string]any{"nested": map[string]any{"list": []any{Bin([]byte("abc")), "text", Bin([]byte{})}}, "tok": ev},
		}
		do(t, c.nodes[from], Op{Op: "emit", Nsp: nsp, Event: ev, Args: args})
		c.expectDeliveries(t, c.nodes[from], ev, c.selectMembers(nsp, nil, nil, -1), delivery{Args: args})
		ev = c.token("bin-room")
		do(t, c.nodes[from], Op{Op: "emit", Nsp: nsp, Event: ev, Args: args[:1], Rooms: []string{"r2"}})
		c.expectDeliveries(t, c.nodes[from], ev, c.selectMembers(nsp, []string{"r2"}, nil, -1), delivery{Args: args[:1]})
	}
}

// ackResult is a broadcast-with-ack's or server-side emit's outcome.
type ackResult struct {
	Err       *string           `json:"err"`
	Responses []json.RawMessage `json:"responses"`
}

// answers decodes responses that are strings (client or node names), sorted.
func (r ackResult) answers(t *testing.T) []string {
	t.Helper()
	out := make([]string, 0, len(r.Responses))
	for _, raw := range r.Responses {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("response %s is not a string", raw)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// caseBroadcastAck: every receiver's answer comes back, once each.
func caseBroadcastAck(t *testing.T, c *cluster, from int) {
	for _, nsp := range namespaces {
		ev := c.token("ask")
		except := []string{"mute"}
		want := c.selectMembers(nsp, nil, except, -1)
		var res ackResult
		doInto(t, c.nodes[from], Op{Op: "emit", Nsp: nsp, Event: ev, Args: []any{map[string]any{"q": ev}}, Except: except, Ack: true, Timeout: 10000}, &res)
		if res.Err != nil {
			t.Errorf("%s: ack error %q, want none (responses %s)", nsp, *res.Err, quote(res.Responses))
		}
		if got := res.answers(t); !slices.Equal(got, names(want)) {
			t.Errorf("%s: ack responses %s, want %s", nsp, quote(got), quote(names(want)))
		}
		c.expectDeliveries(t, c.nodes[from], ev, want, delivery{WithAck: true})

		ev = c.token("ask-room")
		want = c.selectMembers(nsp, []string{"r2"}, nil, -1)
		doInto(t, c.nodes[from], Op{Op: "emit", Nsp: nsp, Event: ev, Rooms: []string{"r2"}, Ack: true, Timeout: 10000}, &res)
		if got := res.answers(t); res.Err != nil || !slices.Equal(got, names(want)) {
			t.Errorf("%s to r2: ack err %v, responses %s, want none and %s", nsp, res.Err, quote(got), quote(names(want)))
		}
		c.expectDeliveries(t, c.nodes[from], ev, want, delivery{WithAck: true})
	}
}

// caseBroadcastAckTimeout: one receiver ("mute") never answers; the
// broadcast times out with every other answer.
func caseBroadcastAckTimeout(t *testing.T, c *cluster, from int) {
	ev := c.token("ask-mute")
	all := c.selectMembers("/", nil, nil, -1)
	var answering []*member
	for _, m := range all {
		if !m.NoAck {
			answering = append(answering, m)
		}
	}
	var res ackResult
	doInto(t, c.nodes[from], Op{Op: "emit", Nsp: "/", Event: ev, Ack: true, Timeout: 1500}, &res)
	if res.Err == nil {
		t.Errorf("no timeout error, though %s never answers (responses %s)", c.nodes[2].Name()+"-mute", quote(res.Responses))
	}
	if got := res.answers(t); !slices.Equal(got, names(answering)) {
		t.Errorf("responses before the timeout %s, want %s", quote(got), quote(names(answering)))
	}
	c.expectDeliveries(t, c.nodes[from], ev, all, delivery{WithAck: true})
}

// socketDesc is one socket as fetchSockets reports it.
type socketDesc struct {
	ID        string         `json:"id"`
	Rooms     []string       `json:"rooms"`
	Data      map[string]any `json:"data"`
	Handshake struct {
		Headers map[string]any `json:"headers"`
		Time    string         `json:"time"`
		Address string         `json:"address"`
		Issued  float64        `json:"issued"`
		URL     string         `json:"url"`
		Query   map[string]any `json:"query"`
		Auth    map[string]any `json:"auth"`
	} `json:"handshake"`
}

// caseFetchSockets: every socket of the cluster, local and remote, with its
// rooms, data and handshake; then a room's sockets only.
func caseFetchSockets(t *testing.T, c *cluster, from int) {
	for _, nsp := range namespaces {
		var got []socketDesc
		doInto(t, c.nodes[from], Op{Op: "fetchSockets", Nsp: nsp}, &got)
		checkSockets(t, c, nsp, got, c.selectMembers(nsp, nil, nil, -1))
		doInto(t, c.nodes[from], Op{Op: "fetchSockets", Nsp: nsp, Rooms: []string{"r1"}}, &got)
		checkSockets(t, c, nsp, got, c.selectMembers(nsp, []string{"r1"}, nil, -1))
	}
}

func checkSockets(t *testing.T, c *cluster, nsp string, got []socketDesc, want []*member) {
	t.Helper()
	bySid := map[string]*member{}
	for _, m := range want {
		bySid[m.Sid] = m
	}
	var gotIDs, wantIDs []string
	for _, s := range got {
		gotIDs = append(gotIDs, s.ID)
	}
	for _, m := range want {
		wantIDs = append(wantIDs, m.Sid)
	}
	sort.Strings(gotIDs)
	sort.Strings(wantIDs)
	if !slices.Equal(gotIDs, wantIDs) {
		t.Errorf("%s: fetchSockets ids %s, want %s (%s)", nsp, quote(gotIDs), quote(wantIDs), quote(names(want)))
		return
	}
	for _, s := range got {
		m := bySid[s.ID]
		rooms := append([]string{m.Sid}, m.Rooms...)
		if !subset(rooms, s.Rooms) {
			t.Errorf("%s: %s's rooms %s, want at least %s", nsp, m.Name, quote(s.Rooms), quote(rooms))
		}
		if s.Data["name"] != m.Name || s.Data["node"] != c.nodes[m.Node].Name() {
			t.Errorf("%s: %s's data %s, want name %q node %q", nsp, m.Name, quote(s.Data), m.Name, c.nodes[m.Node].Name())
		}
		h := s.Handshake
		if h.Auth["name"] != m.Name || h.Query["transport"] != m.Transport || h.Query["EIO"] != "4" {
			t.Errorf("%s: %s's handshake auth %s query %s, want auth.name %q, transport %q, EIO 4", nsp, m.Name, quote(h.Auth), quote(h.Query), m.Name, m.Transport)
		}
		if h.Headers["host"] == nil || h.Time == "" || h.Issued <= 0 || h.Address == "" || h.URL == "" {
			t.Errorf("%s: %s's handshake lacks host/time/issued/address/url: %s", nsp, m.Name, quote(h))
		}
	}
}

func subset(small, big []string) bool {
	for _, s := range small {
		if !slices.Contains(big, s) {
			return false
		}
	}
	return true
}

// caseAllRooms: the cluster's rooms are every room of every socket, as
// fetchSockets sees them.
func caseAllRooms(t *testing.T, c *cluster, from int) {
	var sockets []socketDesc
	doInto(t, c.nodes[from], Op{Op: "fetchSockets", Nsp: "/"}, &sockets)
	set := map[string]bool{}
	for _, s := range sockets {
		for _, r := range s.Rooms {
			set[r] = true
		}
	}
	want := keys(set)
	var got []string
	doInto(t, c.nodes[from], Op{Op: "allRooms", Nsp: "/"}, &got)
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("allRooms %s, want %s", quote(got), quote(want))
	}
}

// roomMembers returns the sorted names of the standing clients of nsp in
// room, as fetchSockets from node n sees them.
func roomMembers(t *testing.T, c *cluster, n int, nsp, room string) []string {
	t.Helper()
	var got []socketDesc
	doInto(t, c.nodes[n], Op{Op: "fetchSockets", Nsp: nsp, Rooms: []string{room}}, &got)
	var out []string
	for _, s := range got {
		if name, ok := s.Data["name"].(string); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// caseSocketsJoinLeave: every socket joins a new room, those of r1 leave it;
// a broadcast to the room from the next node reaches the rest.
func caseSocketsJoinLeave(t *testing.T, c *cluster, from int) {
	next := (from + 1) % len(c.nodes)
	for _, nsp := range namespaces {
		checkJoinLeave(t, c, c.nodes[from], next, nsp)
	}
}

// checkJoinLeave has src make every socket of nsp join a new room, then those
// of r1 leave it; node observer checks the room (fetchSockets) and
// broadcasts to it after each step.
func checkJoinLeave(t *testing.T, c *cluster, src issuer, observer int, nsp string) {
	t.Helper()
	room := c.token("joined")
	obs := c.nodes[observer]
	do(t, src, Op{Op: "socketsJoin", Nsp: nsp, Join: []string{room}})
	want := names(c.selectMembers(nsp, nil, nil, -1))
	waitFor(t, nsp+": every socket in "+room, func() (bool, string) {
		got := roomMembers(t, c, observer, nsp, room)
		return slices.Equal(got, want), quote(got)
	})
	ev := c.token("to-joined")
	do(t, obs, Op{Op: "emit", Nsp: nsp, Event: ev, Rooms: []string{room}})
	c.expectDeliveries(t, obs, ev, c.selectMembers(nsp, nil, nil, -1), delivery{})

	do(t, src, Op{Op: "socketsLeave", Nsp: nsp, Rooms: []string{"r1"}, Leave: []string{room}})
	rest := c.selectMembers(nsp, nil, []string{"r1"}, -1)
	waitFor(t, nsp+": r1 out of "+room, func() (bool, string) {
		got := roomMembers(t, c, observer, nsp, room)
		return slices.Equal(got, names(rest)), quote(got)
	})
	ev = c.token("to-left")
	do(t, obs, Op{Op: "emit", Nsp: nsp, Event: ev, Rooms: []string{room}})
	c.expectDeliveries(t, obs, ev, rest, delivery{})
}

// caseServerSideEmit: every other node gets the event once, the issuer none.
func caseServerSideEmit(t *testing.T, c *cluster, from int) {
	for _, nsp := range namespaces {
		checkServerSideEmit(t, c, c.nodes[from], from, nsp)
	}
}

// checkServerSideEmit has src (node index from, -1 for the emitter) emit a
// server-side event without ack: every node but src gets it once.
func checkServerSideEmit(t *testing.T, c *cluster, src issuer, from int, nsp string) {
	t.Helper()
	ev := c.token("sse")
	args := []any{map[string]any{"tok": ev, "n": 2}, "two"}
	do(t, src, Op{Op: "serverSideEmit", Nsp: nsp, Event: ev, Args: args})
	// A second emit from the same source arrives after the first: once
	// every other node has it, the first is fully counted.
	sentinel := c.token("sse-sentinel")
	do(t, src, Op{Op: "serverSideEmit", Nsp: nsp, Event: sentinel})
	for i, n := range c.nodes {
		if i == from {
			continue
		}
		n.Reports().WaitCount(t, fmt.Sprintf("%s: %s at %s", nsp, sentinel, n.Name()), 1, func(r Report) bool {
			return r.Event == "serverSideEmit" && r.Name == sentinel && r.Nsp == nsp
		})
	}
	for i, n := range c.nodes {
		got := n.Reports().Matching(func(r Report) bool { return r.Event == "serverSideEmit" && r.Name == ev })
		want := 1
		if i == from {
			want = 0
		}
		if len(got) != want {
			t.Errorf("%s: %s got %s %d times, want %d", nsp, n.Name(), ev, len(got), want)
			continue
		}
		for _, r := range got {
			if r.Nsp != nsp || r.WithAck || !sameJSON(r.Args, args) {
				t.Errorf("%s: %s got %s in %s with args %s (ack %v), want %s without ack", nsp, n.Name(), ev, r.Nsp, quote(r.Args), r.WithAck, quote(args))
			}
		}
	}
}

// caseServerSideEmitAck: one answer from each other node.
func caseServerSideEmitAck(t *testing.T, c *cluster, from int) {
	for _, nsp := range namespaces {
		ev := c.token("sse-ack")
		var res ackResult
		doInto(t, c.nodes[from], Op{Op: "serverSideEmit", Nsp: nsp, Event: ev, Args: []any{ev}, Ack: true}, &res)
		var want []string
		for i, n := range c.nodes {
			if i != from {
				want = append(want, n.Name())
			}
		}
		sort.Strings(want)
		if got := res.answers(t); res.Err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: err %v, answers %s; want no error and %s", nsp, res.Err, quote(got), quote(want))
		}
		for i, n := range c.nodes {
			if i == from {
				continue
			}
			// The node's report and the issuer's answer come through
			// different pipes: wait for the report.
			n.Reports().WaitCount(t, nsp+": "+ev+" at "+n.Name(), 1, func(r Report) bool { return r.Event == "serverSideEmit" && r.Name == ev })
			reps := n.Reports().Matching(func(r Report) bool { return r.Event == "serverSideEmit" && r.Name == ev })
			if len(reps) != 1 || !reps[0].WithAck {
				t.Errorf("%s: %s saw %s %d times (want once, with an ack asked)", nsp, n.Name(), ev, len(reps))
			}
		}
	}
}

// caseDisconnectSockets: one extra client per node, in a room of their own,
// is disconnected by a request from node from; no standing client is.
func caseDisconnectSockets(closeConn bool) func(t *testing.T, c *cluster, from int) {
	return func(t *testing.T, c *cluster, from int) { checkDisconnect(t, c, c.nodes[from], closeConn) }
}

// checkDisconnect opens one extra client per node in a room of their own and
// has src disconnect that room's sockets: each extra client, and no standing
// one, is disconnected.
func checkDisconnect(t *testing.T, c *cluster, src issuer, closeConn bool) {
	t.Helper()
	room := c.token("victims")
	var victims []string
	for i, n := range c.nodes {
		tr := []string{"websocket", "polling"}[i%2]
		spec := clientSpec{Name: room + "-" + n.Name(), Node: i, Nsp: "/", Transport: tr, Rooms: []string{room}}
		c.clients.open(t, spec, n.URL())
		victims = append(victims, spec.Name)
	}
	defer func() {
		for _, v := range victims {
			c.clients.close(t, v)
		}
	}()
	do(t, src, Op{Op: "disconnectSockets", Nsp: "/", Rooms: []string{room}, Close: closeConn})
	for _, v := range victims {
		reps := c.clients.reports.WaitCount(t, v+" disconnected", 1, func(r Report) bool { return r.Event == "disconnect" && r.Client == v })
		// Without close the server sends a DISCONNECT packet; with close
		// it may only drop the connection.
		if !closeConn && reps[0].Reason != "io server disconnect" {
			t.Errorf("%s disconnected with %q, want \"io server disconnect\"", v, reps[0].Reason)
		}
	}
	c.barrier(t, src)
	standing := names(c.members)
	if dropped := c.clients.reports.Matching(func(r Report) bool {
		return r.Event == "disconnect" && slices.Contains(standing, r.Client)
	}); len(dropped) != 0 {
		t.Errorf("standing clients disconnected: %s", quote(dropped))
	}
}
