package transports_test

import (
	"strings"
	"testing"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// Each send reports what it did: queued, refused on a closed session, or
// the one that cut a slow consumer.
func TestSendResults(t *testing.T) {
	msg := []byte(strings.Repeat("x", 1000))
	for _, tc := range []struct {
		name string
		open func(t *testing.T, h *tt.Harness) *transports.Session
	}{
		{"polling", func(t *testing.T, h *tt.Harness) *transports.Session {
			c := h.Dial(0)
			return session(t, h, pollOpen(t, h, c, 4).SID)
		}},
		{"websocket", func(t *testing.T, h *tt.Harness) *transports.Session {
			c := h.Dial(0)
			sid := wsOpen(t, h, c, 4).SID
			c.Stall()
			return session(t, h, sid)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, slowConfig(), 1)
			s := tc.open(t, h)
			var got []transports.SendResult
			shared := transports.NewShared(msg)
			h.On(0, func() {
				for i := range 12 {
					if i%2 == 0 {
						got = append(got, s.Send(msg, false))
					} else {
						got = append(got, s.SendShared(shared))
					}
				}
			})
			want := make([]transports.SendResult, 12)
			want[9], want[10], want[11] = transports.SendCut, transports.SendClosed, transports.SendClosed
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("results %v, want %v", got, want)
				}
			}
			wantCloses(t, h, s.ID(), transports.ReasonSlowConsumer)
		})
	}
}

// Tiny packets to a polling client that does not poll count what they hold
// besides their bytes (their place in the queue, their copy): the session
// is cut after about MaxBuffered/96 of them, not MaxBuffered/2.
func TestSlowConsumerPollingTinyPackets(t *testing.T) {
	h := newHarness(t, slowConfig(), 1)
	c := h.Dial(0)
	s := session(t, h, pollOpen(t, h, c, 4).SID)
	sent := 0
	h.On(0, func() {
		for range 10_000 {
			if s.Send([]byte("x"), false) != transports.SendQueued {
				break
			}
			sent++
		}
	})
	if sent < 90 || sent > 110 {
		t.Fatalf("%d one-byte messages queued before the cut, want about 104", sent)
	}
	wantCloses(t, h, s.ID(), transports.ReasonSlowConsumer)
}
