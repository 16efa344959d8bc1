package transports_test

import (
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// sessionsOf is the Counts gauge of transport on the current road, -1 when
// Counts does not list it.
func sessionsOf(c transports.Counts, transport string) int {
	for _, g := range c.Sessions {
		if g.Transport == transport && !g.Legacy {
			return g.Count
		}
	}
	return -1
}

// The machine's counters follow its sessions and connections exactly:
// sessions by transport through a handshake, an upgrade and a close,
// message bytes both ways, refused handshakes by reason, connections per
// loop.
func TestCounts(t *testing.T) {
	h := newHarness(t, testConfig(), 2)
	srv := h.Server
	if c := srv.Counts(); c.Handshakes != 0 || sessionsOf(c, "polling") != 0 || sessionsOf(c, "websocket") != 0 {
		t.Fatalf("before any client: %+v", c)
	}

	p := h.Dial(0)
	sid := pollOpen(t, h, p, 4).SID
	ws := h.Dial(1)
	wsOpen(t, h, ws, 4)
	c := srv.Counts()
	if c.Handshakes != 2 || sessionsOf(c, "polling") != 1 || sessionsOf(c, "websocket") != 1 {
		t.Fatalf("after two handshakes: %+v", c)
	}
	for loop := range 2 {
		if conns, _ := srv.LoopCounts(loop); conns != 1 {
			t.Fatalf("loop %d serves %d connections, want 1", loop, conns)
		}
	}

	ws.Send(tt.Text("4hello"))
	h.Loops.RunAll()
	h.Send(h.App.Session(sid), "hi there", false)
	if c := srv.Counts(); c.BytesIn != uint64(len("hello")) || c.BytesOut != uint64(len("hi there")) {
		t.Fatalf("bytes in %d, out %d; want %d and %d", c.BytesIn, c.BytesOut, len("hello"), len("hi there"))
	}

	w := h.Dial(0)
	probe(t, h, w, 4, sid)
	w.Send(tt.Text("5"))
	h.Loops.RunAll()
	if c := srv.Counts(); sessionsOf(c, "polling") != 0 || sessionsOf(c, "websocket") != 2 || c.Handshakes != 2 {
		t.Fatalf("after the upgrade: %+v", c)
	}

	ws.Hangup()
	w.Hangup()
	h.Loops.RunAll()
	if c := srv.Counts(); sessionsOf(c, "websocket") != 0 {
		t.Fatalf("after both closed: %+v", c)
	}
	if conns, _ := srv.LoopCounts(1); conns != 0 {
		t.Fatalf("loop 1 serves %d connections after its only one closed", conns)
	}

	bad := h.Dial(0)
	bad.Send(tt.Request("GET", "/socket.io/?EIO=7&transport=polling", nil))
	if r := response(t, h, bad); r.Status != 400 {
		t.Fatalf("EIO=7: %s", r.Raw)
	}
	bad.Send(tt.PollGET(4, "unknown"))
	if r := response(t, h, bad); r.Status != 400 {
		t.Fatalf("unknown sid: %s", r.Raw)
	}
	c = srv.Counts()
	want := map[string]uint64{"bad request": 1, "forbidden": 0, "rate": 0, "concurrency": 0}
	for reason, n := range want {
		if got, ok := c.Refused[reason]; !ok || got != n {
			t.Errorf("Refused[%q] = %d (listed %v), want %d", reason, got, ok, n)
		}
	}
}

// A session cut as a slow consumer counts as one.
func TestCountsSlowConsumerCut(t *testing.T) {
	cfg := testConfig()
	cfg.MaxBuffered = 100
	h := newHarness(t, cfg, 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	s := h.App.Session(sid)
	h.Send(s, string(make([]byte, 60)), false)
	h.Send(s, string(make([]byte, 60)), false)
	wantCloses(t, h, sid, transports.ReasonSlowConsumer)
	if n := h.Server.Counts(); n.SlowConsumerCuts != 1 || sessionsOf(n, "polling") != 0 {
		t.Fatalf("after the cut: %+v", n)
	}
}

// TimerLag is how late the last timer pass ran its earliest due timer: 0
// on an edge that is never late, the delay of a late pass.
func TestLoopCountsTimerLag(t *testing.T) {
	cfg := testConfig()
	h := newHarness(t, cfg, 1)
	l := h.Loops
	c := h.Dial(0)
	wsOpen(t, h, c, 4)
	l.Advance(cfg.PingInterval) // the first ping, on time
	if _, lag := h.Server.LoopCounts(0); lag != 0 {
		t.Fatalf("lag %v on time, want 0", lag)
	}
	c.Send(tt.Text("3"))
	l.Jump(cfg.PingInterval + 7*time.Millisecond) // the next ping, 7ms late
	if _, lag := h.Server.LoopCounts(0); lag != 7*time.Millisecond {
		t.Fatalf("lag %v, want 7ms", lag)
	}
}
