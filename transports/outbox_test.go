package transports_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// boundedConfig bounds output at 64 KiB: an edge then holds 8 KiB at most.
func boundedConfig() transports.Config {
	cfg := testConfig()
	cfg.MaxBuffered = 64 << 10
	return cfg
}

// pow2Twice rounds as the gnet edge charges its buffer: twice the power of
// two at or above n.
func pow2Twice(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return 2 * p
}

// wsWritable opens a v4 websocket session on a WritableConn of loop 0.
func wsWritable(t *testing.T, h *tt.Harness) (*tt.WritableConn, *transports.Session) {
	t.Helper()
	w := h.DialWritable(0)
	w.Round = pow2Twice
	sid := wsOpen(t, h, w.Conn, 4).SID
	return w, session(t, h, sid)
}

// A broadcast of shared frames to a client that never reads: what the
// connection holds (its outbox and its edge's buffer, at the edge's
// footprint) never passes MaxBuffered, the edge never holds more than a
// handoff, the outbox keeps the shared frames themselves (no copy), and
// the send that would pass the bound cuts the session (SendCut); the
// client then gets whole frames, those the edge had, and the end.
func TestOutboxBroadcastToNeverReadingClient(t *testing.T) {
	h := newHarness(t, boundedConfig(), 1)
	w, s := wsWritable(t, h)
	bound, handoff := h.Server.Config().MaxBuffered, h.Server.Handoff()
	w.Stall()

	var sent []*transports.Shared
	cut := -1
	for i := 0; i < 1000 && cut < 0; i++ {
		m := transports.NewShared([]byte(fmt.Sprintf("%04d%s", i, strings.Repeat("x", 996))))
		h.On(0, func() {
			switch r := s.SendShared(m); r {
			case transports.SendCut:
				cut = i
			case transports.SendQueued:
				sent = append(sent, m)
			default:
				t.Fatalf("send %d: result %d", i, r)
			}
			if held := s.Buffered(); cut < 0 && held > bound {
				t.Fatalf("after %d sends: %d bytes held, bound %d", i+1, held, bound)
			}
			if n := w.Buffered(); n > handoff {
				t.Fatalf("after %d sends: the edge holds %d bytes, handoff %d", i+1, n, handoff)
			}
			if cut >= 0 {
				return
			}
			// Every queued frame is the Shared's own frame.
			queued := transports.OutboxFrames(w.M)
			for j, f := range queued {
				m := sent[len(sent)-len(queued)+j]
				d := m.Data()
				if len(f) < len(d) || &f[len(f)-1] != &d[len(d)-1] {
					t.Fatalf("outbox frame %d is a copy, not the shared frame", j)
				}
			}
		})
		h.Loops.RunAll()
	}
	if cut < 0 {
		t.Fatal("never cut")
	}
	// 64 KiB bound, 16 KiB charged for the edge: about 47 frames.
	if cut < 40 || cut > 64 {
		t.Fatalf("cut at send %d", cut)
	}
	wantCloses(t, h, s.ID(), transports.ReasonSlowConsumer)
	wantClosed(t, h, w.Conn)
	h.On(0, func() {
		if r := s.SendShared(transports.NewShared([]byte("late"))); r != transports.SendClosed {
			t.Errorf("send after the cut: result %d, want SendClosed", r)
		}
		if f := transports.OutboxFrames(w.M); f != nil {
			t.Errorf("outbox kept after the cut: %d frames", len(f))
		}
	})
	// What the edge had: whole frames, in order, and nothing after.
	got := readTexts(t, w.Conn)
	if len(got) == 0 || len(got) >= cut {
		t.Fatalf("%d frames reached the edge of %d sent", len(got), cut)
	}
	for i, p := range got {
		if want := "4" + string(sent[i].Data()); p != want {
			t.Fatalf("frame %d: %.10q…, want %.10q…", i, p, want)
		}
	}
	if rest := w.Unread(); len(rest) > 0 {
		t.Fatalf("%d bytes after the last whole frame", len(rest))
	}
}

// Frames queued while the client reads slowly reach it whole and in order
// as it reads, through OnWritable; the outbox then goes.
func TestOutboxRefillsInOrder(t *testing.T) {
	cfg := boundedConfig()
	cfg.MaxBuffered = 1 << 20
	h := newHarness(t, cfg, 1)
	w, s := wsWritable(t, h)
	handoff := h.Server.Handoff()
	w.Stall()
	var want []string
	for i := range 300 {
		msg := fmt.Sprintf("%03d%s", i, strings.Repeat("y", 997))
		want = append(want, "4"+msg)
		h.On(0, func() {
			if r := s.Send([]byte(msg), false); r != transports.SendQueued {
				t.Fatalf("send %d: result %d", i, r)
			}
		})
	}
	if !w.Waiting() {
		t.Fatal("no WaitWritable with the outbox full")
	}
	if ok, n := writable(h, s); ok || n <= handoff {
		t.Fatalf("Writable %v, %d bytes held", ok, n)
	}
	readInSteps(t, h, w, 3000, 1000)
	w.Drain()
	h.Loops.RunAll()
	wantTexts(t, w.Conn, want...)
	h.On(0, func() {
		if f := transports.OutboxFrames(w.M); f != nil {
			t.Errorf("outbox kept once empty: %d frames", len(f))
		}
	})
	if ok, n := writable(h, s); !ok || n != 0 {
		t.Fatalf("Writable %v, %d bytes held once read", ok, n)
	}
}

