package cluster

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter"
)

// bus is an in-memory transport shared by the nodes of a test: every
// publication goes through Encode and Decode, as over Redis, and reaches
// every node (its sender too); a response reaches the node of its uid.
type bus struct {
	mu    sync.Mutex
	nodes map[string]func(m *Message) // by uid
	sent  []*wireRecord               // every message put on the bus, in order
	count int                         // ServerCount's answer; len(nodes) when 0
}

type wireRecord struct {
	to  string // "" for a publication to every node
	raw []byte
}

func newBus() *bus { return &bus{nodes: map[string]func(*Message){}} }

func (b *bus) attach(uid string, receive func(m *Message)) {
	b.mu.Lock()
	b.nodes[uid] = receive
	b.mu.Unlock()
}

// deliver puts raw on the bus for to ("" for everyone).
func (b *bus) deliver(to string, raw []byte) error {
	b.mu.Lock()
	b.sent = append(b.sent, &wireRecord{to: to, raw: raw})
	var targets []func(*Message)
	for uid, fn := range b.nodes {
		if to == "" || uid == to {
			targets = append(targets, fn)
		}
	}
	b.mu.Unlock()
	for _, fn := range targets {
		m, err := Decode(raw)
		if err != nil {
			return err
		}
		fn(m)
	}
	return nil
}

// wire returns the messages put on the bus so far.
func (b *bus) wire() []*wireRecord {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*wireRecord(nil), b.sent...)
}

// transport is one node's side of the bus.
type transport struct{ b *bus }

func (t transport) Publish(_ context.Context, m *Message) (string, error) {
	raw, err := m.Encode()
	if err != nil {
		return "", err
	}
	return "", t.b.deliver("", raw)
}

func (t transport) PublishResponse(_ context.Context, to string, m *Message) error {
	raw, err := m.Encode()
	if err != nil {
		return err
	}
	return t.b.deliver(to, raw)
}

func (t transport) ServerCount(context.Context) (int, error) {
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	if t.b.count > 0 {
		return t.b.count, nil
	}
	return len(t.b.nodes), nil
}

// timers is a clock the test moves: fire runs every armed, unstopped timer.
type timers struct {
	mu      sync.Mutex
	pending []*timer
}

type timer struct {
	d       time.Duration
	fn      func()
	stopped bool
}

func (ts *timers) AfterFunc(d time.Duration, fn func()) func() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	tm := &timer{d: d, fn: fn}
	ts.pending = append(ts.pending, tm)
	return func() {
		ts.mu.Lock()
		tm.stopped = true
		ts.mu.Unlock()
	}
}

// armed lists the durations of the timers not yet fired nor stopped.
func (ts *timers) armed() []time.Duration {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var out []time.Duration
	for _, tm := range ts.pending {
		if !tm.stopped {
			out = append(out, tm.d)
		}
	}
	return out
}

func (ts *timers) fire() {
	ts.mu.Lock()
	due := ts.pending
	ts.pending = nil
	ts.mu.Unlock()
	for _, tm := range due {
		ts.mu.Lock()
		stopped := tm.stopped
		ts.mu.Unlock()
		if !stopped {
			tm.fn()
		}
	}
}

// noLoops serves no loop: a Local without connections.
type noLoops struct{}

func (noLoops) Post(int, func()) bool { return false }

// node is one cluster Adapter on the bus, over a Local without members.
type node struct {
	*Adapter
	timers *timers
}

func newNode(t *testing.T, b *bus, uid string, serverSide adapter.ServerSideHandler) *node {
	t.Helper()
	ts := &timers{}
	local := adapter.NewLocal(adapter.Config{Namespace: "/", Loops: 1, Poster: noLoops{}, Timers: ts, ServerSide: serverSide})
	a := New(local, transport{b}, Options{UID: uid, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	b.attach(uid, a.Receive)
	t.Cleanup(func() { a.Close() })
	return &node{Adapter: a, timers: ts}
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
