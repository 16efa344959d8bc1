package pubsub_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// twoNodes is a cluster of two tornadio nodes A and B on one redis-server,
// with clients: a1 (A, room r1), b1 (B, r1), b2 (B, r2), bchat (B, "/chat",
// r1). Every client answers ack requests with "ok-<name>".
type twoNodes struct {
	redis          *redistest.Server
	a, b           *testNode
	a1, b1, b2, bc *sioClient
	barriers       atomic.Int64
}

func startTwoNodes(t *testing.T) *twoNodes {
	t.Helper()
	c := &twoNodes{redis: redistest.Start(t)}
	c.a = startNode(t, c.redis.Addr(), "A")
	c.b = startNode(t, c.redis.Addr(), "B")
	waitServerCount(t, 2, c.a, c.b)
	client := func(n *testNode, nsp, name, room string) *sioClient {
		return dialClient(t, n.addr, nsp, name, fmt.Sprintf(`{"name":%q,"rooms":[%q]}`, name, room), fmt.Sprintf(`"ok-%s"`, name))
	}
	c.a1 = client(c.a, "/", "a1", "r1")
	c.b1 = client(c.b, "/", "b1", "r1")
	c.b2 = client(c.b, "/", "b2", "r2")
	c.bc = client(c.b, "/chat", "bchat", "r1")
	return c
}

func (c *twoNodes) clients() []*sioClient { return []*sioClient{c.a1, c.b1, c.b2, c.bc} }

// barrier broadcasts from n to every client of both namespaces and waits
// until each got it: everything n published before has been delivered
// (one publisher queue per namespace, Redis and each loop keep the order).
func (c *twoNodes) barrier(t *testing.T, n *testNode) {
	t.Helper()
	ev := fmt.Sprintf("barrier-%d", c.barriers.Add(1))
	for _, nsp := range namespaces {
		if err := n.ns(nsp).Emit(ev); err != nil {
			t.Fatal(err)
		}
	}
	for _, cl := range c.clients() {
		if !cl.Disconnected() {
			cl.WaitEvent(t, ev, 1)
		}
	}
}

// expectOnly checks, after a barrier, that exactly want received ev, once
// each.
func (c *twoNodes) expectOnly(t *testing.T, ev string, want ...*sioClient) {
	t.Helper()
	for _, cl := range c.clients() {
		n := len(cl.Received(ev))
		if slices.Contains(want, cl) {
			if n != 1 {
				t.Errorf("%s: %q received %d times, want once", cl.Name, ev, n)
			}
		} else if n != 0 {
			t.Errorf("%s: %q received %d times, want never", cl.Name, ev, n)
		}
	}
}

func TestBroadcastAcrossNodes(t *testing.T) {
	c := startTwoNodes(t)
	root := c.a.ns("/")
	must(t, root.Emit("all", 1, "x"))
	must(t, root.To("r1").Emit("r1"))
	must(t, root.Except("r1").Emit("not-r1"))
	must(t, root.To("r1", "r2").Except(c.a1.SID).Emit("r1-r2-not-a1"))
	must(t, root.To(c.b1.SID).Emit("to-b1"))
	must(t, root.Local().Emit("local"))
	must(t, root.Volatile().Emit("volatile"))
	must(t, root.Emit("binary", []byte{0, 1, 255}, map[string]any{"nested": []byte("abc"), "n": 2}))
	must(t, c.a.ns("/chat").To("r1").Emit("chat-r1", "hi"))
	// The other way round: from B, with a client of A among the receivers.
	must(t, c.b.ns("/").To("r1").Emit("from-b"))
	c.barrier(t, c.a)
	c.barrier(t, c.b)
	c.expectOnly(t, "all", c.a1, c.b1, c.b2)
	c.expectOnly(t, "r1", c.a1, c.b1)
	c.expectOnly(t, "not-r1", c.b2)
	c.expectOnly(t, "r1-r2-not-a1", c.b1, c.b2)
	c.expectOnly(t, "to-b1", c.b1)
	c.expectOnly(t, "local", c.a1)
	c.expectOnly(t, "volatile", c.a1, c.b1, c.b2)
	c.expectOnly(t, "binary", c.a1, c.b1, c.b2)
	c.expectOnly(t, "chat-r1", c.bc)
	c.expectOnly(t, "from-b", c.a1, c.b1)
	if got := c.b1.Received("all")[0].ArgText(); got != `1,"x"` {
		t.Errorf("b1 got all(%s)", got)
	}
	bin := c.b1.Received("binary")[0]
	if got := bin.ArgText(); got != `{"_placeholder":true,"num":0},{"n":2,"nested":{"_placeholder":true,"num":1}}` {
		t.Errorf("b1 got binary(%s)", got)
	}
	if len(bin.Atts) != 2 || string(bin.Atts[0]) != "\x00\x01\xff" || string(bin.Atts[1]) != "abc" {
		t.Errorf("b1 got attachments %q", bin.Atts)
	}
}

