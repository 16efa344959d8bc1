package pubsub_test

import (
	"context"
	"testing"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/pubsub"
)

// TestPublishOnSpecificResponseChannel: a node with the option answers on
// the requester's own response channel, and the requester, listening on
// both, gets the answer; one publish per broadcast.
func TestPublishOnSpecificResponseChannel(t *testing.T) {
	srv := redistest.Start(t)
	mon := srv.Monitor(t)
	a := startNode(t, srv.Addr(), "A", pubsub.WithPublishOnSpecificResponseChannel(true))
	b := startNode(t, srv.Addr(), "B")
	waitServerCount(t, 2, a, b)
	dialClient(t, a.addr, "/", "a1", `{"name":"a1","rooms":["r1"]}`, "")
	socks, err := b.ns("/").FetchSockets(context.Background())
	if err != nil || len(socks) != 1 {
		t.Fatalf("fetch from B: %v %v", socks, err)
	}
	uidB := b.ns("/").Adapter().(*pubsub.Adapter).UID()
	mon.Sync(t)
	if n := redistest.Count(mon.Commands(), "PUBLISH", "socket.io-response#/#"+uidB+"#"); n != 1 {
		t.Errorf("%d answers on B's own response channel, want 1", n)
	}

	// One PUBLISH per broadcast: counted once a later broadcast of the
	// same queue has been published.
	must(t, b.ns("/").To("r1").Emit("one-publish"))
	must(t, b.ns("/").Emit("sentinel"))
	mon.WaitFor(t, waitTimeout, func(cmds []redistest.Command) bool {
		return redistest.Count(cmds, "PUBLISH", "sentinel") > 0
	})
	if n := redistest.Count(mon.Commands(), "PUBLISH", "one-publish"); n != 1 {
		t.Errorf("%d publishes for one broadcast, want 1", n)
	}
}
