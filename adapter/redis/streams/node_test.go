package streams

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
)

// testNode is one in-process tornadio node with the streams adapter and
// connection state recovery.
type testNode struct {
	name string
	srv  *tornadio.Server
	ns   *tornadio.Namespace
}

// startNode starts a tornadio node named name on the Redis of client: on
// connection its sockets join the rooms of their auth ({"rooms":[…]}) and
// take {"node": name} as data, unless recovered; it answers server-side
// "ping" with its name and records "note" events in notes.
func startNode(t testing.TB, client redis.UniversalClient, name string, notes chan<- string, opts ...Option) *testNode {
	t.Helper()
	opts = append([]Option{WithBlockTime(time.Second), WithLogger(siotest.Quiet)}, opts...)
	srv := tornadio.NewServer(tornadio.WithEventLoops(1),
		tornadio.WithLogger(siotest.Quiet),
		tornadio.WithAdapter(New(client, opts...)),
		tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{MaxDisconnection: time.Minute}))
	ns := srv.Of("/")
	ns.OnConnection(func(s *tornadio.Socket) {
		if s.Recovered() {
			return
		}
		var auth struct{ Rooms []string }
		_ = s.Request().DecodeAuth(&auth)
		s.Join(auth.Rooms...)
		s.SetData(map[string]any{"node": name})
	})
	if err := ns.OnServerSideEmit("ping", func(x int, ack tornadio.Ack) { ack(name) }); err != nil {
		t.Fatal(err)
	}
	if err := ns.OnServerSideEmit("note", func(s string) { notes <- name + ":" + s }); err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx) // closes the adapters too
	})
	return &testNode{name: name, srv: srv, ns: ns}
}

// pair is two nodes on one Redis, each subscribed and reading the stream.
type pair struct {
	redis *redistest.Server
	a, b  *testNode
	notes chan string
}

func startPair(t testing.TB, opts ...Option) *pair {
	t.Helper()
	srv := redistest.Start(t)
	p := &pair{redis: srv, notes: make(chan string, 16)}
	p.a = startNode(t, srv.Client(t), "A", p.notes, opts...)
	p.b = startNode(t, srv.Client(t), "B", p.notes, opts...)
	waitServerCount(t, p.a, 2)
	waitServerCount(t, p.b, 2)
	return p
}

func waitServerCount(t testing.TB, n *testNode, want int) {
	t.Helper()
	siotest.WaitServerCount(t, "node "+n.name, n.ns.Adapter(), want)
}

// warmUp broadcasts from each node until every client of the other nodes
// has one, so that every stream reader is known to be reading (a reader
// starts at "$": entries added before its first XREAD are not for it, as
// in Node); then it removes every warm-up packet from the clients' queues,
// those still on their way included (each node's last one marks the end:
// one node's broadcasts reach a client in order).
func warmUp(t testing.TB, nodes []*testNode, clients map[*testNode][]*pollClient) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, from := range nodes {
		for {
			_ = from.ns.Emit("warm")
			time.Sleep(50 * time.Millisecond)
			all := true
			for n, cs := range clients {
				for _, c := range cs {
					if n != from && len(c.events(`42["warm"`)) == 0 {
						all = false
					}
				}
			}
			if all {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no warm-up broadcast from %s came through", from.name)
			}
		}
	}
	for _, from := range nodes {
		_ = from.ns.Emit("warm-end-" + from.name)
	}
	for _, cs := range clients {
		for _, c := range cs {
			for _, from := range nodes {
				c.next(`42["warm-end-` + from.name + `"`)
			}
			c.mu.Lock()
			kept := c.packets[:0]
			for _, p := range c.packets {
				if !strings.HasPrefix(p, `42["warm`) {
					kept = append(kept, p)
				}
			}
			c.packets = kept
			c.mu.Unlock()
		}
	}
}

// warmUp warms the pair up with clients ca on A and cb on B.
func (p *pair) warmUp(t testing.TB, ca, cb *pollClient) {
	t.Helper()
	warmUp(t, []*testNode{p.a, p.b}, map[*testNode][]*pollClient{p.a: {ca}, p.b: {cb}})
}
