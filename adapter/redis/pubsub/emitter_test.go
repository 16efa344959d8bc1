package pubsub_test

import (
	"context"
	"encoding/hex"
	"testing"
)

// TestObeysNodeEmitter publishes what Node's @socket.io/redis-emitter
// 5.1.0 publishes (uid "emitter" on broadcasts and server-side emits, no
// uid at all on its room changes and disconnections, its own key order)
// and checks that both nodes obey.
func TestObeysNodeEmitter(t *testing.T) {
	c := startTwoNodes(t)
	rdb := c.redis.Client(t)
	ctx := context.Background()
	publish := func(channel string, payload []byte) {
		t.Helper()
		if err := rdb.Publish(ctx, channel, payload).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// ["emitter",{"type":2,"data":["em-1",{"tok":"em-1"}],"nsp":"/"},{"rooms":[],"flags":{},"except":[]}]
	// as notepack.io writes it.
	tuple, _ := hex.DecodeString("93a7656d697474657283a47479706502a46461746192a4656d2d3181a3746f6ba4656d2d31a36e7370a12f83a5726f6f6d7390a5666c61677380a665786365707490")
	publish("socket.io#/#", tuple)
	publish("socket.io-request#/#", []byte(`{"uid":"emitter","type":6,"data":["note",{"tok":"relay-1"}]}`))
	publish("socket.io-request#/#", []byte(`{"type":2,"opts":{"rooms":["r1"],"except":[]},"rooms":["re-1"]}`))
	publish("socket.io-request#/#", []byte(`{"type":4,"opts":{"rooms":["r2"],"except":[]},"close":true}`))

	c.b2.WaitDisconnected(t)
	c.a.waitServerSide(t, `/ note {"tok":"relay-1"}`)
	c.b.waitServerSide(t, `/ note {"tok":"relay-1"}`)
	must(t, c.a.ns("/").To("re-1").Emit("to-re-1"))
	c.barrier(t, c.a)
	c.barrier(t, c.b)
	c.expectOnly(t, "em-1", c.a1, c.b1, c.b2)
	c.expectOnly(t, "to-re-1", c.a1, c.b1)
}
