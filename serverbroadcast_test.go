package tornadio_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
)

// mainClients connects n websocket clients to the main namespace of srv and
// returns them with their socket ids.
func mainClients(t *testing.T, srv *tornadio.Server, n int) ([]*tcWS, []string) {
	t.Helper()
	var ws []*tcWS
	var ids []string
	for range n {
		w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
		_, id := w.connectSIO()
		ws, ids = append(ws, w), append(ids, id)
	}
	return ws, ids
}

// expectEvent reads the next packet of w and checks that it is the event
// name of the main namespace.
func expectEvent(t *testing.T, w *tcWS, who, name string) {
	t.Helper()
	p := w.mustReadPacket()
	got, _, err := tcParseEvent(p)
	if err != nil || got != name {
		t.Fatalf("%s got %q, want the event %q", who, p, name)
	}
}

// TestServerLevelBroadcasts: the Server's Emit, To, In, Except, Local,
// Volatile, Compress, Timeout, SocketsJoin, SocketsLeave, FetchSockets and
// DisconnectSockets act on the main namespace, as Node's io.* do, and its
// OnConnection and Use are the main namespace's.
func TestServerLevelBroadcasts(t *testing.T) {
	var used, connected sync.WaitGroup
	used.Add(3)
	connected.Add(3)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Use(func(*tornadio.Socket) error { used.Done(); return nil })
		srv.OnConnection(func(s *tornadio.Socket) { connected.Done() })
	})
	ws, ids := mainClients(t, srv, 3)
	used.Wait()
	connected.Wait()
	a, b, c := ws[0], ws[1], ws[2]
	every := func(name string) {
		t.Helper()
		for i, w := range ws {
			expectEvent(t, w, "client "+strconv.Itoa(i), name)
		}
	}

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(srv.Emit("all", 1))
	every("all")

	// Selections: what a client gets next shows what it did not get.
	must(srv.To(ids[0]).Emit("to-a"))
	must(srv.In(ids[1]).Emit("in-b"))
	must(srv.Except(ids[0], ids[1]).Emit("except-ab"))
	must(srv.Emit("mark"))
	expectEvent(t, a, "a", "to-a")
	expectEvent(t, b, "b", "in-b")
	expectEvent(t, c, "c", "except-ab")
	every("mark")

	must(srv.Local().Emit("local"))
	every("local")
	must(srv.Compress(false).Emit("uncompressed"))
	every("uncompressed")
	must(srv.Volatile().Emit("volatile")) // idle websockets take it
	every("volatile")

	srv.SocketsJoin("room")
	must(srv.To("room").Emit("in-room"))
	every("in-room")
	srv.SocketsLeave("room")
	must(srv.To("room").Emit("left-room"))
	must(srv.Emit("mark2"))
	every("mark2")

	got := fetched(srv.FetchSockets(context.Background()))
	var fetchedIDs []string
	for _, s := range got {
		fetchedIDs = append(fetchedIDs, s.ID)
	}
	slices.Sort(fetchedIDs)
	want := slices.Clone(ids)
	slices.Sort(want)
	if !slices.Equal(fetchedIDs, want) {
		t.Fatalf("FetchSockets %v, want %v", fetchedIDs, want)
	}

	// Timeout with an ack callback: every client's answer, in time.
	answers := make(chan []int, 1)
	must(srv.Timeout(10*time.Second).Emit("ask", func(err error, replies []int) {
		if err != nil {
			t.Errorf("ack callback: %v", err)
		}
		answers <- replies
	}))
	for i, w := range ws {
		p := w.mustReadPacket()
		rest, ok := strings.CutPrefix(p, "42")
		end := strings.IndexByte(rest, '[')
		if !ok || end <= 0 || !strings.HasPrefix(rest[end:], `["ask"`) {
			t.Fatalf("client %d got %q, want an event asking for an ack", i, p)
		}
		w.writeText("43" + rest[:end] + "[" + strconv.Itoa(i+1) + "]")
	}
	select {
	case replies := <-answers:
		slices.Sort(replies)
		if !slices.Equal(replies, []int{1, 2, 3}) {
			t.Fatalf("replies %v", replies)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no ack callback")
	}

	srv.DisconnectSockets(false)
	for i, w := range ws {
		if p := w.mustReadPacket(); p != "41" {
			t.Fatalf("client %d got %q, want a DISCONNECT", i, p)
		}
	}
}

// sideBus links the main namespaces of servers in one process, as a
// cluster adapter would, for their server-side events only.
type sideBus struct {
	mu     sync.Mutex
	locals []*adapter.Local
}

func (bus *sideBus) factory(name string, l *adapter.Local) adapter.Adapter {
	inner := adapter.NewInMemory(name, l)
	if name != "/" {
		return inner
	}
	bus.mu.Lock()
	bus.locals = append(bus.locals, l)
	bus.mu.Unlock()
	return &sideAdapter{Adapter: inner, bus: bus, local: l}
}

type sideAdapter struct {
	adapter.Adapter
	bus   *sideBus
	local *adapter.Local
}

// ServerSideEmit hands p to every other server's namespace and calls done
// once all of them answered.
func (a *sideAdapter) ServerSideEmit(p *adapter.Packet, done func(error, []adapter.Reply)) error {
	a.bus.mu.Lock()
	others := slices.DeleteFunc(slices.Clone(a.bus.locals), func(l *adapter.Local) bool { return l == a.local })
	a.bus.mu.Unlock()
	if done == nil {
		for _, l := range others {
			l.ServerSideEmitted(p, nil)
		}
		return nil
	}
	var mu sync.Mutex
	var replies []adapter.Reply
	for _, l := range others {
		l.ServerSideEmitted(p, func(args, atts [][]byte) {
			mu.Lock()
			replies = append(replies, adapter.Reply{Args: args, Attachments: atts})
			all := len(replies) == len(others)
			mu.Unlock()
			if all {
				done(nil, replies)
			}
		})
	}
	return nil
}

// TestServerLevelServerSideEmit: the Server's ServerSideEmit,
// OnServerSideEmit and OnAnyServerSideEmit are the main namespace's.
func TestServerLevelServerSideEmit(t *testing.T) {
	bus := &sideBus{}
	quiet := tornadio.WithLogger(lgDiscardLogger())
	one := tornadio.NewServer(quiet, tornadio.WithAdapter(bus.factory))
	two := tornadio.NewServer(quiet, tornadio.WithAdapter(bus.factory))
	if err := two.OnServerSideEmit("double", func(n int, ack tornadio.Ack) { ack(2 * n) }); err != nil {
		t.Fatal(err)
	}
	anyEvents := make(chan string, 4)
	two.OnAnyServerSideEmit(func(event string, args tornadio.Args, ack tornadio.Ack) {
		anyEvents <- event + " " + string(args.Raw(0))
	})

	answers := make(chan []int, 1)
	if err := one.ServerSideEmit("double", 21, func(err error, replies []int) {
		if err != nil {
			t.Errorf("ServerSideEmit callback: %v", err)
		}
		answers <- replies
	}); err != nil {
		t.Fatal(err)
	}
	if err := one.ServerSideEmit("hello", "x"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-answers:
		if !slices.Equal(got, []int{42}) {
			t.Fatalf("answers %v, want [42]", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer from the other server")
	}
	for _, want := range []string{"double 21", `hello "x"`} {
		select {
		case got := <-anyEvents:
			if got != want {
				t.Fatalf("OnAnyServerSideEmit got %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("OnAnyServerSideEmit did not get %q", want)
		}
	}
}
