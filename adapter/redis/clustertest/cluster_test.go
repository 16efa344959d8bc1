package clustertest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// Namespaces served by every node.
var namespaces = []string{"/", "/chat"}

// member is one of the cluster's standing clients.
type member struct {
	clientSpec
	Sid string
}

// cluster is a running cluster: a redis-server, three nodes, one clients
// process and the standing clients: on every node, in each namespace, one
// websocket and one polling client, in room r1 or r2 alternately; plus, in
// "/" on the last node, "mute", a client in room "mute" that never answers
// acks.
type cluster struct {
	kind    string
	caps    Capabilities
	redis   *redistest.Server
	monitor *redistest.Monitor // every command Redis ran since the cluster started
	nodes   []ClusterNode
	clients *clientsProc
	members []*member
	seq     atomic.Int64
}

// newCluster starts a cluster of kind: two tornadio nodes and one Node node
// when NewTornadioNode has a function for kind, three Node nodes otherwise;
// it returns once every node counts three servers and a broadcast from
// every node reaches every client.
func newCluster(t *testing.T, kind string) *cluster {
	t.Helper()
	c := &cluster{kind: kind, caps: capabilities(kind), redis: redistest.Start(t)}
	c.monitor = c.redis.Monitor(t)
	if mk := NewTornadioNode[kind]; mk != nil {
		c.nodes = []ClusterNode{mk(t, c.redis.Addr(), "go1"), mk(t, c.redis.Addr(), "go2"), startNodeNode(t, kind, c.redis.Addr(), "node3", nil)}
	} else {
		for i := 1; i <= 3; i++ {
			c.nodes = append(c.nodes, startNodeNode(t, kind, c.redis.Addr(), fmt.Sprintf("node%d", i), nil))
		}
	}
	c.waitServerCount(t)
	c.clients = startClients(t)
	for i, n := range c.nodes {
		for _, nsp := range namespaces {
			for j, tr := range []string{"websocket", "polling"} {
				room := "r1"
				if (i+j)%2 == 1 {
					room = "r2"
				}
				c.addMember(t, clientSpec{Name: fmt.Sprintf("%s%s-%s", n.Name(), nspLabel(nsp), tr[:2]), Node: i, Nsp: nsp, Transport: tr, Rooms: []string{room}})
			}
		}
	}
	c.addMember(t, clientSpec{Name: c.nodes[2].Name() + "-mute", Node: 2, Nsp: "/", Transport: "websocket", Rooms: []string{"mute"}, NoAck: true})
	c.warmUp(t)
	return c
}

func nspLabel(nsp string) string {
	if nsp == "/" {
		return "-root"
	}
	return "-" + strings.TrimPrefix(nsp, "/")
}

func (c *cluster) addMember(t *testing.T, spec clientSpec) {
	t.Helper()
	sid := c.clients.open(t, spec, c.nodes[spec.Node].URL())
	c.members = append(c.members, &member{clientSpec: spec, Sid: sid})
}

// token returns a name unique in this cluster, for events and rooms. No
// token is a substring of another (the final dot ends the number), so the
// Redis commands that carry one can be counted by substring.
func (c *cluster) token(prefix string) string {
	return fmt.Sprintf("%s-%d.", prefix, c.seq.Add(1))
}

