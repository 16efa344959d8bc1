package streams

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// With several streams a namespace writes to and reads from
// name-<hashCode % count>, negative remainders included.
func TestStreamCountRoutesNamespaces(t *testing.T) {
	srv := redistest.Start(t)
	mon := srv.Monitor(t)
	notes := make(chan string, 4)
	a := startNode(t, srv.Client(t), "A", notes, WithStreamCount(3))
	b := startNode(t, srv.Client(t), "B", notes, WithStreamCount(3))
	nsA := a.srv.Of("/rooms-and-more")
	b.srv.Of("/rooms-and-more") // B reads the namespace's stream too
	if got := nsA.Adapter().(*Adapter).Stream(); got != "socket.io--2" {
		t.Fatalf("stream %q, want socket.io--2", got)
	}
	if got := a.ns.Adapter().(*Adapter).Stream(); got != "socket.io-2" {
		t.Fatalf("stream of / %q, want socket.io-2", got)
	}
	mon.WaitFor(t, 20*time.Second, func(cmds []redistest.Command) bool {
		n := 0
		for _, c := range cmds {
			if c.Name() == "XREAD" && slices.Contains(c.Args, "socket.io--2") {
				n++
			}
		}
		return n >= 2 // both nodes read it
	})
	_ = nsA.Emit("hello")
	mon.WaitFor(t, 20*time.Second, func(cmds []redistest.Command) bool {
		for _, c := range cmds {
			if c.Name() == "XADD" && c.Args[1] == "socket.io--2" && redistest.Count([]redistest.Command{c}, "XADD", `"hello"`) == 1 {
				return true
			}
		}
		return false
	})
}

// With sharded pub/sub the ephemeral messages go through SSUBSCRIBE (one
// channel per command) and SPUBLISH, and the server count is SHARDNUMSUB.
func TestShardedPubSub(t *testing.T) {
	srv := redistest.Start(t)
	mon := srv.Monitor(t)
	notes := make(chan string, 4)
	a := startNode(t, srv.Client(t), "A", notes, WithShardedPubSub(true))
	b := startNode(t, srv.Client(t), "B", notes, WithShardedPubSub(true))
	waitServerCount(t, a, 2)
	waitServerCount(t, b, 2)
	type result struct {
		err     error
		replies []string
	}
	res := make(chan result, 1)
	if err := a.ns.ServerSideEmit("ping", 1, func(err error, replies []string) { res <- result{err, replies} }); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-res:
		if r.err != nil || !slices.Equal(r.replies, []string{"B"}) {
			t.Fatalf("answers %q, %v", r.replies, r.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no answer")
	}
	mon.Sync(t)
	cmds := mon.Commands()
	uid := a.ns.Adapter().(*Adapter).UID()
	for _, want := range [][]string{{"SSUBSCRIBE", "socket.io#/#"}, {"SSUBSCRIBE", "socket.io#/#" + uid + "#"}} {
		if !slices.ContainsFunc(cmds, func(c redistest.Command) bool { return slices.Equal(c.Args, want) }) {
			t.Errorf("no %q", want)
		}
	}
	if redistest.Count(cmds, "SPUBLISH", "") < 2 || redistest.Count(cmds, "PUBLISH", "") != 0 || redistest.Count(cmds, "SUBSCRIBE", "") != 0 {
		t.Errorf("SPUBLISH %d, PUBLISH %d, SUBSCRIBE %d", redistest.Count(cmds, "SPUBLISH", ""),
			redistest.Count(cmds, "PUBLISH", ""), redistest.Count(cmds, "SUBSCRIBE", ""))
	}
	if redistest.Count(cmds, "PUBSUB", "socket.io#/#") == 0 || !slices.ContainsFunc(cmds, func(c redistest.Command) bool {
		return c.Name() == "PUBSUB" && len(c.Args) > 1 && (c.Args[1] == "SHARDNUMSUB" || c.Args[1] == "shardnumsub")
	}) {
		t.Error("no PUBSUB SHARDNUMSUB")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if n, err := b.ns.Adapter().ServerCount(ctx); err != nil || n != 2 {
		t.Fatalf("server count %d, %v", n, err)
	}
}
