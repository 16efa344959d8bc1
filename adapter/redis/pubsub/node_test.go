package pubsub_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
	"github.com/tornadio/tornadio/adapter/redis/pubsub"
)

var namespaces = []string{"/", "/chat"}

// testNode is one tornadio server of a test cluster, with the pub/sub
// adapter on namespaces "/" and "/chat". A connecting socket's auth
// {name, rooms} sets its data to {name, node} and joins rooms; server-side
// events are recorded, and "ping" is answered with "pong-<node>".
type testNode struct {
	name string
	srv  *tornadio.Server
	addr string
	stop func() // closes the adapters, shuts the server down, closes its Redis client; once

	mu         sync.Mutex
	serverSide []string // "<nsp> <event> <args>" of each server-side event received
	changed    chan struct{}
}

func startNode(t *testing.T, redisAddr, name string, opts ...pubsub.Option) *testNode {
	t.Helper()
	pub := redis.NewClient(&redis.Options{Addr: redisAddr})
	n := &testNode{name: name, changed: make(chan struct{})}
	opts = append([]pubsub.Option{pubsub.WithLogger(siotest.Quiet)}, opts...)
	n.srv = tornadio.NewServer(tornadio.WithEventLoops(2), tornadio.WithLogger(siotest.Quiet),
		tornadio.WithAdapter(pubsub.New(pub, nil, opts...)))
	for _, nsp := range namespaces {
		ns := n.srv.Of(nsp)
		ns.OnConnection(siotest.JoinFromAuth(name))
		record := func(event string, args tornadio.Args) {
			text := ""
			for i := range args.Len() {
				text += string(args.Raw(i))
			}
			n.mu.Lock()
			n.serverSide = append(n.serverSide, nsp+" "+event+" "+text)
			close(n.changed)
			n.changed = make(chan struct{})
			n.mu.Unlock()
		}
		if err := ns.OnServerSideEmit("note", func(args tornadio.Args, _ tornadio.Ack) { record("note", args) }); err != nil {
			t.Fatal(err)
		}
		if err := ns.OnServerSideEmit("ping", func(args tornadio.Args, ack tornadio.Ack) {
			record("ping", args)
			ack("pong-" + name)
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	n.addr = n.srv.Addr()
	n.stop = sync.OnceFunc(func() {
		n.closeAdapters(t)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := n.srv.Shutdown(ctx); err != nil {
			t.Errorf("%s: shutdown: %v", name, err)
		}
		_ = pub.Close()
	})
	t.Cleanup(n.stop)
	return n
}

func (n *testNode) closeAdapters(t *testing.T) {
	for _, nsp := range namespaces {
		if err := n.srv.Of(nsp).Adapter().Close(); err != nil {
			t.Errorf("%s %s: close: %v", n.name, nsp, err)
		}
	}
}

func (n *testNode) ns(nsp string) *tornadio.Namespace { return n.srv.Of(nsp) }

// serverSideEvents returns the server-side events received so far.
func (n *testNode) serverSideEvents() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.serverSide...)
}

// waitServerSide waits for a server-side event recorded as want.
func (n *testNode) waitServerSide(t *testing.T, want string) {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		n.mu.Lock()
		ch := n.changed
		n.mu.Unlock()
		for _, got := range n.serverSideEvents() {
			if got == want {
				return
			}
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("%s: server-side event %q not received; got %q", n.name, want, n.serverSideEvents())
		}
	}
}

// waitServerCount waits until every node counts want servers in every
// namespace (their subscriptions are in place). It polls: the count
// changes only inside Redis.
func waitServerCount(t *testing.T, want int, nodes ...*testNode) {
	t.Helper()
	for _, nsp := range namespaces {
		waitServerCountNsp(t, nsp, want, nodes...)
	}
}

// waitServerCountNsp is waitServerCount for namespace nsp only.
func waitServerCountNsp(t *testing.T, nsp string, want int, nodes ...*testNode) {
	t.Helper()
	for _, n := range nodes {
		siotest.WaitServerCount(t, n.name+" "+nsp, n.ns(nsp).Adapter(), want)
	}
}
