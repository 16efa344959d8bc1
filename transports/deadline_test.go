package transports_test

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// Deadlines fire at their due time, not at the next tick of a timer
// resolution: the machine asks the edge (Loops.Wake) for a timer pass when
// its earliest deadline is due. The fake loops run a pass only when the
// machine asked for one, so every test here would see nothing fire if a
// wake were missing. Times are offset from the start of the clock by a few
// milliseconds so that none falls on a 10 ms grid.

// wantAt fails unless got is start+d exactly.
func wantAt(t *testing.T, what string, got, start time.Time, d time.Duration) {
	t.Helper()
	if got.IsZero() {
		t.Fatalf("%s: never happened (due at +%v)", what, d)
	}
	if !got.Equal(start.Add(d)) {
		t.Fatalf("%s at +%v, want +%v", what, got.Sub(start), d)
	}
}

// A timer due between ticks fires at its due time; the edge is asked for a
// pass only when the earliest deadline becomes earlier than the one it
// awaits (a later deadline costs no call), and again for the next deadline
// after each pass.
func TestTimerFiresAtDueTime(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	l, srv := h.Loops, h.Server
	var fired []time.Time
	record := func() { fired = append(fired, l.Now()) }
	h.On(0, func() { srv.AfterFunc(0, 3*time.Millisecond, record) })
	if got := l.WakeAt(0); !got.Equal(tt.Epoch.Add(3 * time.Millisecond)) {
		t.Fatalf("wake asked for +%v, want +3ms", got.Sub(tt.Epoch))
	}
	asked := l.Woken[0]
	h.On(0, func() { srv.AfterFunc(0, 17*time.Millisecond, record) })
	if l.Woken[0] != asked {
		t.Fatal("a later deadline asked the edge for a pass")
	}
	h.On(0, func() { srv.AfterFunc(0, 1*time.Millisecond, record) })
	if got := l.WakeAt(0); !got.Equal(tt.Epoch.Add(time.Millisecond)) {
		t.Fatalf("wake asked for +%v after an earlier deadline, want +1ms", got.Sub(tt.Epoch))
	}
	l.Advance(time.Second)
	if len(fired) != 3 {
		t.Fatalf("%d timers fired, want 3", len(fired))
	}
	for i, d := range []time.Duration{time.Millisecond, 3 * time.Millisecond, 17 * time.Millisecond} {
		wantAt(t, "timer", fired[i], tt.Epoch, d)
	}
	if !l.WakeAt(0).IsZero() {
		t.Fatalf("a wake is armed for +%v with no timer left", l.WakeAt(0).Sub(tt.Epoch))
	}
}

// Timers set and stopped at random on two loops, with the clock moved by
// random steps and extra passes run between (which must do no harm), each
// fire at exactly their due time, once, unless stopped first: the heap's
// wake requests never leave a deadline without a pass.
func TestTimersFireWhenDueRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	h := newHarness(t, testConfig(), 2)
	l, srv := h.Loops, h.Server
	type timer struct {
		loop    int
		due     time.Time
		fired   []time.Time
		t       *transports.Timer
		stopped bool
	}
	var all []*timer
	for range 5000 {
		switch r := rng.IntN(10); {
		case r < 5:
			x := &timer{loop: rng.IntN(2)}
			d := 1 + time.Duration(rng.Int64N(int64(50*time.Millisecond)))
			h.On(x.loop, func() {
				x.due = l.Now().Add(d)
				x.t = srv.AfterFunc(x.loop, d, func() { x.fired = append(x.fired, l.Now()) })
			})
			all = append(all, x)
		case r < 7 && len(all) > 0:
			x := all[rng.IntN(len(all))]
			h.On(x.loop, func() {
				if x.t.Stop() {
					x.stopped = true
				}
			})
		case r < 8:
			l.Tick()
		default:
			l.Advance(time.Duration(rng.Int64N(int64(20 * time.Millisecond))))
		}
	}
	l.Advance(time.Second)
	for i, x := range all {
		switch {
		case x.stopped && len(x.fired) > 0:
			t.Fatalf("timer %d fired after Stop reported it pending", i)
		case !x.stopped && len(x.fired) != 1:
			t.Fatalf("timer %d fired %d times", i, len(x.fired))
		case !x.stopped && !x.fired[0].Equal(x.due):
			t.Fatalf("timer %d fired at +%v, due at +%v", i, x.fired[0].Sub(tt.Epoch), x.due.Sub(tt.Epoch))
		}
	}
	for i := range 2 {
		if !l.WakeAt(i).IsZero() {
			t.Errorf("loop %d: a wake is armed with no timer left", i)
		}
	}
}

