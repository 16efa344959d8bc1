package clustertest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/emitter"
)

// goEmitter drives the Go emitter (adapter/redis/emitter) with the Ops that
// cluster-emitter.js understands, so that the same cases run against Node's
// @socket.io/redis-emitter and the Go one. Unlike the Node script, it
// answers once Redis has executed the PUBLISH.
type goEmitter struct {
	e *emitter.Emitter
}

func newGoEmitter(t testing.TB, redisAddr string) *goEmitter {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = client.Close() })
	return &goEmitter{e: emitter.New(client)}
}

// Name is how failure messages name it.
func (g *goEmitter) Name() string { return "go-emitter" }

func (g *goEmitter) Do(op Op) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), answerTimeout)
	defer cancel()
	e := g.e.Of(op.Nsp)
	o := e.To(op.Rooms...).Except(op.Except...)
	if op.Volatile {
		o = o.Volatile()
	}
	args := make([]any, len(op.Args))
	for i, a := range op.Args {
		args[i] = fromPipe(a)
	}
	var err error
	switch op.Op {
	case "emit":
		err = o.Emit(ctx, op.Event, args...)
	case "serverSideEmit":
		err = e.ServerSideEmit(ctx, op.Event, args...)
	case "socketsJoin":
		err = o.SocketsJoin(ctx, op.Join...)
	case "socketsLeave":
		err = o.SocketsLeave(ctx, op.Leave...)
	case "disconnectSockets":
		err = o.DisconnectSockets(ctx, op.Close)
	default:
		err = fmt.Errorf("unknown op %s", op.Op)
	}
	if err != nil {
		return nil, err
	}
	return json.RawMessage(`{}`), nil
}

// fromPipe turns Bin values back into []byte, which the Go emitter sends as
// binary.
func fromPipe(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if b, ok := x["$bin"].([]byte); ok && len(x) == 1 {
			return b
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fromPipe(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fromPipe(e)
		}
		return out
	}
	return v
}

// runEmitterCases puts Node's emitter, then the Go emitter, through
// emitterCases on c, and returns the Go emitter.
func runEmitterCases(t *testing.T, c *cluster) issuer {
	drivers := []struct {
		name string
		d    issuer
	}{
		{"node-emitter", startEmitter(t, c.redis.Addr())},
		{"go-emitter", newGoEmitter(t, c.redis.Addr())},
	}
	for _, drv := range drivers {
		t.Run(drv.name, func(t *testing.T) {
			for _, tc := range emitterCases {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, c, drv.d) })
			}
		})
	}
	return drivers[1].d
}

// TestEmitterDrivesCluster has an emitter outside every server — Node's
// @socket.io/redis-emitter 5.1.0 as the reference, then the Go emitter —
// drive a classic pub/sub cluster (with tornadio nodes in it once the pubsub
// adapter registers NewTornadioNode["pubsub"]): broadcasts with rooms,
// except, socket ids, volatile and binary arguments, socketsJoin then a
// room broadcast, socketsLeave, disconnectSockets with and without close,
// and server-side emits, each reaching exactly the right clients or nodes,
// exactly once.
func TestEmitterDrivesCluster(t *testing.T) {
	c := newCluster(t, "pubsub")
	g := runEmitterCases(t, c)
	// The Go emitter through the checks TestEmitterContract puts Node's
	// emitter through.
	t.Run("go-emitter/contract", func(t *testing.T) {
		for i, nsp := range namespaces {
			checkBroadcast(t, c, g, nsp, nil, nil)
			checkBroadcast(t, c, g, nsp, []string{"r1"}, nil)
			checkBroadcast(t, c, g, nsp, nil, []string{"r1"})
			checkBroadcast(t, c, g, nsp, []string{"r1", "r2"}, []string{"r1"})
			checkServerSideEmit(t, c, g, -1, nsp)
			checkJoinLeave(t, c, g, i, nsp)
		}
		checkDisconnect(t, c, g, false)
		checkDisconnect(t, c, g, true)
	})
}

type emitterCase struct {
	name string
	run  func(t *testing.T, c *cluster, d issuer)
}

var emitterCases = []emitterCase{
	{"broadcast-all", emitterBroadcast(nil, nil)},
	{"broadcast-room", emitterBroadcast([]string{"r1"}, nil)},
	{"broadcast-except", emitterBroadcast(nil, []string{"r1"})},
	{"broadcast-rooms-except", emitterBroadcast([]string{"r1", "r2"}, []string{"r1"})},
	{"broadcast-socket-id", emitterBroadcastSocketID},
	{"broadcast-volatile", emitterBroadcastVolatile},
	{"broadcast-binary", emitterBroadcastBinary},
	{"sockets-join-leave", emitterSocketsJoinLeave},
	{"server-side-emit", emitterServerSideEmit},
	{"disconnect-sockets", emitterDisconnectSockets(false)},
	{"disconnect-sockets-close", emitterDisconnectSockets(true)},
}

