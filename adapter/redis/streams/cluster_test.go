package streams

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// Two tornadio nodes on one Redis, each with clients: every cross-node
// operation reaches exactly the right clients, exactly once.

func TestBroadcastAcrossNodes(t *testing.T) {
	p := startPair(t)
	ca, _, _ := dialPoll(t, p.a.srv.Addr(), `{"rooms":["r1"]}`, "")
	cb, sidB, _ := dialPoll(t, p.b.srv.Addr(), `{"rooms":["r2"]}`, "")
	p.warmUp(t, ca, cb)

	_ = p.a.ns.Emit("all", 1)
	_ = p.a.ns.To("r2").Emit("to-r2", 2)
	_ = p.b.ns.To("r1").Emit("to-r1", 3)
	_ = p.a.ns.Except("r2").Emit("except-r2", 4)
	_ = p.b.ns.To(sidB).Emit("to-sid", 5)
	_ = p.a.ns.Local().Emit("local", 6)
	_ = p.a.ns.Emit("bin", []byte{1, 2, 3})
	_ = p.a.ns.Emit("end")
	_ = p.b.ns.Emit("end")
	for _, c := range []*pollClient{ca, cb} {
		c.next(`42["end"`)
		c.next(`42["end"`)
	}
	// Sorted: a broadcast is delivered locally once Redis has its offset,
	// a local one at once, as in Node.
	names := func(c *pollClient) []string {
		var out []string
		for _, e := range c.events("4") {
			if i := strings.Index(e, `["`); i >= 0 {
				out = append(out, strings.SplitN(e[i+2:], `"`, 2)[0])
			}
		}
		slices.Sort(out)
		return out
	}
	if got, want := names(ca), []string{"all", "bin", "except-r2", "local", "to-r1"}; !slices.Equal(got, want) {
		t.Errorf("client of A got %q, want %q", got, want)
	}
	if got, want := names(cb), []string{"all", "bin", "to-r2", "to-sid"}; !slices.Equal(got, want) {
		t.Errorf("client of B got %q, want %q", got, want)
	}
	// Every broadcast carries its stream entry id as its last argument,
	// on both nodes, the same id for the same broadcast.
	offA, offB := lastArg(t, ca.events(`42["all"`)[0]), lastArg(t, cb.events(`42["all"`)[0])
	if offA != offB || !offsetRE.MatchString(strings.Trim(offA, `"`)) {
		t.Errorf("offsets %s and %s", offA, offB)
	}
	if local := ca.events(`42["local"`)[0]; local != `42["local",6]` {
		t.Errorf("a local broadcast never reaches the stream and has no offset: %q", local)
	}
	// Binary crosses as base64 msgpack and arrives as an attachment.
	bin := cb.events(`451-["bin"`)
	if len(bin) != 1 || !strings.HasPrefix(bin[0], `451-["bin",{"_placeholder":true,"num":0},"`) {
		t.Errorf("binary broadcast %q", bin)
	}
	if att := cb.events("b"); len(att) != 1 || att[0] != "bAQID" {
		t.Errorf("attachment %q, want bAQID", att)
	}
}

