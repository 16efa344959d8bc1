package adapter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// The tests drive a Local over real Engine.IO websocket sessions on the
// fake loops of transportstest: no network, and each loop runs its queue
// only when the test says so.

// rig is a Local over a transportstest harness.
type rig struct {
	t     *testing.T
	h     *tt.Harness
	local *adapter.Local
	poster
}

// poster posts to the harness's loops; loops listed in down serve nothing.
type poster struct {
	loops *tt.Loops
	down  map[int]bool
}

func (p *poster) Post(i int, fn func()) bool {
	if p.down[i] {
		return false
	}
	p.loops.Post(i, fn)
	return true
}

func newRig(t *testing.T, loops int) *rig {
	return newRigConfig(t, loops, transports.Config{})
}

// newRigConfig is newRig with cfg for the sessions (without heartbeats).
func newRigConfig(t *testing.T, loops int, cfg transports.Config) *rig {
	t.Helper()
	cfg.PingInterval, cfg.PingTimeout = time.Hour, time.Hour
	h := tt.New(cfg, loops)
	r := &rig{t: t, h: h, poster: poster{loops: h.Loops, down: map[int]bool{}}}
	r.local = adapter.NewLocal(adapter.Config{Namespace: "/", Loops: loops, Poster: &r.poster})
	t.Cleanup(func() {
		if v := h.Violations(); len(v) > 0 {
			t.Errorf("IO violations:\n%s", strings.Join(v, "\n"))
		}
	})
	return r
}

// fakeMember is a member over a real websocket session; it records what
// the adapter calls it for.
type fakeMember struct {
	ms     adapter.Membership
	id     string
	loop   int
	target adapter.Target
	conn   *tt.Conn

	outgoing    []string // events Outgoing saw
	onOutgoing  func()   // runs inside Outgoing, after it records
	acks        []int64  // ids AwaitAck got
	disconnects []bool   // Disconnect's close arguments
}

func (m *fakeMember) ID() string                           { return m.id }
func (m *fakeMember) Loop() int                            { return m.loop }
func (m *fakeMember) Target() adapter.Target               { return m.target }
func (m *fakeMember) AwaitAck(id int64, _ adapter.AckFunc) { m.acks = append(m.acks, id) }
func (m *fakeMember) Disconnect(close bool)                { m.disconnects = append(m.disconnects, close) }
func (m *fakeMember) Outgoing(msg *adapter.Message) {
	m.outgoing = append(m.outgoing, msg.Event)
	if m.onOutgoing != nil {
		m.onOutgoing()
	}
}

// connect opens a websocket session on loop and attaches a member with id
// over it.
func (r *rig) connect(loop int, id string) *fakeMember {
	r.t.Helper()
	c := r.h.Dial(loop)
	r.h.Loops.RunAll()
	c.Send(tt.WSUpgrade(4, ""))
	r.h.Loops.RunAll()
	if resp, err := c.ReadResponse(); err != nil || resp.Status != 101 {
		r.t.Fatalf("upgrade: %v %v", resp, err)
	}
	if fs, err := c.ReadFrames(); err != nil || len(fs) != 1 {
		r.t.Fatalf("open packet: %v %v", fs, err)
	}
	var sess *transports.Session
	for _, e := range r.h.App.Events() {
		if e.Kind == tt.Open {
			sess = e.Session
		}
	}
	m := &fakeMember{id: id, loop: loop, target: adapter.Target{Session: sess}, conn: c}
	m.ms.Bind(m)
	r.h.On(loop, func() { r.local.Attach(&m.ms) })
	return m
}

// detach takes m out, on its loop.
func (r *rig) detach(m *fakeMember) { r.h.On(m.loop, func() { r.local.Detach(&m.ms) }) }

// run runs every loop until nothing is queued.
func (r *rig) run() { r.h.Loops.RunAll() }

// received returns the Socket.IO packets written to m since the last call.
func (m *fakeMember) received(t *testing.T) []string {
	t.Helper()
	fs, err := m.conn.ReadFrames()
	if err != nil {
		t.Fatalf("%s: %v", m.id, err)
	}
	var out []string
	for _, f := range fs {
		if f.Op != frames.OpText || len(f.Payload) == 0 || f.Payload[0] != '4' {
			t.Fatalf("%s: unexpected frame %v", m.id, f)
		}
		out = append(out, string(f.Payload[1:]))
	}
	return out
}

// emit broadcasts an event without arguments.
func (r *rig) emit(event string, opts adapter.Options) {
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: event}, &opts)
}

func event(name string) string { return `2["` + name + `"]` }

// legacyMember is a member over a fake 0.6 session.
type legacyMember struct {
	fakeMember
	frames []string
}

func (m *legacyMember) Send(f []byte) { m.frames = append(m.frames, string(f)) }

func (r *rig) connectLegacy(loop int, id string) *legacyMember {
	m := &legacyMember{}
	m.id, m.loop = id, loop
	m.target = adapter.Target{Legacy: m}
	m.ms.Bind(m)
	r.h.On(loop, func() { r.local.Attach(&m.ms) })
	return m
}