func emitterBroadcast(rooms, except []string) func(t *testing.T, c *cluster, d issuer) {
	return func(t *testing.T, c *cluster, d issuer) {
		for _, nsp := range namespaces {
			ev := c.token("em")
			args := []any{ev, map[string]any{"n": 1, "s": "h\u00e9llo \u2028", "nul": nil, "big": 1 << 40, "f": 1.5}}
			do(t, d, Op{Op: "emit", Nsp: nsp, Event: ev, Args: args, Rooms: rooms, Except: except})
			c.expectDeliveries(t, d, ev, c.selectMembers(nsp, rooms, except, -1), delivery{Args: args})
		}
	}
}

// emitterBroadcastSocketID targets one socket of each node by its id: the
// message goes to that id's room channel.
func emitterBroadcastSocketID(t *testing.T, c *cluster, d issuer) {
	for _, nsp := range namespaces {
		for n := range c.nodes {
			target := c.selectMembers(nsp, nil, nil, n)[0]
			ev := c.token("em-sid")
			do(t, d, Op{Op: "emit", Nsp: nsp, Event: ev, Rooms: []string{target.Sid}})
			c.expectDeliveries(t, d, ev, []*member{target}, delivery{})
		}
	}
}

func emitterBroadcastVolatile(t *testing.T, c *cluster, d issuer) {
	for _, nsp := range namespaces {
		ev := c.token("em-vol")
		do(t, d, Op{Op: "emit", Nsp: nsp, Event: ev, Volatile: true, Rooms: []string{"r2"}})
		// Some client must get it (a websocket one is always ready).
		c.clients.reports.WaitCount(t, ev+" received", 1, func(r Report) bool { return r.Event == "recv" && r.Name == ev })
		c.expectDeliveries(t, d, ev, c.selectMembers(nsp, []string{"r2"}, nil, -1), delivery{Volatile: true})
	}
}

// emitterBroadcastBinary: binary arguments, top-level and nested, empty
// included, reach every client as binary.
func emitterBroadcastBinary(t *testing.T, c *cluster, d issuer) {
	for _, nsp := range namespaces {
		ev := c.token("em-bin")
		args := []any{
			Bin([]byte{0, 1, 2, 0x7f, 0x80, 0xfd, 0xfe, 0xff}),
			map[string]any{"nested": map[string]any{"list": []any{Bin([]byte("abc")), "text", Bin([]byte{})}}, "tok": ev},
		}
		do(t, d, Op{Op: "emit", Nsp: nsp, Event: ev, Args: args})
		c.expectDeliveries(t, d, ev, c.selectMembers(nsp, nil, nil, -1), delivery{Args: args})
		ev = c.token("em-bin-room")
		do(t, d, Op{Op: "emit", Nsp: nsp, Event: ev, Args: args[:1], Rooms: []string{"r2"}, Except: []string{"mute"}})
		c.expectDeliveries(t, d, ev, c.selectMembers(nsp, []string{"r2"}, []string{"mute"}, -1), delivery{Args: args[:1]})
	}
}

// emitterSocketsJoinLeave: the sockets of r1 join a new room, which a
// broadcast from the emitter then reaches; every socket joins a second one
// and those of r2 leave it again.
func emitterSocketsJoinLeave(t *testing.T, c *cluster, d issuer) {
	for _, nsp := range namespaces {
		room := c.token("em-joined")
		do(t, d, Op{Op: "socketsJoin", Nsp: nsp, Rooms: []string{"r1"}, Join: []string{room}})
		inR1 := c.selectMembers(nsp, []string{"r1"}, nil, -1)
		for n := range c.nodes {
			waitFor(t, fmt.Sprintf("%s: r1 in %s, seen from %s", nsp, room, c.nodes[n].Name()), func() (bool, string) {
				got := roomMembers(t, c, n, nsp, room)
				return slices.Equal(got, names(inR1)), quote(got)
			})
		}
		ev := c.token("em-to-joined")
		do(t, d, Op{Op: "emit", Nsp: nsp, Event: ev, Rooms: []string{room}})
		c.expectDeliveries(t, d, ev, inR1, delivery{})

		all := c.token("em-all-joined")
		do(t, d, Op{Op: "socketsJoin", Nsp: nsp, Join: []string{all, room}})
		do(t, d, Op{Op: "socketsLeave", Nsp: nsp, Rooms: []string{"r2"}, Leave: []string{all}})
		rest := c.selectMembers(nsp, nil, []string{"r2"}, -1)
		waitFor(t, nsp+": r2 out of "+all, func() (bool, string) {
			got := roomMembers(t, c, len(c.nodes)-1, nsp, all)
			return slices.Equal(got, names(rest)), quote(got)
		})
		ev = c.token("em-to-left")
		do(t, d, Op{Op: "emit", Nsp: nsp, Event: ev, Rooms: []string{all}})
		c.expectDeliveries(t, d, ev, rest, delivery{})
		// Everyone is in room now: r1 joined it first, the rest with all.
		ev = c.token("em-to-room")
		do(t, d, Op{Op: "emit", Nsp: nsp, Event: ev, Rooms: []string{room}, Except: []string{all}})
		c.expectDeliveries(t, d, ev, c.selectMembers(nsp, []string{"r2"}, nil, -1), delivery{})
	}
}

