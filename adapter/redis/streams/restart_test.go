package streams

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// Redis restarts (killed, empty again): each stream reader resumes from the
// id of the last entry it read, not from "$", so a broadcast published
// before the other node's reader is back still reaches it; the pub/sub
// subscriptions come back and the nodes count each other again.
func TestRedisRestart(t *testing.T) {
	p := startPair(t)
	ca, _, _ := dialPoll(t, p.a.srv.Addr(), "", "")
	cb, _, _ := dialPoll(t, p.b.srv.Addr(), "", "")
	p.warmUp(t, ca, cb)
	_ = p.a.ns.Emit("before", 1)
	cb.next(`42["before"`)

	p.redis.Restart(t)
	mon := p.redis.Monitor(t)
	// One broadcast, not repeated: it must come through even if B's reader
	// reconnects after it is in the stream.
	_ = p.a.ns.Emit("early", 2)
	cb.next(`42["early",2`)
	_ = p.b.ns.Emit("back", 3)
	ca.next(`42["back",3`)

	mon.Sync(t)
	for _, c := range mon.Commands() {
		if c.Name() == "XREAD" && c.Args[len(c.Args)-1] == "$" {
			t.Fatalf("a reader started over from $ after the restart: %q", c.Args)
		}
	}
	if redistest.Count(mon.Commands(), "XREAD", "") == 0 {
		t.Fatal("no XREAD after the restart")
	}
	waitServerCount(t, p.a, 2)
	waitServerCount(t, p.b, 2)
	if got := cb.events(`42["early"`); len(got) != 0 || strings.Contains(strings.Join(cb.snapshot(), " "), `"early"`) {
		t.Fatalf("early delivered twice: %q", cb.snapshot())
	}
}

// A node started while Redis is down joins the cluster once Redis is up:
// its subscription (plain or sharded) and its stream reader retry by
// themselves.
func TestStartWhileRedisIsDown(t *testing.T) {
	for _, sharded := range []bool{false, true} {
		t.Run(fmt.Sprintf("sharded=%v", sharded), func(t *testing.T) {
			srv := redistest.Start(t)
			client := srv.Client(t)
			srv.Kill(t)
			notes := make(chan string, 4)
			a := startNode(t, client, "A", notes, WithShardedPubSub(sharded))
			srv.Restart(t)
			b := startNode(t, srv.Client(t), "B", notes, WithShardedPubSub(sharded))
			waitServerCount(t, a, 2)
			waitServerCount(t, b, 2)
			ca, _, _ := dialPoll(t, a.srv.Addr(), "", "")
			cb, _, _ := dialPoll(t, b.srv.Addr(), "", "")
			warmUp(t, []*testNode{a, b}, map[*testNode][]*pollClient{a: {ca}, b: {cb}})
		})
	}
}