// A timer set again from its own function counts from when it was due, so
// that the chain does not drift even when every pass runs late (here on a
// 10 ms tick): it fires once per period, each time with Clock at its due
// time.
func TestTimerChainNoDrift(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	l, srv := h.Loops, h.Server
	const period, n = 7 * time.Millisecond, 100
	var start int64
	var dues []int64
	var next func()
	next = func() {
		dues = append(dues, srv.Clock(0))
		if len(dues) < n {
			srv.AfterFunc(0, period, next)
		}
	}
	h.On(0, func() {
		start = srv.Clock(0)
		srv.AfterFunc(0, period, next)
	})
	for range n * 7 / 10 {
		l.Jump(10 * time.Millisecond)
	}
	if len(dues) != n {
		t.Fatalf("%d of %d timers fired by +%v", len(dues), n, l.Now().Sub(tt.Epoch))
	}
	for i, due := range dues {
		if want := start + int64(i+1)*int64(period); due != want {
			t.Fatalf("timer %d ran due at +%v, want +%v", i, time.Duration(due-start), time.Duration(want-start))
		}
	}
}

// A v4 polling session silent since its handshake ends at exactly
// handshake + pingInterval + pingTimeout, as Node's does (the official
// test checks it then), also when the ping pass ran late: the pong
// deadline counts from when the ping was due. A pass that runs after both
// deadlines ends it in that pass.
func TestSilentPollingSessionEndsOnTime(t *testing.T) {
	for _, tc := range []struct {
		name string
		late time.Duration // how late the ping's pass runs; -1: the pong deadline's pass too
	}{{"on time", 0}, {"ping pass late", 50 * time.Millisecond}, {"both late", -1}} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig(), 1)
			l := h.Loops
			l.Advance(3 * time.Millisecond)
			c := h.Dial(0)
			sid := pollOpen(t, h, c, 4).SID
			open := l.Now()
			switch {
			case tc.late < 0:
				l.Jump(620 * time.Millisecond)
				closes := h.App.Closes(sid)
				if len(closes) != 1 || closes[0] != transports.ReasonPingTimeout {
					t.Fatalf("closes %q after a pass past both deadlines", closes)
				}
				return
			case tc.late > 0:
				l.Jump(300*time.Millisecond + tc.late)
				wantCloses(t, h, sid)
			}
			l.Advance(open.Add(500*time.Millisecond - time.Nanosecond).Sub(l.Now()))
			wantCloses(t, h, sid)
			l.Advance(time.Second)
			wantCloses(t, h, sid, transports.ReasonPingTimeout)
			var at time.Time
			for _, e := range h.App.Events() {
				if e.Kind == tt.Close {
					at = e.At
				}
			}
			wantAt(t, "ping timeout", at, open, 500*time.Millisecond)
			c.Send(tt.PollGET(4, sid))
			wantError(t, response(t, h, c), 400, 1)
		})
	}
}

// Over many heartbeats, a client that answers each ping at once gets each
// ping exactly pingInterval after its last pong: no drift accumulates (on
// a 10 ms tick, each ping would come up to a tick late and the next count
// from that pong). A client that then stops answering is dropped exactly
// pingTimeout after the ping.
func TestPingChainNoDrift(t *testing.T) {
	cfg := testConfig()
	cfg.PingInterval = 303 * time.Millisecond
	h := newHarness(t, cfg, 1)
	l := h.Loops
	l.Advance(3 * time.Millisecond)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	open := l.Now()
	ping := []byte{0x81, 0x01, '2'} // a text frame "2"
	var pings []time.Time
	const n = 50
	c.OnWrite = func(b []byte) {
		if bytes.Equal(b, ping) {
			pings = append(pings, l.Now())
			if len(pings) < n {
				c.Send(tt.Text("3"))
			}
		}
	}
	l.Advance(n*cfg.PingInterval + time.Second)
	if len(pings) != n {
		t.Fatalf("%d pings, want %d", len(pings), n)
	}
	for i, at := range pings {
		wantAt(t, "ping", at, open, time.Duration(i+1)*cfg.PingInterval)
	}
	wantCloses(t, h, sid, transports.ReasonPingTimeout)
	wantAt(t, "ping timeout", c.ClosedAt(), open, n*cfg.PingInterval+cfg.PingTimeout)
}

// An upgrade whose probe does not complete is abandoned exactly
// UpgradeTimeout after the websocket came: the probe connection is closed
// then, the session goes on polling.
func TestUpgradeTimeoutOnTime(t *testing.T) {
	cfg := testConfig()
	cfg.PingInterval, cfg.PingTimeout = 20*time.Second, 20*time.Second
	h := newHarness(t, cfg, 1)
	l := h.Loops
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	l.Advance(3 * time.Millisecond)
	w := h.Dial(0)
	probe(t, h, w, 4, sid)
	start := l.Now()
	l.Advance(5 * time.Millisecond)
	l.Advance(3 * time.Second)
	wantAt(t, "probe closed", w.ClosedAt(), start, cfg.UpgradeTimeout)
	wantCloses(t, h, sid)
}