// A client that keeps up never gets an outbox: each frame goes to the edge
// as it is written.
func TestOutboxNotUsedWhileClientKeepsUp(t *testing.T) {
	h := newHarness(t, boundedConfig(), 1)
	w, s := wsWritable(t, h)
	for i := range 100 {
		h.On(0, func() {
			s.SendShared(transports.NewShared([]byte(strings.Repeat("z", 5000))))
			if f := transports.OutboxFrames(w.M); f != nil {
				t.Fatalf("send %d: outbox of %d frames", i, len(f))
			}
		})
	}
	if w.Asks != 0 {
		t.Fatalf("%d WaitWritable calls", w.Asks)
	}
	if got := len(readTexts(t, w.Conn)); got != 100 {
		t.Fatalf("%d frames", got)
	}
}

// A frame bigger than a handoff is handed in pieces: the edge never holds
// more than a handoff of it.
func TestOutboxSplitsBigFrame(t *testing.T) {
	cfg := boundedConfig()
	cfg.MaxPayload = 1 << 20
	h := newHarness(t, cfg, 1)
	w, s := wsWritable(t, h)
	handoff := h.Server.Handoff()
	w.Stall()
	big := strings.Repeat("b", 5*handoff)
	h.Send(s, big, false)
	readInSteps(t, h, w, handoff, 100)
	wantOpen(t, h, w.Conn)
	wantTexts(t, w.Conn, "4"+big)
}

// A connection that goes (the peer hangs up) frees its outbox at once.
func TestOutboxFreedWhenConnectionGoes(t *testing.T) {
	h := newHarness(t, boundedConfig(), 1)
	w, s := wsWritable(t, h)
	w.Stall()
	for range 20 {
		h.Send(s, strings.Repeat("q", 1000), false)
	}
	h.On(0, func() {
		if len(transports.OutboxFrames(w.M)) == 0 {
			t.Fatal("nothing in the outbox")
		}
	})
	w.Hangup()
	h.Loops.RunAll()
	wantCloses(t, h, s.ID(), transports.ReasonTransportClose)
	h.On(0, func() {
		if f := transports.OutboxFrames(w.M); f != nil {
			t.Fatalf("outbox of %d frames kept after the connection went", len(f))
		}
	})
}

// A close by the server (not a cut) delivers what waited in the outbox,
// then the close packet and the close frame.
func TestOutboxDeliveredBeforeServerClose(t *testing.T) {
	h := newHarness(t, boundedConfig(), 1)
	w, s := wsWritable(t, h)
	w.Stall()
	var want []string
	for i := range 20 {
		msg := fmt.Sprintf("%02d%s", i, strings.Repeat("c", 998))
		want = append(want, "4"+msg)
		h.Send(s, msg, false)
	}
	h.On(0, func() { s.Close(transports.ReasonForcedClose) })
	wantClosed(t, h, w.Conn)
	w.Drain()
	fs, err := w.ReadFrames()
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != len(want)+2 {
		t.Fatalf("%d frames, want %d messages, the close packet and the close frame", len(fs), len(want))
	}
	for i, msg := range want {
		if string(fs[i].Payload) != msg {
			t.Fatalf("frame %d: %.10q…", i, fs[i].Payload)
		}
	}
	if p := string(fs[len(want)].Payload); p != "1" {
		t.Fatalf("close packet %q", p)
	}
	if op := fs[len(want)+1].Op; op != 8 {
		t.Fatalf("last frame op %d, want close", op)
	}
}

// readInSteps makes w's stalled peer read step bytes at a time, the loops
// running in between, until the machine no longer waits to write (its
// outbox is empty); meanwhile the edge must never hold more than a handoff.
func readInSteps(t *testing.T, h *tt.Harness, w *tt.WritableConn, step, rounds int) {
	t.Helper()
	handoff := h.Server.Handoff()
	for range rounds {
		if n := w.Stalled(); n > handoff {
			t.Fatalf("the edge holds %d bytes, handoff %d", n, handoff)
		}
		if !w.Waiting() {
			return
		}
		w.Read(step)
		h.Loops.RunAll()
	}
	t.Fatalf("still waiting to write after %d reads of %d bytes", rounds, step)
}