func TestBroadcastWithAckAcrossNodes(t *testing.T) {
	p := startPair(t)
	ca, _, _ := dialPoll(t, p.a.srv.Addr(), "", `"from-a"`)
	cb, _, _ := dialPoll(t, p.b.srv.Addr(), "", `"from-b"`)
	dialPoll(t, p.b.srv.Addr(), "", `"from-b2"`)
	_ = ca
	_ = cb
	done := make(chan []string, 1)
	errs := make(chan error, 1)
	err := p.a.ns.Timeout(10*time.Second).Emit("ask", 1, func(err error, replies []string) {
		errs <- err
		done <- replies
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		replies := <-done
		slices.Sort(replies)
		if err != nil || !slices.Equal(replies, []string{"from-a", "from-b", "from-b2"}) {
			t.Fatalf("replies %q, err %v", replies, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no answer")
	}
}

func TestFetchSocketsJoinLeaveDisconnectAcrossNodes(t *testing.T) {
	p := startPair(t)
	ca, sidA, _ := dialPoll(t, p.a.srv.Addr(), `{"rooms":["r1"]}`, "")
	cb, sidB, _ := dialPoll(t, p.b.srv.Addr(), `{"rooms":["r2"]}`, "")
	p.warmUp(t, ca, cb)

	fetch := func(n *testNode, rooms ...string) map[string][]string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		sockets, err := n.ns.In(rooms...).FetchSockets(ctx)
		if err != nil {
			t.Fatalf("fetch from %s: %v", n.name, err)
		}
		out := map[string][]string{}
		for _, s := range sockets {
			rooms := append([]string(nil), s.Rooms...)
			slices.Sort(rooms)
			var data struct{ Node string }
			_ = s.DecodeData(&data)
			out[s.ID] = append(rooms, "node="+data.Node)
		}
		return out
	}
	got := fetch(p.a)
	if len(got) != 2 || !slices.Contains(got[sidA], "r1") || !slices.Contains(got[sidB], "r2") ||
		!slices.Contains(got[sidB], "node=B") || !slices.Contains(got[sidA], "node=A") {
		t.Fatalf("fetch from A: %v", got)
	}
	if got := fetch(p.b, "r1"); len(got) != 1 || got[sidA] == nil {
		t.Fatalf("fetch r1 from B: %v", got)
	}

	// A makes B's socket join r3; a broadcast to r3 issued after it, from
	// B, reaches it (the stream keeps A's messages in order for B).
	p.a.ns.In("r2").SocketsJoin("r3")
	_ = p.a.ns.To("r3").Emit("in-r3")
	cb.next(`42["in-r3"`)
	if got := fetch(p.b, "r3"); len(got) != 1 || got[sidB] == nil {
		t.Fatalf("r3 after SocketsJoin: %v", got)
	}
	p.a.ns.In("r2").SocketsLeave("r3")
	_ = p.a.ns.To("r3").Emit("in-r3-again")
	_ = p.a.ns.Emit("after-leave")
	cb.next(`42["after-leave"`)
	if got := cb.events(`42["in-r3-again"`); len(got) != 0 {
		t.Fatalf("left r3 but got %q", got)
	}

	// B disconnects A's socket.
	p.b.ns.In(sidA).DisconnectSockets(false)
	ca.next("41")
}

func TestServerSideEmitAcrossNodes(t *testing.T) {
	p := startPair(t)
	if err := p.a.ns.ServerSideEmit("note", "hello"); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-p.notes:
		if n != "B:hello" {
			t.Fatalf("note %q", n)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("B never got the note")
	}
	type result struct {
		err     error
		replies []string
	}
	res := make(chan result, 1)
	if err := p.b.ns.ServerSideEmit("ping", 1, func(err error, replies []string) { res <- result{err, replies} }); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-res:
		if r.err != nil || !slices.Equal(r.replies, []string{"A"}) {
			t.Fatalf("ping answers %q, %v", r.replies, r.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no answer to ping")
	}
	select {
	case n := <-p.notes:
		t.Fatalf("unexpected note %q", n)
	default:
	}
}

// A client disconnects from A, misses broadcasts, and reconnects to B with
// its pid and last offset: it gets its id, rooms and data back, and the
// broadcasts to its rooms that it missed, each with its offset, in order.
func TestRecoveryAcrossNodes(t *testing.T) {
	p := startPair(t)
	ca, sid, pid := dialPoll(t, p.a.srv.Addr(), `{"rooms":["news"]}`, "")
	if pid == "" {
		t.Fatal("no pid: recovery is off")
	}
	observer, _, _ := dialPoll(t, p.b.srv.Addr(), `{"rooms":["news"]}`, "")
	p.warmUp(t, ca, observer)
	_ = p.b.ns.To("news").Emit("n", 1)
	offset := lastArg(t, ca.next(`42["n",1`))
	observer.next(`42["n",1`)
	ca.leave()

	// Wait for the session to reach Redis (the persist is asynchronous).
	client := p.redis.Client(t)
	deadline := time.Now().Add(20 * time.Second)
	for client.Exists(context.Background(), "sio:session:"+pid).Val() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("session never persisted")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ttl := client.PTTL(context.Background(), "sio:session:"+pid).Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("session ttl %v", ttl)
	}
	_ = p.a.ns.To("news").Emit("n", 2)
	_ = p.b.ns.To("elsewhere").Emit("n", 3)
	_ = p.b.ns.Emit("n", 4)
	_ = p.a.ns.Except("news").Emit("n", 5)
	_ = p.a.ns.Emit("n-end")
	// Every broadcast is in the stream once the observer (on B, in news)
	// has it: A's through B's reader, B's after its XADD.
	observer.next(`42["n",2`)
	observer.next(`42["n",4`)
	observer.next(`42["n-end"`)

	var off string
	_ = json.Unmarshal([]byte(offset), &off)
	auth, _ := json.Marshal(map[string]string{"pid": pid, "offset": off})
	cb, sid2, pid2 := dialPoll(t, p.b.srv.Addr(), string(auth), "")
	if sid2 != sid || pid2 != pid {
		t.Fatalf("recovered as %s/%s, want %s/%s", sid2, pid2, sid, pid)
	}
	// The missed packets come in the stream's order (A's and B's
	// publications interleave as Redis ran them), each after the offset.
	events := cb.waitN("42", 3)
	var names, replayed []string
	for _, e := range events {
		names = append(names, e[:strings.LastIndexByte(e, ',')]) // without the offset
		replayed = append(replayed, lastArg(t, e))
	}
	slices.Sort(names)
	if want := []string{`42["n",2`, `42["n",4`, `42["n-end"`}; !slices.Equal(names, want) {
		t.Fatalf("replayed %q, want n 2, n 4 and n-end", events)
	}
	prev := offset
	for _, o := range replayed {
		if !entryIDLess(prev, o) {
			t.Fatalf("replayed offsets %q after %s: not in stream order", replayed, offset)
		}
		prev = o
	}
	// Its rooms and data came back with it.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sockets, err := p.a.ns.In("news").FetchSockets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range sockets {
		if s.ID == sid {
			var data struct{ Node string }
			_ = s.DecodeData(&data)
			found = slices.Contains(s.Rooms, "news") && data.Node == "A"
		}
	}
	if !found {
		t.Fatalf("recovered socket not in news with its data: %+v", sockets)
	}
	// The session was taken: the same pid cannot recover twice.
	if client.Exists(context.Background(), "sio:session:"+pid).Val() != 0 {
		t.Fatal("session still in Redis")
	}
	_ = tornadio.ReasonTransportClose
}

// entryIDLess compares two stream entry ids given as JSON strings.
func entryIDLess(a, b string) bool {
	parse := func(s string) (ms, seq uint64) {
		s = strings.Trim(s, `"`)
		m, q, _ := strings.Cut(s, "-")
		ms, _ = strconv.ParseUint(m, 10, 64)
		seq, _ = strconv.ParseUint(q, 10, 64)
		return ms, seq
	}
	am, as := parse(a)
	bm, bs := parse(b)
	return am < bm || am == bm && as < bs
}