// A connection that sends no complete request is closed exactly
// IdleTimeout after it opened, or after its last answer.
func TestIdleTimeoutOnTime(t *testing.T) {
	cfg := testConfig()
	cfg.PingInterval, cfg.PingTimeout = 20*time.Second, 20*time.Second
	h := newHarness(t, cfg, 1)
	l := h.Loops
	l.Advance(3 * time.Millisecond)
	c := h.Dial(0)
	opened := l.Now()
	l.Advance(5 * time.Millisecond)
	l.Advance(10 * time.Second)
	wantAt(t, "idle close", c.ClosedAt(), opened, cfg.IdleTimeout)

	c2 := h.Dial(0)
	l.Advance(7 * time.Millisecond)
	pollOpen(t, h, c2, 4)
	answered := l.Now()
	l.Advance(5 * time.Millisecond)
	l.Advance(10 * time.Second)
	wantAt(t, "idle close after an answer", c2.ClosedAt(), answered, cfg.IdleTimeout)
}

// A polling session closed by a timer's function, with no GET waiting,
// keeps its close packet for the client's next GET for pingInterval +
// pingTimeout from when that timer was due, even when the pass ran late.
func TestDrainCountsFromDueTime(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before bool // GET just before the drain deadline, else at it
	}{{"before the deadline", true}, {"at the deadline", false}} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig(), 1)
			l := h.Loops
			c := h.Dial(0)
			sid := pollOpen(t, h, c, 4).SID
			open := l.Now()
			s := session(t, h, sid)
			h.On(0, func() {
				h.Server.AfterFunc(0, 100*time.Millisecond, func() { s.Close(transports.ReasonForcedClose) })
			})
			l.Jump(150 * time.Millisecond) // the pass runs 50 ms late
			wantCloses(t, h, sid, transports.ReasonForcedClose)
			drainBy := 100*time.Millisecond + testConfig().PingInterval + testConfig().PingTimeout
			at := open.Add(drainBy)
			if tc.before {
				at = at.Add(-time.Nanosecond)
			}
			l.Advance(at.Sub(l.Now()))
			c.Send(tt.PollGET(4, sid))
			r := response(t, h, c)
			if tc.before {
				wantStatus(t, r, 200, "1")
			} else {
				wantError(t, r, 400, 1)
			}
		})
	}
}

// A legacy stream whose heartbeat goes unanswered ends exactly
// HeartbeatInterval + HeartbeatTimeout after it connected, also when the
// heartbeat's pass ran late: the machine is ticked at the deadline it set.
func TestLegacyHeartbeatTimeoutOnTime(t *testing.T) {
	h, rec := newLegacyHarness(t, legacyConfig(1), 1)
	l := h.Loops
	l.Advance(3 * time.Millisecond)
	c := h.Dial(0)
	c.SendString(get("/socket.io/xhr-multipart/"))
	l.RunAll()
	if rec.last() == nil {
		t.Fatalf("no session; output %q", c.Output())
	}
	open := l.Now()
	l.Jump(legacy.DefaultHeartbeatInterval + 50*time.Millisecond)
	if !bytes.Contains(c.Output(), []byte("~h~1")) || c.CloseRequested() {
		t.Fatalf("after the late heartbeat pass: closed %v, output %q", c.CloseRequested(), c.Output())
	}
	l.Advance(20 * time.Second)
	wantAt(t, "heartbeat timeout", c.ClosedAt(), open, legacy.DefaultHeartbeatInterval+legacy.DefaultHeartbeatTimeout)
}

// TestPingTimeoutBeforeTimerPass: a silent polling session's GET is read
// exactly at pingInterval+pingTimeout, before the loop's timer pass (posted
// to the loop, behind the read) has run. The GET finds the session gone,
// as the official suites check at 500 ms.
func TestPingTimeoutBeforeTimerPass(t *testing.T) {
	for _, eio := range []int{3, 4} {
		t.Run("EIO"+itoa(eio), func(t *testing.T) {
			cfg := testConfig()
			cfg.PingInterval, cfg.PingTimeout = 300*time.Millisecond, 200*time.Millisecond
			h := newHarness(t, cfg, 1)
			c := h.Dial(0)
			sid := pollOpen(t, h, c, eio).SID
			h.Loops.MoveClock(500 * time.Millisecond)
			c.Send(tt.PollGET(eio, sid))
			h.Loops.RunOne(0)
			wantError(t, response(t, h, c), 400, 1)
			wantCloses(t, h, sid, transports.ReasonPingTimeout)
		})
	}
}
