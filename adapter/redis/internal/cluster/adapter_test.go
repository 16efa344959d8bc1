package cluster

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter"
)

// nodeSocket is a FETCH_SOCKETS_RESPONSE socket as a Node node sends it.
const nodeSocket = `{"id":"<sid>","handshake":{"headers":{"host":"127.0.0.1:3000","accept":["a","b"]},"time":"Sun Dec 06 2026 14:00:00 GMT+0000 (Coordinated Universal Time)","address":"127.0.0.1","xdomain":false,"secure":false,"issued":1796565600000,"url":"/socket.io/?EIO=4&transport=websocket","query":{"EIO":"4","transport":"websocket"},"auth":{"token":"t"}},"rooms":["<sid>","r1"],"data":{"user":"ann"}}`

// fakeNode answers on the bus as a Node node would, with answer's messages.
func fakeNode(b *bus, uid string, answer func(m *Message) []*Message) {
	b.attach(uid, func(m *Message) {
		if m.UID == uid || m.Type.IsResponse() {
			return
		}
		for _, r := range answer(m) {
			r.UID, r.Nsp = uid, "/"
			raw, err := r.Encode()
			if err != nil {
				panic(err)
			}
			go b.deliver(m.UID, raw) // as Redis would, off the sender's goroutine
		}
	})
}

func requestIDOf(m *Message) string {
	d, err := parseData(m.Data)
	if err != nil {
		return ""
	}
	return d.requestID()
}

