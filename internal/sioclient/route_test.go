package sioclient

import (
	"slices"
	"testing"

	"github.com/tornadio/tornadio/socketio"
)

// fakeSocket stands for the root's socket: a namespace and what reached it.
type fakeSocket struct {
	nsp    string
	events []string
	acks   []int64
	gone   bool
}

// recorder is Hooks that records the connects and routes packets to
// fakeSockets.
type recorder struct {
	connects []string // "nsp auth"
	scratch  Scratch
}

func (r *recorder) Open(*Client[*fakeSocket]) error { return nil }
func (r *recorder) Connect(c *Client[*fakeSocket], nsp string, auth []byte) {
	r.connects = append(r.connects, nsp+" "+string(auth))
	c.Attach(&fakeSocket{nsp: nsp})
}
func (r *recorder) Event(s *fakeSocket, p socketio.Packet, _, args [][]byte, split bool) {
	if split && len(args) > 0 {
		s.events = append(s.events, string(args[0]))
	}
}
func (r *recorder) Ack(s *fakeSocket, p socketio.Packet, _, _ [][]byte, _ bool) {
	s.acks = append(s.acks, p.ID)
}
func (r *recorder) Disconnect(s *fakeSocket)         { s.gone = true }
func (r *recorder) Close(s *fakeSocket, _ string)    { s.gone = true }
func (r *recorder) NamespaceOf(s *fakeSocket) string { return s.nsp }
func (r *recorder) Scratch(int) *Scratch             { return &r.scratch }
func (r *recorder) Settled(*Client[*fakeSocket])     {}

// feed parses text packets as Message does for protocol sio and routes
// them.
func feed(t *testing.T, c *Client[*fakeSocket], packets ...string) {
	t.Helper()
	for _, pkt := range packets {
		p, args, err := socketio.ParseArgs([]byte(pkt), int(c.sio), nil)
		if err != nil {
			t.Fatalf("parse %q: %v", pkt, err)
		}
		c.route(p, nil, args, true)
	}
}

func TestRouteByNamespace(t *testing.T) {
	r := &recorder{}
	c := &Client[*fakeSocket]{app: NewApp[*fakeSocket](r, nil), sio: 5}
	feed(t, c,
		`0{"token":"a"}`,
		`0/chat,`,
		`0/chat,`, // a second CONNECT to a joined namespace is ignored
		`2["main"]`,
		`2/chat,["chat"]`,
		`2/other,["lost"]`, // no socket there: dropped
		`3/chat,7[]`,
		`1/chat,`,
	)
	if want := []string{`/ {"token":"a"}`, "/chat "}; !slices.Equal(r.connects, want) {
		t.Fatalf("connects %q, want %q", r.connects, want)
	}
	main, _ := c.Socket("/")
	chat, _ := c.Socket("/chat")
	if !slices.Equal(main.events, []string{`"main"`}) || !slices.Equal(chat.events, []string{`"chat"`}) {
		t.Fatalf("events: / %q, /chat %q", main.events, chat.events)
	}
	if len(chat.acks) != 1 || chat.acks[0] != 7 || len(main.acks) != 0 {
		t.Fatalf("acks: / %v, /chat %v", main.acks, chat.acks)
	}
	if main.gone || !chat.gone {
		t.Fatalf("DISCONNECT /chat: / gone %v, /chat gone %v", main.gone, chat.gone)
	}
}

// A v4 client names the namespace's query in the CONNECT: the namespace is
// the path and the query becomes the auth object, as Node gives it.
func TestV4ConnectQueryIsAuth(t *testing.T) {
	r := &recorder{}
	c := &Client[*fakeSocket]{app: NewApp[*fakeSocket](r, nil), sio: 4}
	feed(t, c, `0/admin?token=x&token=y`, `0/?a=1`)
	if want := []string{`/admin {"token":"y"}`, `/ {"a":"1"}`}; !slices.Equal(r.connects, want) {
		t.Fatalf("connects %q, want %q", r.connects, want)
	}
}

func TestDetach(t *testing.T) {
	r := &recorder{}
	c := &Client[*fakeSocket]{app: NewApp[*fakeSocket](r, nil), sio: 5}
	a, b := &fakeSocket{nsp: "/a"}, &fakeSocket{nsp: "/b"}
	c.Attach(a)
	c.Attach(b)
	if !c.Detach(a) || c.Detach(a) {
		t.Fatal("Detach reports a socket it holds once")
	}
	if _, ok := c.Socket("/a"); ok {
		t.Fatal("a detached socket is still routed to")
	}
	if s := c.Sockets(); len(s) != 1 || s[0] != b {
		t.Fatalf("Sockets %v, want [b]", s)
	}
}
