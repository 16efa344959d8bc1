package streams

import (
	"context"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestDeliverAcrossNodes: Deliver through the streams adapter, whose local
// delivery waits for the stream entry's offset, reaches the clients of both
// nodes and reports this node's sockets only.
func TestDeliverAcrossNodes(t *testing.T) {
	p := startPair(t)
	ca, _, _ := dialPoll(t, p.a.srv.Addr(), `{"rooms":["r1"]}`, "")
	cb, _, _ := dialPoll(t, p.b.srv.Addr(), `{"rooms":["r2"]}`, "")
	p.warmUp(t, ca, cb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := p.a.ns.Deliver(ctx, "all", 1)
	if want := (tornadio.Delivery{Sockets: 1, Sent: 1}); err != nil || d != want {
		t.Fatalf("Deliver from A: %+v, %v; want %+v", d, err, want)
	}
	d, err = p.a.ns.To("r2").Deliver(ctx, "to-r2", 2)
	if want := (tornadio.Delivery{}); err != nil || d != want {
		t.Fatalf("Deliver from A to B's room: %+v, %v; want %+v", d, err, want)
	}
	ca.next(`42["all",1,`)
	cb.next(`42["all",1,`)
	cb.next(`42["to-r2",2,`)
}
