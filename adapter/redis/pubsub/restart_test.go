package pubsub_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// TestRedisRestart kills Redis under a two-node cluster in the middle of
// traffic: each node keeps delivering to its own clients while Redis is
// down, without its event loops waiting; once Redis is back, go-redis
// reconnects and resubscribes and cross-node delivery and requests resume.
// Closing a node unsubscribes it (the others count one server less), and
// closing everything leaves no goroutine behind.
func TestRedisRestart(t *testing.T) {
	srv := redistest.Start(t)
	base := runtime.NumGoroutine()
	a := startNode(t, srv.Addr(), "A", pubsubTimeout(2*time.Second))
	b := startNode(t, srv.Addr(), "B", pubsubTimeout(2*time.Second))
	waitServerCount(t, 2, a, b)
	a1 := dialClient(t, a.addr, "/", "a1", `{"name":"a1","rooms":["r1"]}`, "")
	b1 := dialClient(t, b.addr, "/", "b1", `{"name":"b1","rooms":["r1"]}`, "")
	must(t, a.ns("/").Emit("before"))
	b1.WaitEvent(t, "before", 1)

	srv.Kill(t)
	for i := range 200 {
		start := time.Now()
		must(t, a.ns("/").Emit("while-down", i))
		if d := time.Since(start); d > time.Second {
			t.Fatalf("a broadcast took %v with Redis down", d)
		}
	}
	a1.WaitEvent(t, "while-down", 200)
	must(t, b.ns("/").Local().Emit("local-while-down"))
	b1.WaitEvent(t, "local-while-down", 1)

	srv.Restart(t)
	resumed := func(from *testNode, to *sioClient) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for i := 0; ; i++ {
			must(t, from.ns("/").Emit(fmt.Sprintf("after-%s", from.name), i))
			time.Sleep(50 * time.Millisecond) // a pause between probes, not a synchronisation
			if len(to.Received("after-"+from.name)) > 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no cross-node delivery from %s to %s within 30s of the restart", from.name, to.Name)
			}
		}
	}
	resumed(a, b1)
	resumed(b, a1)
	waitServerCount(t, 2, a, b)
	done := make(chan []string, 1)
	must(t, a.ns("/").ServerSideEmit("ping", func(err error, replies []string) {
		if err != nil {
			t.Errorf("server-side emit after the restart: %v", err)
		}
		done <- replies
	}))
	if r := <-done; !slices.Equal(r, []string{"pong-B"}) {
		t.Errorf("server-side emit after the restart: %q", r)
	}

	_ = a1.Close()
	_ = b1.Close()
	a.stop()
	waitServerCount(t, 1, b) // closing unsubscribed A
	b.stop()
	deadline := time.Now().Add(waitTimeout)
	for runtime.NumGoroutine() > base+2 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after closing, %d before starting the nodes:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
