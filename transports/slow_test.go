package transports_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

func slowConfig() transports.Config {
	cfg := testConfig()
	cfg.MaxBuffered = 10_000
	return cfg
}

// writable reads s.Writable and s.Buffered on the session's loop.
func writable(h *tt.Harness, s *transports.Session) (ok bool, buffered int) {
	h.On(s.Loop(), func() { ok, buffered = s.Writable(), s.Buffered() })
	return
}

func TestMaxBufferedDefault(t *testing.T) {
	h := newHarness(t, transports.Config{}, 1)
	if got := h.Server.Config().MaxBuffered; got != 4<<20 {
		t.Fatalf("MaxBuffered %d", got)
	}
}

func TestSlowConsumerWebSocket(t *testing.T) {
	h := newHarness(t, slowConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	s := session(t, h, sid)
	msg := strings.Repeat("x", 1000) // a 1005-byte frame

	// A peer that reads again is fine, and Writable follows its buffer.
	c.Stall()
	h.Send(s, msg, false)
	if ok, n := writable(h, s); ok || n != 1005 {
		t.Fatalf("Writable %v, Buffered %d with a frame pending", ok, n)
	}
	c.Drain()
	if ok, n := writable(h, s); !ok || n != 0 {
		t.Fatalf("Writable %v, Buffered %d once drained", ok, n)
	}

	// A peer that never reads: frames are written while they fit.
	c.Stall()
	sent := 0
	for range 100 {
		h.Send(s, msg, false)
		h.Loops.RunAll()
		if n := c.Stalled(); n > 10_000 {
			t.Fatalf("%d bytes buffered for the client, limit 10000", n)
		}
		if s.Closed() {
			break
		}
		sent++
	}
	if sent != 9 {
		t.Fatalf("%d messages written before closing, want 9", sent)
	}
	wantCloses(t, h, sid, transports.ReasonSlowConsumer)
	wantClosed(t, h, c)
	// Every frame was a message: no close frame queued behind them.
	wantTexts(t, c, slicesRepeat("4"+msg, 10)...)
	if h.Server.SessionCount() != 0 {
		t.Fatal("still registered")
	}
	h.Send(s, msg, false)
	h.Loops.RunAll()
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestSlowConsumerWebSocketBigMessage(t *testing.T) {
	// A message bigger than MaxBuffered still goes when nothing waits.
	h := newHarness(t, slowConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	s := session(t, h, sid)
	c.Stall()
	big := strings.Repeat("y", 20_000)
	h.Send(s, big, false)
	wantOpen(t, h, c)
	wantTexts(t, c, "4"+big)
	h.Send(s, "z", false)
	wantCloses(t, h, sid, transports.ReasonSlowConsumer)
	wantClosed(t, h, c)
}

func TestSlowConsumerWebSocketPing(t *testing.T) {
	// The server's own pings count too.
	h := newHarness(t, slowConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	s := session(t, h, sid)
	c.Stall()
	for range 9 {
		h.Send(s, strings.Repeat("x", 1106), false) // 1111-byte frames
	}
	wantCloses(t, h, sid)
	h.Loops.Advance(300 * time.Millisecond) // the 3-byte ping does not fit
	wantCloses(t, h, sid, transports.ReasonSlowConsumer)
	wantClosed(t, h, c)
}

func TestSlowConsumerWebSocketCrossLoop(t *testing.T) {
	// The session lives on loop 0, its websocket on loop 1: the websocket's
	// loop refuses the frame and the session learns it from the close.
	h := newHarness(t, slowConfig(), 2)
	p := h.Dial(0)
	sid := pollOpen(t, h, p, 4).SID
	s := session(t, h, sid)
	w := h.Dial(1)
	probe(t, h, w, 4, sid)
	w.Send(tt.Text("5"))
	h.Loops.RunAll()
	if s.TransportName() != transports.WebSocket {
		t.Fatal("not upgraded")
	}
	w.Stall()
	msg := strings.Repeat("x", 1000)
	for range 30 {
		h.Send(s, msg, false)
		h.Loops.RunAll()
		if n := w.Stalled(); n > 10_000 {
			t.Fatalf("%d bytes buffered", n)
		}
	}
	wantCloses(t, h, sid, transports.ReasonSlowConsumer)
	wantClosed(t, h, w)
	if got := len(readTexts(t, w)); got != 9 {
		t.Fatalf("%d frames written, want 9", got)
	}
}

func TestSlowConsumerPolling(t *testing.T) {
	h := newHarness(t, slowConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	s := session(t, h, sid)
	if ok, _ := writable(h, s); ok {
		t.Fatal("Writable without a GET waiting")
	}
	msg := strings.Repeat("x", 1000) // counts 1001
	sent := 0
	for range 100 {
		h.Send(s, msg, false)
		if _, n := writable(h, s); n > 10_000 {
			t.Fatalf("%d bytes queued, limit 10000", n)
		}
		if s.Closed() {
			break
		}
		sent++
	}
	if sent != 9 {
		t.Fatalf("%d messages queued before closing, want 9", sent)
	}
	wantCloses(t, h, sid, transports.ReasonSlowConsumer)
	if _, n := writable(h, s); n != 1 {
		t.Fatalf("%d bytes kept after closing, want the close packet's 1", n)
	}
	// What was queued is dropped; the next GET learns of the close.
	c.Send(tt.PollGET(4, sid))
	wantStatus(t, response(t, h, c), 200, "1")
	c.Send(tt.PollGET(4, sid))
	wantError(t, response(t, h, c), 400, 1)
}

func TestSlowConsumerPollingKeepsUp(t *testing.T) {
	// A burst over MaxBuffered in one loop turn, with a GET waiting: the
	// GET is answered early rather than the session closed.
	h := newHarness(t, slowConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	s := session(t, h, sid)
	c.Send(tt.PollGET(4, sid))
	noResponse(t, h, c)
	if ok, _ := writable(h, s); !ok {
		t.Fatal("not Writable with a GET waiting")
	}
	msg := strings.Repeat("x", 1000)
	h.On(0, func() {
		s.Send([]byte(msg), false)
		if s.Writable() {
			t.Error("Writable with a message queued")
		}
		for range 14 {
			s.Send([]byte(msg), false)
		}
	})
	r := response(t, h, c)
	if got := splitV4(r.Body); len(got) != 9 {
		t.Fatalf("first answer has %d packets", len(got))
	}
	c.Send(tt.PollGET(4, sid))
	r = response(t, h, c)
	if got := splitV4(r.Body); len(got) != 6 || got[5] != "4"+msg {
		t.Fatalf("second answer has %d packets", len(got))
	}
	wantCloses(t, h, sid)
}

func TestSlowConsumerUpgradeFlush(t *testing.T) {
	// What polling queued goes over the websocket after the upgrade, within
	// the limit of a stalled websocket.
	h := newHarness(t, slowConfig(), 1)
	p := h.Dial(0)
	sid := pollOpen(t, h, p, 4).SID
	s := session(t, h, sid)
	w := h.Dial(0)
	probe(t, h, w, 4, sid)
	w.Stall()
	for range 9 {
		h.Send(s, strings.Repeat("x", 1000), false)
	}
	w.Send(tt.Text("5"))
	h.Loops.RunAll()
	// 9 frames of 1005 bytes fit, nothing else was pending.
	wantCloses(t, h, sid)
	h.Send(s, strings.Repeat("x", 1000), false)
	h.Loops.RunAll()
	wantCloses(t, h, sid, transports.ReasonSlowConsumer)
	fs, _ := w.ReadFrames()
	if len(fs) != 9 || fs[0].Op != frames.OpText {
		t.Fatalf("%d frames", len(fs))
	}
}

func TestSlowConsumerUpgradeFlushOverflows(t *testing.T) {
	// Frames are a little bigger than what polling counts: the queue fits
	// MaxBuffered, its frames do not, and the session ends mid-flush.
	h := newHarness(t, slowConfig(), 1)
	p := h.Dial(0)
	sid := pollOpen(t, h, p, 4).SID
	s := session(t, h, sid)
	w := h.Dial(0)
	probe(t, h, w, 4, sid)
	w.Stall()
	for range 9 {
		h.Send(s, strings.Repeat("x", 1110), false) // counts 1111, a 1115-byte frame
	}
	wantCloses(t, h, sid)
	w.Send(tt.Text("5"))
	h.Loops.RunAll()
	wantCloses(t, h, sid, transports.ReasonSlowConsumer)
	wantClosed(t, h, w)
	if got := len(readTexts(t, w)); got != 8 {
		t.Fatalf("%d frames written, want 8", got)
	}
}