// Server-side emits from an emitter use fixed event names, so that a node
// can listen for them by name; the token travels in the first argument.
const (
	emitterSSEEvent    = "emitter-sse"
	emitterSSESentinel = "emitter-sse-sentinel"
)

// emitterServerSideEmit: every node, none excepted, gets the event once,
// without an ack asked; a binary argument arrives as JSON.stringify writes a
// Node Buffer.
func emitterServerSideEmit(t *testing.T, c *cluster, d issuer) {
	for _, nsp := range namespaces {
		tok := c.token("em-sse")
		args := []any{map[string]any{"tok": tok, "n": 2}, "two", Bin([]byte{1, 255})}
		want := []any{args[0], args[1], map[string]any{"type": "Buffer", "data": []int{1, 255}}}
		do(t, d, Op{Op: "serverSideEmit", Nsp: nsp, Event: emitterSSEEvent, Args: args})
		// A second emit arrives after the first: once every node has it,
		// the first is fully counted.
		sentinel := c.token("em-sse-sentinel")
		do(t, d, Op{Op: "serverSideEmit", Nsp: nsp, Event: emitterSSESentinel, Args: []any{map[string]any{"tok": sentinel}}})
		for _, n := range c.nodes {
			n.Reports().WaitCount(t, fmt.Sprintf("%s: %s at %s", nsp, sentinel, n.Name()), 1, func(r Report) bool {
				return r.Event == "serverSideEmit" && r.Name == emitterSSESentinel && r.Nsp == nsp && reportToken(r) == sentinel
			})
			got := n.Reports().Matching(func(r Report) bool {
				return r.Event == "serverSideEmit" && r.Name == emitterSSEEvent && reportToken(r) == tok
			})
			if len(got) != 1 {
				t.Errorf("%s: %s got %s %d times, want once", nsp, n.Name(), tok, len(got))
				continue
			}
			if r := got[0]; r.Nsp != nsp || r.WithAck || !sameJSON(r.Args, want) {
				t.Errorf("%s: %s got %s in %s with args %s (ack %v), want %s without ack", nsp, n.Name(), tok, r.Nsp, quote(r.Args), r.WithAck, quote(want))
			}
		}
	}
}

// reportToken is the "tok" of a report's first argument, or "".
func reportToken(r Report) string {
	if len(r.Args) == 0 {
		return ""
	}
	var first struct{ Tok string }
	_ = json.Unmarshal(r.Args[0], &first)
	return first.Tok
}

// emitterDisconnectSockets: one extra client per node, in a room of their
// own, is disconnected by the emitter; no standing client is.
func emitterDisconnectSockets(closeConn bool) func(t *testing.T, c *cluster, d issuer) {
	return func(t *testing.T, c *cluster, d issuer) {
		for _, nsp := range namespaces {
			room := c.token("em-victims")
			var victims []string
			for i, n := range c.nodes {
				tr := []string{"websocket", "polling"}[i%2]
				spec := clientSpec{Name: room + "-" + n.Name(), Node: i, Nsp: nsp, Transport: tr, Rooms: []string{room}}
				c.clients.open(t, spec, n.URL())
				victims = append(victims, spec.Name)
			}
			do(t, d, Op{Op: "disconnectSockets", Nsp: nsp, Rooms: []string{room}, Close: closeConn})
			for _, v := range victims {
				reps := c.clients.reports.WaitCount(t, v+" disconnected", 1, func(r Report) bool { return r.Event == "disconnect" && r.Client == v })
				if !closeConn && reps[0].Reason != "io server disconnect" {
					t.Errorf("%s disconnected with %q, want \"io server disconnect\"", v, reps[0].Reason)
				}
			}
			for _, v := range victims {
				c.clients.close(t, v)
			}
			c.barrier(t, d)
			standing := names(c.members)
			if dropped := c.clients.reports.Matching(func(r Report) bool {
				return r.Event == "disconnect" && slices.Contains(standing, r.Client)
			}); len(dropped) != 0 {
				t.Errorf("standing clients disconnected: %s", quote(dropped))
			}
		}
	}
}