func TestBroadcastWithAckAcrossNodes(t *testing.T) {
	c := startTwoNodes(t)
	type result struct {
		err     error
		replies []string
	}
	done := make(chan result, 1)
	must(t, c.a.ns("/").Timeout(10*time.Second).Emit("ask", "q", func(err error, replies []string) {
		done <- result{err, replies}
	}))
	r := <-done
	sort.Strings(r.replies)
	if r.err != nil || !slices.Equal(r.replies, []string{"ok-a1", "ok-b1", "ok-b2"}) {
		t.Errorf("from A: %v %q", r.err, r.replies)
	}

	// A client that never answers: the broadcast times out with the
	// answers so far.
	mute := dialClient(t, c.b.addr, "/", "mute", `{"name":"mute","rooms":["r2"]}`, "")
	must(t, c.b.ns("/").To("r2").Timeout(time.Second).Emit("ask-r2", func(err error, replies []string) {
		done <- result{err, replies}
	}))
	r = <-done
	if !errors.Is(r.err, tornadio.ErrAckTimeout) || !slices.Equal(r.replies, []string{"ok-b2"}) {
		t.Errorf("with a mute client: %v %q", r.err, r.replies)
	}
	mute.WaitEvent(t, "ask-r2", 1)
}

func TestRoomsAndDisconnectAcrossNodes(t *testing.T) {
	c := startTwoNodes(t)
	root := c.a.ns("/")
	root.In("r2").SocketsJoin("joined")
	must(t, root.To("joined").Emit("to-joined"))
	c.barrier(t, c.a)
	c.expectOnly(t, "to-joined", c.b2)
	if rooms := c.b.ns("/").Socket(c.b2.SID).Rooms(); !slices.Contains(rooms, "joined") {
		t.Errorf("b2's rooms on B: %q", rooms)
	}

	root.In("joined").SocketsLeave("joined")
	root.In(c.b1.SID).SocketsJoin("joined")
	c.barrier(t, c.a)
	must(t, c.b.ns("/").To("joined").Emit("to-joined-2"))
	c.barrier(t, c.b)
	c.expectOnly(t, "to-joined-2", c.b1)

	// Remote disconnection, then with close the whole connection.
	root.In(c.b2.SID).DisconnectSockets(false)
	c.b2.WaitDisconnected(t)
	root.Except("r2").DisconnectSockets(true)
	c.b1.WaitDisconnected(t)
	c.a1.WaitDisconnected(t)
	c.barrier(t, c.b)
	if c.bc.Disconnected() {
		t.Error("a client of /chat was disconnected by a disconnection in /")
	}
}