// waitServerCount waits until every node counts three servers in every
// namespace (its subscriptions are in place). Polls: a node's count only
// changes through Redis, with nothing to wait on.
func (c *cluster) waitServerCount(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for _, n := range c.nodes {
		for _, nsp := range namespaces {
			for {
				var count int
				doInto(t, n, Op{Op: "serverCount", Nsp: nsp}, &count)
				if count == len(c.nodes) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s %s: serverCount %d, want %d after %v", n.Name(), nsp, count, len(c.nodes), startTimeout)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
}

// warmUp broadcasts from every node in every namespace until one broadcast
// reaches every client: a node may count as subscribed (PUBSUB NUMSUB)
// before all its readers run (the streams adapter's XREAD starts on its own
// connection). A broadcast that misses is simply repeated with a new token.
func (c *cluster) warmUp(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for i, n := range c.nodes {
		for _, nsp := range namespaces {
			want := c.selectMembers(nsp, nil, nil, -1)
			for {
				ev := c.token("warm")
				do(t, n, Op{Op: "emit", Nsp: nsp, Event: ev})
				if c.waitReceivedBy(want, ev, 2*time.Second) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("warm-up: broadcasts from node %d in %s do not reach every client after %v: %s", i, nsp, startTimeout, quote(c.clients.received(ev)))
				}
			}
		}
	}
}

// waitReceivedBy waits up to timeout until every member of want has received
// an event named ev; it reports whether they did.
func (c *cluster) waitReceivedBy(want []*member, ev string, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	r := c.clients.reports
	for {
		r.mu.Lock()
		got := map[string]bool{}
		for _, rep := range r.list {
			if rep.Event == "recv" && rep.Name == ev {
				got[rep.Client] = true
			}
		}
		changed, closed := r.changed, r.closed
		r.mu.Unlock()
		all := true
		for _, m := range want {
			all = all && got[m.Name]
		}
		if all {
			return true
		}
		if closed != nil {
			return false
		}
		select {
		case <-changed:
		case <-deadline.C:
			return false
		}
	}
}

// selectMembers returns the standing clients a broadcast in nsp to rooms
// (all when empty) except the except rooms reaches; onNode >= 0 keeps that
// node's clients only (a Local broadcast). A socket id counts as a room.
func (c *cluster) selectMembers(nsp string, rooms, except []string, onNode int) []*member {
	var out []*member
	in := func(m *member, rs []string) bool {
		for _, r := range rs {
			if r == m.Sid || slices.Contains(m.Rooms, r) {
				return true
			}
		}
		return false
	}
	for _, m := range c.members {
		if m.Nsp != nsp || (onNode >= 0 && m.Node != onNode) {
			continue
		}
		if len(rooms) > 0 && !in(m, rooms) {
			continue
		}
		if in(m, except) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func names(ms []*member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	sort.Strings(out)
	return out
}

// issuer is what issues cluster operations: a node, or the emitter.
type issuer interface {
	Name() string
	Do(op Op) (json.RawMessage, error)
}

// barrier returns once a sentinel broadcast from from, in every namespace,
// has reached every standing client. Broadcasts from one source in one
// namespace arrive in order, so everything it broadcast before is in by
// then: a quiet period measured by delivery, not by a clock.
func (c *cluster) barrier(t *testing.T, from issuer) {
	t.Helper()
	ev := c.token("sentinel")
	for _, nsp := range namespaces {
		do(t, from, Op{Op: "emit", Nsp: nsp, Event: ev})
	}
	if !c.waitReceivedBy(c.members, ev, eventTimeout) {
		t.Fatalf("barrier: sentinel %s from %s did not reach every client: got %s", ev, from.Name(), quote(keys(c.clients.received(ev))))
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// delivery says how expectDeliveries judges one broadcast.
type delivery struct {
	// Volatile: a volatile broadcast may be dropped per client; then no
	// client may get it twice or unasked, and at least one must get it.
	Volatile bool
	// Args, when set, is what every receiver must see as the event's
	// arguments (JSON, binary as {"$bin": base64}).
	Args []any
	// WithAck: the receivers must see an ack requested.
	WithAck bool
	// Local: the broadcast was flagged Local.
	Local bool
}

// expectDeliveries checks that the event ev, broadcast from from, reached
// exactly the clients of want, each exactly once: it waits for them, then for
// a barrier from the same source, then counts. It also checks that Redis
// carried the broadcast in one command (PUBLISH, SPUBLISH or XADD), none for
// a Local one.
func (c *cluster) expectDeliveries(t *testing.T, from issuer, ev string, want []*member, d delivery) {
	t.Helper()
	if !d.Volatile && !c.waitReceivedBy(want, ev, eventTimeout) {
		t.Fatalf("%s from %s: want %s, got %s after %v", ev, from.Name(), quote(names(want)), quote(keys(c.clients.received(ev))), eventTimeout)
	}
	c.barrier(t, from)
	got := c.clients.received(ev)
	wanted := map[string]bool{}
	for _, m := range want {
		wanted[m.Name] = true
	}
	offsets := map[string][]string{} // stream offset -> receivers
	for client, reps := range got {
		switch {
		case !wanted[client]:
			t.Errorf("%s from %s: delivered to %s, which must not get it (want %s)", ev, from.Name(), client, quote(names(want)))
		case len(reps) != 1:
			t.Errorf("%s from %s: %s got it %d times, want once", ev, from.Name(), client, len(reps))
		}
		for _, r := range reps {
			args, offset := splitOffset(c.kind, r.Args)
			offsets[offset] = append(offsets[offset], client)
			if d.Args != nil && !sameJSON(args, d.Args) {
				t.Errorf("%s from %s: %s got args %s, want %s", ev, from.Name(), client, quote(args), quote(d.Args))
			}
			if r.WithAck != d.WithAck {
				t.Errorf("%s from %s: %s saw an ack requested = %v, want %v", ev, from.Name(), client, r.WithAck, d.WithAck)
			}
		}
	}
	// Under the streams adapter's connection state recovery, a broadcast
	// that goes through the stream carries its entry id as a last argument,
	// the same for every receiver; volatile, local and acked ones do not.
	wantOffset := c.kind == "streams" && !d.Volatile && !d.Local && !d.WithAck
	if len(offsets) > 1 || (len(offsets) == 1 && (offsets[""] != nil) == wantOffset) {
		t.Errorf("%s from %s: stream offsets seen %s, want %s", ev, from.Name(), quote(offsets),
			map[bool]string{true: "one offset for all", false: "none"}[wantOffset])
	}
	c.expectPublishes(t, from, ev, d)
	if d.Volatile {
		if len(got) == 0 && len(want) > 0 {
			t.Errorf("volatile %s from %s: no client got it (want some of %s)", ev, from.Name(), quote(names(want)))
		}
		return
	}
	for _, m := range want {
		if len(got[m.Name]) == 0 {
			t.Errorf("%s from %s: %s did not get it", ev, from.Name(), m.Name)
		}
	}
}

// expectPublishes checks that Redis carried the broadcast of ev in one
// command (none when Local): a publish per broadcast, not per socket or per
// node. The streams adapter's base64 msgpack (for binary arguments) hides
// the event name, so those are not counted.
func (c *cluster) expectPublishes(t *testing.T, from issuer, ev string, d delivery) {
	t.Helper()
	if c.kind == "streams" && hasBinary(d.Args) {
		return
	}
	c.monitor.Sync(t)
	cmds := c.monitor.Commands()
	n := 0
	for _, name := range []string{"PUBLISH", "SPUBLISH", "XADD"} {
		n += redistest.Count(cmds, name, ev)
	}
	want := 1
	if d.Local {
		want = 0
	}
	if n != want {
		var seen []string
		for _, cmd := range cmds {
			if redistest.Count([]redistest.Command{cmd}, cmd.Name(), ev) > 0 {
				seen = append(seen, cmd.Name()+" "+cmd.Args[1])
			}
		}
		t.Errorf("%s from %s: Redis ran %d commands carrying it, want %d: %s", ev, from.Name(), n, want, quote(seen))
	}
}

// hasBinary reports whether args hold a binary value.
func hasBinary(args []any) bool {
	raw, _ := json.Marshal(args)
	return strings.Contains(string(raw), `"$bin"`)
}

// streamOffset is a Redis stream entry id, which the streams adapter appends
// to a broadcast's arguments for connection state recovery.
var streamOffset = regexp.MustCompile(`^"[0-9]+-[0-9]+"$`)

// splitOffset separates, for the streams kind, the trailing stream offset
// from an event's arguments.
func splitOffset(kind string, args []json.RawMessage) ([]json.RawMessage, string) {
	if kind != "streams" || len(args) == 0 || !streamOffset.Match(args[len(args)-1]) {
		return args, ""
	}
	var off string
	_ = json.Unmarshal(args[len(args)-1], &off)
	return args[:len(args)-1], off
}

// sameJSON compares two values by their JSON encodings' meaning.
func sameJSON(a, b any) bool {
	norm := func(v any) any {
		raw, err := json.Marshal(v)
		if err != nil {
			return err.Error()
		}
		var out any
		_ = json.Unmarshal(raw, &out)
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// waitFor polls cond (a question to the cluster: rooms after a remote join
// travel through Redis with nothing to wait on) until it holds.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(eventTimeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v; last: %s", what, eventTimeout, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
