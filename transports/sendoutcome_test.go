package transports_test

import (
	"strings"
	"testing"

	"github.com/tornadio/tornadio/transports"
)

// TestEverySendFunctionReports: the send functions broadcasts use report what they did
// to the session: queued while the client keeps up with the bound, cut by
// the send that would pass MaxBuffered (the session closes as a slow
// consumer), closed for every send after; on websocket and polling alike.
func TestEverySendFunctionReports(t *testing.T) {
	m := transports.NewShared([]byte("2" + strings.Repeat("x", 999)))
	sends := []struct {
		name string
		send func(s *transports.Session) transports.SendResult
	}{
		{"SendShared", func(s *transports.Session) transports.SendResult { return s.SendShared(m) }},
		{"SendSharedUncompressed", func(s *transports.Session) transports.SendResult { return s.SendSharedUncompressed(m) }},
		{"Send", func(s *transports.Session) transports.SendResult { return s.Send(m.Data(), false) }},
		{"SendUncompressed", func(s *transports.Session) transports.SendResult { return s.SendUncompressed(m.Data(), false) }},
	}
	for _, tc := range sends {
		for _, transport := range []string{"websocket", "polling"} {
			t.Run(tc.name+"/"+transport, func(t *testing.T) {
				h := newHarness(t, slowConfig(), 1)
				c := h.Dial(0)
				var s *transports.Session
				if transport == "websocket" {
					s = session(t, h, wsOpen(t, h, c, 4).SID)
					c.Stall() // a client that never reads
				} else {
					s = session(t, h, pollOpen(t, h, c, 4).SID) // and never polls
				}
				var got []transports.SendResult
				h.On(0, func() {
					for range 30 {
						got = append(got, tc.send(s))
					}
				})
				queued := 0
				for queued < len(got) && got[queued] == transports.SendQueued {
					queued++
				}
				if queued == 0 || queued >= len(got) || got[queued] != transports.SendCut {
					t.Fatalf("results %v: want some SendQueued (0), one SendCut (2), then SendClosed (1)", got)
				}
				for _, r := range got[queued+1:] {
					if r != transports.SendClosed {
						t.Fatalf("results %v: after the cut, every send reports SendClosed (1)", got)
					}
				}
				wantCloses(t, h, s.ID(), transports.ReasonSlowConsumer)
			})
		}
	}
}