func TestFetchSocketsGathersEveryNode(t *testing.T) {
	b := newBus()
	a := newNode(t, b, uidA, nil)
	fakeNode(b, uidC, func(m *Message) []*Message {
		if m.Type != FetchSockets {
			return nil
		}
		data := `{"requestId":"` + requestIDOf(m) + `","sockets":[` + sub(nodeSocket) + `]}`
		return []*Message{{Type: FetchSocketsResponse, Data: []byte(data)}}
	})
	newNode(t, b, "b000000000000000", nil) // a tornadio node without sockets
	sockets, err := a.FetchSockets(context.Background(), &adapter.Options{Rooms: []string{"r1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sockets) != 1 {
		t.Fatalf("sockets %+v", sockets)
	}
	s := sockets[0]
	if s.ID != sid || strings.Join(s.Rooms, ",") != sid+",r1" || string(s.Data) != `{"user":"ann"}` || s.Local != nil {
		t.Fatalf("socket %+v", s)
	}
	h := s.Handshake
	if h == nil || h.Headers["host"] != "127.0.0.1:3000" || h.Headers["accept"] != "a, b" || h.Issued != 1796565600000 || h.Query["EIO"] != "4" || string(h.Auth) != `{"token":"t"}` {
		t.Fatalf("handshake %+v", h)
	}
	if armed := a.timers.armed(); len(armed) != 0 {
		t.Fatalf("timers left armed: %v", armed)
	}
	// The request went out as Node sends it, and the empty node answered.
	var fetch, answers int
	for _, w := range b.wire() {
		m, _ := Decode(w.raw)
		switch m.Type {
		case FetchSockets:
			fetch++
			if want := `{"opts":{"rooms":["r1"],"except":[],"flags":{}},"requestId":"`; !strings.HasPrefix(string(m.Data), want) {
				t.Errorf("request data %s", m.Data)
			}
		case FetchSocketsResponse:
			answers++
		}
	}
	if fetch != 1 || answers != 2 {
		t.Fatalf("%d requests, %d answers", fetch, answers)
	}
}

func TestFetchSocketsTimesOut(t *testing.T) {
	b := newBus()
	a := newNode(t, b, uidA, nil)
	fakeNode(b, uidC, func(*Message) []*Message { return nil }) // a dead node still counted
	b.count = 3
	newNode(t, b, "b000000000000000", nil)
	type result struct {
		sockets []adapter.SocketInfo
		err     error
	}
	done := make(chan result, 1)
	go func() {
		s, err := a.FetchSockets(context.Background(), &adapter.Options{Flags: adapter.Flags{Timeout: 2 * time.Second}})
		done <- result{s, err}
	}()
	// Wait for the empty node's answer, then let the clock pass.
	waitFor(t, "one answer", func() bool {
		for _, w := range b.wire() {
			if m, _ := Decode(w.raw); m.Type == FetchSocketsResponse {
				return true
			}
		}
		return false
	})
	if armed := a.timers.armed(); len(armed) != 1 || armed[0] != 2*time.Second {
		t.Fatalf("armed %v, want the request's own timeout", armed)
	}
	a.timers.fire()
	r := <-done
	var te *adapter.TimeoutError
	if !errors.As(r.err, &te) || te.Got != 1 || te.Want != 2 {
		t.Fatalf("err %v", r.err)
	}
	if r.err.Error() != "timeout reached: only 1 responses received out of 2" {
		t.Fatalf("message %q", r.err)
	}
}

func TestFetchSocketsContextCancel(t *testing.T) {
	b := newBus()
	a := newNode(t, b, uidA, nil)
	b.count = 2
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := a.FetchSockets(ctx, &adapter.Options{})
		done <- err
	}()
	waitFor(t, "the request", func() bool { return len(b.wire()) == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	a.mu.Lock()
	left := len(a.requests)
	a.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d requests left", left)
	}
}

func TestServerSideEmitAnswers(t *testing.T) {
	b := newBus()
	a := newNode(t, b, uidA, func(*adapter.Packet, func(args, atts [][]byte)) {
		t.Error("the sender's own listeners ran")
	})
	var got []string
	var mu sync.Mutex
	newNode(t, b, uidC, func(p *adapter.Packet, ack func(args, atts [][]byte)) {
		mu.Lock()
		got = append(got, p.Event+string(p.Args[0]))
		mu.Unlock()
		if ack != nil {
			ack([][]byte{[]byte(`"node2"`), []byte(`"ignored"`)}, nil)
		}
	})
	replies := make(chan []adapter.Reply, 1)
	err := a.ServerSideEmit(event("ping-node", `{"x":1}`), func(err error, r []adapter.Reply) {
		if err != nil {
			t.Error(err)
		}
		replies <- r
	})
	if err != nil {
		t.Fatal(err)
	}
	r := <-replies
	if len(r) != 1 || len(r[0].Args) != 1 || string(r[0].Args[0]) != `"node2"` {
		t.Fatalf("replies %+v", r)
	}
	// Without an answer wanted: the listener gets nil as ack.
	if err := a.ServerSideEmit(event("relay", `{"tok":"t"}`), nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the relay", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 2 })
	if got[0] != `ping-node{"x":1}` || got[1] != `relay{"tok":"t"}` {
		t.Fatalf("listeners got %q", got)
	}
	// The answer on the wire is Node's.
	var answer string
	for _, w := range b.wire() {
		if m, _ := Decode(w.raw); m.Type == ServerSideEmitResponse {
			answer = string(w.raw)
			if w.to != uidA {
				t.Errorf("answer sent to %q", w.to)
			}
		}
	}
	if !strings.HasPrefix(answer, `{"type":10,"data":{"requestId":"`) || !strings.HasSuffix(answer, `","packet":"node2"},"uid":"`+uidC+`","nsp":"/"}`) {
		t.Fatalf("answer %s", answer)
	}
}

func TestServerSideEmitAlone(t *testing.T) {
	b := newBus()
	a := newNode(t, b, uidA, nil)
	done := make(chan error, 1)
	a.ServerSideEmit(event("e"), func(err error, r []adapter.Reply) {
		if len(r) != 0 {
			t.Errorf("replies %v", r)
		}
		done <- err
	})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestServerSideEmitTimesOut(t *testing.T) {
	b := newBus()
	a := newNode(t, b, uidA, nil)
	b.count = 2
	done := make(chan error, 1)
	a.ServerSideEmit(event("e"), func(err error, _ []adapter.Reply) { done <- err })
	waitFor(t, "the request's timer", func() bool { return len(a.timers.armed()) == 1 })
	if d := a.timers.armed()[0]; d != DefaultTimeout {
		t.Fatalf("timeout %v", d)
	}
	a.timers.fire()
	var te *adapter.TimeoutError
	if err := <-done; !errors.As(err, &te) || te.Got != 0 || te.Want != 1 {
		t.Fatalf("err %v", err)
	}
}

func TestBroadcastWithAckCounts(t *testing.T) {
	b := newBus()
	a := newNode(t, b, uidA, nil)
	newNode(t, b, "b000000000000000", nil) // no sockets: reports 0 clients
	fakeNode(b, uidC, func(m *Message) []*Message {
		id := requestIDOf(m)
		if m.Type != Broadcast || id == "" {
			return nil
		}
		return []*Message{
			{Type: BroadcastClientCount, Data: clientCountData(id, 2)},
		}
	})
	var mu sync.Mutex
	var servers []int
	var clients []int
	var answers []string
	acks := adapter.BroadcastAcks{
		Servers: func(n int) { mu.Lock(); servers = append(servers, n); mu.Unlock() },
		Clients: func(n int) { mu.Lock(); clients = append(clients, n); mu.Unlock() },
		Ack: func(args, atts [][]byte) {
			mu.Lock()
			answers = append(answers, string(args[0])+"/"+string(atts[0]))
			mu.Unlock()
		},
	}
	a.BroadcastWithAck(event("ask-N", `{}`), &adapter.Options{Flags: adapter.Flags{Timeout: 3 * time.Second}}, acks)
	waitFor(t, "the counts", func() bool { mu.Lock(); defer mu.Unlock(); return len(servers) == 1 && len(clients) == 3 })
	// A client of the Node node answers with binary.
	var id string
	for _, w := range b.wire() {
		if m, _ := Decode(w.raw); m.Type == Broadcast {
			id = requestIDOf(m)
		}
	}
	ack := &Message{Type: BroadcastAck, UID: uidC, Nsp: "/", Data: packetResponseData(id, [][]byte{[]byte(`{"name":"A1","bin":{"_placeholder":true,"num":0}}`)}), Attachments: [][]byte{[]byte("bin:A1")}}
	raw, _ := ack.Encode()
	b.deliver(uidA, raw)
	mu.Lock()
	if servers[0] != 3 || clients[0]+clients[1]+clients[2] != 2 || len(answers) != 1 || answers[0] != `{"name":"A1","bin":{"_placeholder":true,"num":0}}/bin:A1` {
		t.Fatalf("servers %v clients %v answers %q", servers, clients, answers)
	}
	mu.Unlock()
	// After the timeout the request is forgotten: late answers are dropped.
	if armed := a.timers.armed(); len(armed) != 1 || armed[0] != 3*time.Second {
		t.Fatalf("armed %v", armed)
	}
	a.timers.fire()
	b.deliver(uidA, raw)
	mu.Lock()
	defer mu.Unlock()
	if len(answers) != 1 {
		t.Fatalf("late answer taken: %q", answers)
	}
}

func TestLocalFlagNeverCrosses(t *testing.T) {
	b := newBus()
	a := newNode(t, b, uidA, nil)
	newNode(t, b, uidC, nil)
	local := &adapter.Options{Flags: adapter.Flags{Local: true}}
	a.Broadcast(event("e"), local)
	a.AddSockets(local, []string{"r"})
	a.DelSockets(local, []string{"r"})
	a.DisconnectSockets(local, true)
	servers := make(chan int, 1)
	a.BroadcastWithAck(event("e"), local, adapter.BroadcastAcks{Servers: func(n int) { servers <- n }, Clients: func(int) {}})
	if n := <-servers; n != 1 {
		t.Fatalf("servers %d", n)
	}
	if _, err := a.FetchSockets(context.Background(), local); err != nil {
		t.Fatal(err)
	}
	a.Broadcast(event("last"), &adapter.Options{})
	waitFor(t, "the last broadcast", func() bool { return len(b.wire()) > 0 })
	if w := b.wire(); len(w) != 1 || !strings.Contains(string(w[0].raw), `"last"`) {
		t.Fatalf("on the wire: %d messages", len(w))
	}
}

func TestReceiveIgnoresSelfAndOtherNamespaces(t *testing.T) {
	b := newBus()
	var calls int
	var mu sync.Mutex
	a := newNode(t, b, uidA, func(*adapter.Packet, func(args, atts [][]byte)) { mu.Lock(); calls++; mu.Unlock() })
	emit := serverSideEmitData(event("e"), "")
	a.Receive(&Message{Type: ServerSideEmit, UID: uidA, Nsp: "/", Data: emit})
	a.Receive(&Message{Type: ServerSideEmit, UID: uidC, Nsp: "/chat", Data: emit})
	a.Receive(&Message{Type: Heartbeat, UID: uidC, Nsp: "/"})
	a.Receive(&Message{Type: MessageType(99), UID: uidC, Nsp: "/"})
	a.Receive(&Message{Type: ServerSideEmit, Nsp: "/", Data: emit}) // the emitter: no uid
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 {
		t.Fatalf("%d listener calls, want the emitter's only", calls)
	}
}

// The offset (a stream entry id) becomes the last argument, as a JSON
// string, only with connection state recovery on and for a packet that is
// not volatile.
func TestOffsetAppendedOnlyWithRecovery(t *testing.T) {
	b := newBus()
	off := newNode(t, b, uidA, nil)
	on := New(adapter.NewLocal(adapter.Config{Namespace: "/", Loops: 1, Poster: noLoops{}, RecoveryWindow: time.Minute}), transport{b}, Options{UID: uidC})
	defer on.Close()
	p := event("e", `1`)
	if got := off.withOffset(p, &adapter.Options{}, "1-0"); got != p {
		t.Fatal("offset appended without recovery")
	}
	got := on.withOffset(p, &adapter.Options{}, "1700000000000-3")
	if len(got.Args) != 2 || string(got.Args[1]) != `"1700000000000-3"` || len(p.Args) != 1 {
		t.Fatalf("args %q (packet's own %q)", got.Args, p.Args)
	}
	if got := on.withOffset(p, &adapter.Options{Flags: adapter.Flags{Volatile: true}}, "1-0"); got != p {
		t.Fatal("offset appended to a volatile packet")
	}
	if got := on.withOffset(p, &adapter.Options{}, ""); got != p {
		t.Fatal("empty offset appended")
	}
}
