package pubsub_test

import (
	"context"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestDeliverAcrossNodes: Deliver through the pub/sub adapter reaches the
// clients of every node, as Emit, and reports this node's sockets only.
func TestDeliverAcrossNodes(t *testing.T) {
	c := startTwoNodes(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	check := func(what string, got tornadio.Delivery, err error, want tornadio.Delivery) {
		t.Helper()
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", what, got, err, want)
		}
	}
	d, err := c.a.ns("/").To("r1").Deliver(ctx, "a-r1")
	check("A to r1", d, err, tornadio.Delivery{Sockets: 1, Sent: 1})
	d, err = c.b.ns("/").Deliver(ctx, "b-all")
	check("B to all", d, err, tornadio.Delivery{Sockets: 2, Sent: 2})
	d, err = c.a.ns("/").Local().Deliver(ctx, "a-local")
	check("A local", d, err, tornadio.Delivery{Sockets: 1, Sent: 1})
	c.barrier(t, c.a)
	c.barrier(t, c.b)
	c.expectOnly(t, "a-r1", c.a1, c.b1)
	c.expectOnly(t, "b-all", c.a1, c.b1, c.b2)
	c.expectOnly(t, "a-local", c.a1)
}
