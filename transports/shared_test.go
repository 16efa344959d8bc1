package transports_test

import (
	"testing"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// TestSendShared: one Shared message reaches a v4 and a v3 websocket
// session as the same text frame, and a polling session in its next GET,
// exactly as Send would have sent it; the Shared bytes are not modified.
func TestSendShared(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	ws4, ws3, poll := h.Dial(0), h.Dial(0), h.Dial(0)
	s4 := session(t, h, wsOpen(t, h, ws4, 4).SID)
	s3 := session(t, h, wsOpen(t, h, ws3, 3).SID)
	sp := session(t, h, pollOpen(t, h, poll, 4).SID)
	msg := []byte(`2["news","é"]`)
	m := transports.NewShared(msg)
	msg[0] = 'X' // NewShared copied it
	h.On(0, func() {
		for _, s := range []*transports.Session{s4, s3, sp} {
			s.SendShared(m)
		}
	})
	want := `42["news","é"]`
	for _, c := range []*tt.Conn{ws4, ws3} {
		if got := readTexts(t, c); len(got) != 1 || got[0] != want {
			t.Fatalf("websocket got %q, want [%q]", got, want)
		}
	}
	poll.Send(tt.PollGET(4, sp.ID()))
	r := response(t, h, poll)
	if got := string(r.Body); got != want {
		t.Fatalf("polling GET got %q, want %q", got, want)
	}
	if string(m.Data()) != `2["news","é"]` {
		t.Fatalf("Shared data changed: %q", m.Data())
	}
}
