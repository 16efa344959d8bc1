package tornadio_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
)

// sharedSessions is a session store two servers share, as a cluster
// adapter's store (Redis in the streams adapter) would be: it keeps the
// sessions and, for one room, the broadcasts with their offsets.
type sharedSessions struct {
	mu       sync.Mutex
	sessions map[string]*adapter.Session
	log      []*adapter.Packet // broadcasts, each with its offset appended
}

type storeAdapter struct {
	adapter.InMemory
	shared *sharedSessions
}

func (a storeAdapter) Broadcast(p *adapter.Packet, opts *adapter.Options) {
	a.shared.mu.Lock()
	offset := fmt.Sprintf(`"o%d"`, len(a.shared.log)+1)
	q := *p
	q.Args = append(append([][]byte(nil), p.Args...), []byte(offset))
	a.shared.log = append(a.shared.log, &q)
	a.shared.mu.Unlock()
	a.Local.Broadcast(&q, opts)
}

func (a storeAdapter) PersistSession(s *adapter.Session) {
	a.shared.mu.Lock()
	a.shared.sessions[s.PID] = s
	a.shared.mu.Unlock()
}

func (a storeAdapter) RestoreSession(pid, offset string, done func(*adapter.Session, []*adapter.Packet)) {
	go func() { // as a Redis round trip would: elsewhere, later
		a.shared.mu.Lock()
		s := a.shared.sessions[pid]
		delete(a.shared.sessions, pid)
		var missed []*adapter.Packet
		for i, p := range a.shared.log {
			if fmt.Sprintf(`"o%d"`, i+1) > `"`+offset+`"` {
				missed = append(missed, p)
			}
		}
		a.shared.mu.Unlock()
		if s == nil {
			missed = nil
		}
		done(s, missed)
	}()
}

// TestRecoveryThroughAdapterStore: with an adapter that keeps recovery
// state (adapter.SessionStore), a client that leaves one server recovers
// on another with its id, rooms, data and the broadcasts it missed; the
// offsets are the adapter's.
func TestRecoveryThroughAdapterStore(t *testing.T) {
	shared := &sharedSessions{sessions: map[string]*adapter.Session{}}
	newNode := func(name string) (*tornadio.Server, chan *tornadio.Socket) {
		srv := tornadio.NewServer(tornadio.WithEventLoops(2),
			tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{MaxDisconnection: time.Minute}),
			tornadio.WithAdapter(func(nsp string, l *adapter.Local) adapter.Adapter {
				return storeAdapter{InMemory: adapter.InMemory{Local: l}, shared: shared}
			}))
		sockets := make(chan *tornadio.Socket, 8)
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			if !s.Recovered() {
				s.Join("news")
				s.SetData(map[string]any{"node": name})
			}
			sockets <- s
		})
		if err := srv.Start("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { stop(srv) })
		return srv, sockets
	}
	a, aSockets := newNode("a")
	b, bSockets := newNode("b")

	c := dialPolling(a.Addr())
	c.send("40")
	var hello struct{ SID, PID string }
	got := c.drain(t, 1)
	if err := json.Unmarshal([]byte(strings.TrimPrefix(got[0], "40")), &hello); err != nil || hello.PID == "" {
		t.Fatalf("CONNECT answer %q has no pid", got)
	}
	first := <-aSockets
	a.Of("/").To("news").Emit("n", 1)
	if got := c.drain(t, 1); len(got) != 1 || got[0] != `42["n",1,"o1"]` {
		t.Fatalf("broadcast %q, want the adapter's offset last", got)
	}
	c.send("1") // transport close: recoverable
	deadline := time.Now().Add(5 * time.Second)
	for {
		shared.mu.Lock()
		n := len(shared.sessions)
		shared.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the session was never persisted in the adapter")
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.Of("/").To("news").Emit("n", 2) // missed

	c2 := dialPolling(b.Addr())
	c2.send(fmt.Sprintf(`40{"pid":%q,"offset":"o1"}`, hello.PID))
	got = c2.drain(t, 2)
	if len(got) != 2 || got[0] != fmt.Sprintf(`40{"sid":%q,"pid":%q}`, hello.SID, hello.PID) || got[1] != `42["n",2,"o2"]` {
		t.Fatalf("recovered on b: %q", got)
	}
	second := <-bSockets
	if !second.Recovered() || second.ID() != first.ID() || !contains(second.Rooms(), "news") {
		t.Fatalf("recovered=%v id %s (want %s) rooms %v", second.Recovered(), second.ID(), first.ID(), second.Rooms())
	}
	if d, _ := second.Data().(map[string]any); d["node"] != "a" {
		t.Fatalf("data %#v, want a's", second.Data())
	}
}
