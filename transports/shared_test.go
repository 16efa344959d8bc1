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

// TestSendSharedBinary: a binary Shared message reaches a v4 websocket
// session as a binary frame of its bytes, a v3 one with the message type
// in front, and polling sessions of both versions as Send(data, true)
// would have queued it.
func TestSendSharedBinary(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	ws4, ws3 := h.Dial(0), h.Dial(0)
	s4 := session(t, h, wsOpen(t, h, ws4, 4).SID)
	s3 := session(t, h, wsOpen(t, h, ws3, 3).SID)
	msg := []byte{0x83, 0xa4, 't', 'y', 'p', 'e', 0x02, 0x00, 0xff}
	m := transports.NewSharedBinary(msg)
	if !m.Binary() || string(m.Data()) != string(msg) {
		t.Fatalf("NewSharedBinary: binary %v, data %x", m.Binary(), m.Data())
	}
	h.On(0, func() {
		s4.SendShared(m)
		s3.SendShared(m)
	})
	for _, c := range []struct {
		conn *tt.Conn
		want string
	}{{ws4, string(msg)}, {ws3, "\x04" + string(msg)}} {
		f := readFrame(t, c.conn)
		if f.Op != 2 || string(f.Payload) != c.want {
			t.Fatalf("websocket got op %d %x, want binary %x", f.Op, f.Payload, c.want)
		}
	}
	for _, v := range []int{4, 3} {
		shared, plain := h.Dial(0), h.Dial(0)
		ss := session(t, h, pollOpen(t, h, shared, v).SID)
		sp := session(t, h, pollOpen(t, h, plain, v).SID)
		h.On(0, func() {
			ss.SendShared(m)
			sp.Send(msg, true)
		})
		shared.Send(tt.PollGET(v, ss.ID()))
		got := response(t, h, shared)
		plain.Send(tt.PollGET(v, sp.ID()))
		want := response(t, h, plain)
		if string(got.Body) != string(want.Body) || len(got.Body) == 0 {
			t.Fatalf("v%d polling GET got %q, want %q", v, got.Body, want.Body)
		}
	}
}
