package tornadio_test

// The observation hooks (observe.go): OnNamespace sees existing and new
// namespaces, OnJoinRoom and OnLeaveRoom every real room change however it
// is made, and SessionID names the socket's Engine.IO session.

import (
	"fmt"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// roomLog records room changes as "+room" and "-room".
type roomLog struct {
	mu  sync.Mutex
	ops []string
}

func (l *roomLog) add(op string) {
	l.mu.Lock()
	l.ops = append(l.ops, op)
	l.mu.Unlock()
}

func (l *roomLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ops)
}

func TestOnNamespaceSeesExistingAndNew(t *testing.T) {
	srv := tornadio.NewServer()
	srv.Of("/a")
	var mu sync.Mutex
	var seen []string
	srv.OnNamespace(func(ns *tornadio.Namespace) {
		mu.Lock()
		seen = append(seen, ns.Name())
		mu.Unlock()
	})
	srv.Of("/b")
	srv.Of("/b") // exists: not reported again
	srv.OfRegexp(regexp.MustCompile(`^/dyn-`))
	mu.Lock()
	got := slices.Clone(seen)
	mu.Unlock()
	slices.Sort(got)
	if want := []string{"/", "/a", "/b"}; !slices.Equal(got, want) {
		t.Fatalf("OnNamespace saw %v, want %v", got, want)
	}
}

// A namespace made on demand is reported, and the OnConnection callbacks
// registered on it (not on its parent) run too, after the parent's.
func TestOnNamespaceSeesDynamicChild(t *testing.T) {
	made := make(chan string, 4)
	order := make(chan string, 4)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		parent := srv.OfRegexp(regexp.MustCompile(`^/dyn-`))
		parent.OnConnection(func(*tornadio.Socket) { order <- "parent" })
		srv.OnNamespace(func(ns *tornadio.Namespace) {
			if ns.Name() != "/" {
				ns.OnConnection(func(*tornadio.Socket) { order <- "child" })
				made <- ns.Name()
			}
		})
	})
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	defer w.close()
	w.mustReadPacket() // open (the v4 client is not connected to "/" yet)
	w.writeText("40/dyn-1,")
	select {
	case name := <-made:
		if name != "/dyn-1" {
			t.Fatalf("OnNamespace saw %q, want /dyn-1", name)
		}
	case <-time.After(tcIOTimeout):
		t.Fatal("OnNamespace did not see the namespace made on demand")
	}
	for _, want := range []string{"parent", "child"} {
		select {
		case got := <-order:
			if got != want {
				t.Fatalf("OnConnection ran %q, want %q", got, want)
			}
		case <-time.After(tcIOTimeout):
			t.Fatalf("the %s's OnConnection did not run", want)
		}
	}
}

func TestRoomHooksSeeEveryChange(t *testing.T) {
	sockets := make(chan *tornadio.Socket, 1)
	var log roomLog
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		ns := srv.Of("/")
		ns.OnJoinRoom(func(room, id string) { log.add("+" + room) })
		ns.OnLeaveRoom(func(room, id string) { log.add("-" + room) })
		ns.OnConnection(func(s *tornadio.Socket) { sockets <- s })
	})
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	sid, id := w.connectSIO()
	var s *tornadio.Socket
	select {
	case s = <-sockets:
	case <-time.After(tcIOTimeout):
		t.Fatal("OnConnection did not run")
	}
	if s.SessionID() != sid {
		t.Fatalf("SessionID = %q, want the handshake's sid %q", s.SessionID(), sid)
	}
	s.Join("a", "b", "a")
	s.Join("a")   // already in: no report
	s.Join(id)    // the own room: no report
	s.Leave("zz") // not in: no report
	s.Leave("a")
	srv.In("b").SocketsJoin("c")
	srv.SocketsLeave("b")
	want := []string{"+a", "+b", "-a", "+c", "-b"}
	if got := log.snapshot(); !slices.Equal(got, want) {
		t.Fatalf("room changes %v, want %v", got, want)
	}
	w.close()
	if !tcWaitFor(tcIOTimeout, func() bool { return len(log.snapshot()) == len(want)+2 }) {
		t.Fatalf("after the disconnect: %v, want the leaves of c and of the own room", log.snapshot())
	}
	if got := log.snapshot()[len(want):]; !slices.Equal(got, []string{"-c", "-" + id}) {
		t.Fatalf("leaves at the disconnect %v, want [-c -%s]", got, id)
	}
}

// OnSocketData hears every SetData of the namespace's sockets, in a
// middleware and after the connection, with the value stored; another
// namespace's sockets are not reported.
func TestOnSocketDataSeesEverySet(t *testing.T) {
	type set struct {
		id   string
		data any
		now  any // Data() as the listener reads it
	}
	sets := make(chan set, 8)
	sockets := make(chan *tornadio.Socket, 1)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		ns := srv.Of("/")
		ns.OnSocketData(func(s *tornadio.Socket, data any) { sets <- set{s.ID(), data, s.Data()} })
		ns.Use(func(s *tornadio.Socket) error {
			s.SetData("from middleware")
			return nil
		})
		ns.OnConnection(func(s *tornadio.Socket) { sockets <- s })
		srv.Of("/other").OnConnection(func(s *tornadio.Socket) {
			s.SetData("elsewhere")
			sockets <- s
		})
	})
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	_, id := w.connectSIO()
	w.writeText("40/other,")
	var s *tornadio.Socket
	for range 2 {
		select {
		case got := <-sockets:
			if got.Namespace().Name() == "/" {
				s = got
			}
		case <-time.After(tcIOTimeout):
			t.Fatal("OnConnection did not run")
		}
	}
	s.SetData(map[string]int{"score": 7})
	want := []set{
		{id, "from middleware", "from middleware"},
		{id, map[string]int{"score": 7}, map[string]int{"score": 7}},
	}
	for i, w := range want {
		select {
		case got := <-sets:
			if got.id != w.id || fmt.Sprint(got.data) != fmt.Sprint(w.data) || fmt.Sprint(got.now) != fmt.Sprint(w.now) {
				t.Fatalf("set %d: %+v, want %+v", i, got, w)
			}
		case <-time.After(tcIOTimeout):
			t.Fatalf("set %d (%v) not reported", i, w.data)
		}
	}
	select {
	case got := <-sets:
		t.Fatalf("an extra report: %+v", got)
	default:
	}
}