func TestFetchSocketsAndRoomsAcrossNodes(t *testing.T) {
	c := startTwoNodes(t)
	ctx := context.Background()
	socks, err := c.a.ns("/").FetchSockets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*tornadio.RemoteSocket{}
	for _, s := range socks {
		byID[s.ID] = s
	}
	if len(socks) != 3 || byID[c.a1.SID] == nil || byID[c.b1.SID] == nil || byID[c.b2.SID] == nil {
		t.Fatalf("fetched %d sockets: %v", len(socks), byID)
	}
	b1 := byID[c.b1.SID]
	if b1.Local() || b1.Handshake == nil || !strings.HasPrefix(b1.Handshake.URL, "/socket.io/") || b1.Handshake.Address != "127.0.0.1" {
		t.Errorf("b1: local %v handshake %+v", b1.Local(), b1.Handshake)
	}
	var data map[string]string
	if err := b1.DecodeData(&data); err != nil || data["name"] != "b1" || data["node"] != "B" {
		t.Errorf("b1's data %v (%v)", data, err)
	}
	if !slices.Contains(b1.Rooms, "r1") || !slices.Contains(b1.Rooms, c.b1.SID) {
		t.Errorf("b1's rooms %q", b1.Rooms)
	}
	socks, err = c.a.ns("/").In("r2").FetchSockets(ctx)
	if err != nil || len(socks) != 1 || socks[0].ID != c.b2.SID {
		t.Errorf("fetch r2: %v %v", socks, err)
	}

	rooms, err := c.a.ns("/").Adapter().AllRooms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"r1", "r2", c.a1.SID, c.b1.SID, c.b2.SID} {
		if !slices.Contains(rooms, want) {
			t.Errorf("all rooms %q lack %q", rooms, want)
		}
	}
	if n, err := c.b.ns("/chat").Adapter().ServerCount(ctx); n != 2 || err != nil {
		t.Errorf("server count %d %v", n, err)
	}
}

func TestServerSideEmitAcrossNodes(t *testing.T) {
	c := startTwoNodes(t)
	must(t, c.a.ns("/").ServerSideEmit("note", "hi", 2))
	c.b.waitServerSide(t, `/ note "hi"2`)
	type result struct {
		err     error
		replies []string
	}
	done := make(chan result, 1)
	must(t, c.b.ns("/chat").ServerSideEmit("ping", "x", func(err error, replies []string) { done <- result{err, replies} }))
	r := <-done
	if r.err != nil || !slices.Equal(r.replies, []string{"pong-A"}) {
		t.Errorf("ping from B: %v %q", r.err, r.replies)
	}
	c.a.waitServerSide(t, `/chat ping "x"`)
	for _, ev := range c.a.serverSideEvents() {
		if strings.Contains(ev, "note") {
			t.Errorf("A received its own server-side event %q", ev)
		}
	}
}

// TestRequestsTimeOutWhenANodeDies counts a third node that never answers
// (subscribed, as a node that died after the count): requests end at the
// request timeout with the answers so far.
func TestRequestsTimeOutWhenANodeDies(t *testing.T) {
	srv := redistest.Start(t)
	a := startNode(t, srv.Addr(), "A", pubsubTimeout(time.Second))
	b := startNode(t, srv.Addr(), "B", pubsubTimeout(time.Second))
	dead := srv.Client(t).Subscribe(context.Background(), "socket.io-request#/#")
	t.Cleanup(func() { _ = dead.Close() })
	if _, err := dead.Receive(context.Background()); err != nil { // the subscription's confirmation
		t.Fatal(err)
	}
	waitServerCountNsp(t, "/", 3, a, b)
	dialClient(t, b.addr, "/", "b1", `{"name":"b1","rooms":["r1"]}`, "")

	type result struct {
		err     error
		replies []string
	}
	done := make(chan result, 1)
	start := time.Now()
	must(t, a.ns("/").ServerSideEmit("ping", func(err error, replies []string) { done <- result{err, replies} }))
	r := <-done
	var te *adapter.TimeoutError
	if !errors.As(r.err, &te) || te.Got != 1 || te.Want != 2 || !slices.Equal(r.replies, []string{"pong-B"}) {
		t.Errorf("server-side emit: %v %q", r.err, r.replies)
	}
	if r.err != nil && !strings.Contains(r.err.Error(), "timeout reached: only 1 responses received out of 2") {
		t.Errorf("error text %q", r.err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("ended after %v, before the request timeout", d)
	}

	socks, err := a.ns("/").FetchSockets(context.Background())
	if !errors.As(err, &te) || te.Got != 1 || te.Want != 2 || len(socks) != 1 {
		t.Errorf("fetch sockets: %d sockets, %v", len(socks), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := a.ns("/").Adapter().AllRooms(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("all rooms with a short context: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
