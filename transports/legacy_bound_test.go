package transports_test

import (
	"strings"
	"testing"

	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
)

// A legacy session's queue is held under MaxBuffered too: a polling client
// that stops polling is cut as a slow consumer once its queue would pass
// the bound, not Legacy.MaxQueueBytes (1 MiB by default).
func TestLegacyQueueBoundedByMaxBuffered(t *testing.T) {
	cfg := legacyConfig(1)
	cfg.MaxBuffered = 10_000
	h, rec := newLegacyHarness(t, cfg, 1)
	c := h.Dial(0)
	c.SendString(get("/socket.io/xhr-polling//1300000000000"))
	h.Loops.RunAll()
	s := rec.last()
	if s == nil {
		t.Fatal("no session")
	}
	frame := legacy.AppendText(nil, strings.Repeat("x", 990)) // 1000 bytes
	sent := 0
	var last, after transports.SendResult
	h.On(0, func() {
		for range 1000 {
			last = s.SendFrames(frame)
			if s.Closed() {
				break
			}
			sent++
		}
		after = s.SendFrames(frame)
	})
	if sent != 10 {
		t.Fatalf("%d messages queued before the cut, want 10", sent)
	}
	if last != transports.SendCut || after != transports.SendClosed {
		t.Fatalf("results %d then %d, want SendCut then SendClosed", last, after)
	}
	var closes []string
	for _, e := range rec.take() {
		if strings.HasPrefix(e, "close ") {
			closes = append(closes, e)
		}
	}
	if len(closes) != 1 || !strings.HasSuffix(closes[0], `"`+transports.ReasonSlowConsumer+`"`) {
		t.Fatalf("closes %q", closes)
	}
}
