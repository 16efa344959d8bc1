package streams

import (
	"context"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
)

// Offsets are appended only where Node appends them: to broadcasts without
// acknowledgement that are not volatile, when recovery is on.
func TestOffsetsOnlyWithRecovery(t *testing.T) {
	p := startPair(t)
	ca, _, _ := dialPoll(t, p.a.srv.Addr(), "", "")
	cb, _, _ := dialPoll(t, p.b.srv.Addr(), "", "")
	p.warmUp(t, ca, cb)
	_ = p.a.ns.Volatile().Emit("v", 1)
	_ = p.a.ns.Emit("end")
	for _, c := range []*pollClient{ca, cb} {
		c.next(`42["end"`)
		// A polling client between two requests may miss a volatile
		// broadcast; one that gets it gets no offset.
		if got := c.events(`42["v"`); len(got) > 1 || len(got) == 1 && got[0] != `42["v",1]` {
			t.Errorf("volatile broadcast %q, want no offset", got)
		}
	}

	// A node without recovery: the same stream, no offsets.
	srv := tornadio.NewServer(tornadio.WithEventLoops(1),
		tornadio.WithLogger(siotest.Quiet),
		tornadio.WithAdapter(New(p.redis.Client(t), WithBlockTime(time.Second), WithLogger(siotest.Quiet))))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	plain := &testNode{name: "C", srv: srv, ns: srv.Of("/")}
	cc, _, pid := dialPoll(t, srv.Addr(), "", "")
	if pid != "" {
		t.Fatalf("pid %q without recovery", pid)
	}
	warmUp(t, []*testNode{p.a, plain}, map[*testNode][]*pollClient{p.a: {ca}, plain: {cc}})
	_ = p.a.ns.Emit("x", 2)
	_ = plain.ns.Emit("y", 3)
	if got := cc.next(`42["x"`); got != `42["x",2]` {
		t.Errorf("from a recovering node to a plain one: %q", got)
	}
	if got := cc.next(`42["y"`); got != `42["y",3]` {
		t.Errorf("local on the plain node: %q", got)
	}
	if got := ca.next(`42["y"`); lastArg(t, got) == "3" {
		t.Errorf("from the plain node to a recovering one, no offset: %q", got)
	}
}
