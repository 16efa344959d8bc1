package transports_test

import (
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// TestCrossLoop runs a whole session homed on loop 0 with its requests on
// connections of loops 1..3, and checks that the session's work happens on
// loop 0 and the responses on the connections' loops.
func TestCrossLoop(t *testing.T) {
	for _, eio := range []int{3, 4} {
		t.Run("EIO"+itoa(eio), func(t *testing.T) {
			h := newHarness(t, testConfig(), 4)
			var home *transports.Session
			h.App.OnMessage = func(s *transports.Session, data []byte, binary bool) {
				home = s
				if got := h.Loops.Current(); got != 0 {
					t.Errorf("message on loop %d", got)
				}
				// Echo from the home loop, as an application does.
				s.Send(append([]byte("echo:"), data...), false)
			}
			hs := h.Dial(0)
			sid := pollOpen(t, h, hs, eio).SID
			get, post, ws := h.Dial(1), h.Dial(2), h.Dial(3)

			get.Send(tt.PollGET(eio, sid))
			// Loop 1 hands the GET to loop 0, which parks it.
			if n := h.Loops.Run(1); n != 1 || h.Loops.Pending(0) != 1 {
				t.Fatalf("handover: ran %d, loop 0 has %d", n, h.Loops.Pending(0))
			}
			h.Loops.Run(0)
			noResponse(t, h, get)

			body := tt.Payload("4a", "4b")
			if eio == 3 {
				body = tt.PayloadV3("4a", "4b")
			}
			post.Send(tt.PollPOST(eio, sid, body))
			h.Loops.Run(2)
			if len(h.App.Messages(sid)) != 0 || len(post.Unread()) != 0 {
				t.Fatal("POST handled off the home loop")
			}
			h.Loops.Run(0) // messages, and the "ok" posted back to loop 2
			wantMessages(t, h, sid, "a", "b")
			if len(post.Unread()) != 0 {
				t.Fatal("response written from loop 0")
			}
			h.Loops.Run(2)
			wantStatus(t, response(t, h, post), 200, "ok")
			r := response(t, h, get)
			want := "4echo:a\x1e4echo:b"
			if eio == 3 {
				want = tt.PayloadV3("4echo:a", "4echo:b")
			}
			wantStatus(t, r, 200, want)
			if home == nil || home.Loop() != 0 {
				t.Fatal("home loop")
			}

			// Upgrade on loop 3.
			get.Send(tt.PollGET(eio, sid))
			h.Loops.RunAll()
			ws.Send(tt.WSUpgrade(eio, sid))
			h.Loops.RunAll()
			if r, err := ws.ReadResponse(); err != nil || r.Status != 101 {
				t.Fatalf("%v %v", r, err)
			}
			ws.Send(tt.Text("2probe"))
			h.Loops.RunAll()
			wantTexts(t, ws, "3probe")
			noop := "6"
			if eio == 3 {
				noop = "1:6"
			}
			wantStatus(t, response(t, h, get), 200, noop)
			ws.Send(tt.Text("5"))
			ws.Send(tt.Text("4c"))
			h.Loops.RunAll()
			wantMessages(t, h, sid, "a", "b", "c")
			wantTexts(t, ws, "4echo:c")
			get.Send(tt.PollGET(eio, sid))
			wantError(t, response(t, h, get), 400, 3)

			// Heartbeat and close across loops.
			if eio == 4 {
				h.Loops.Advance(300 * time.Millisecond)
				wantTexts(t, ws, "2")
				ws.Send(tt.Text("3"))
				h.Loops.Advance(400 * time.Millisecond)
				wantTexts(t, ws, "2")
			}
			h.On(0, func() { home.Close(transports.ReasonForcedClose) })
			h.Loops.RunAll()
			fs, _ := ws.ReadFrames()
			if len(fs) != 2 || string(fs[0].Payload) != "1" || fs[1].CloseCode() != 1000 {
				t.Fatalf("frames %v", fs)
			}
			wantClosed(t, h, ws)
			wantCloses(t, h, sid, transports.ReasonForcedClose)
		})
	}
}

func TestCrossLoopSecondGet(t *testing.T) {
	h := newHarness(t, testConfig(), 4)
	hs := h.Dial(0)
	sid := pollOpen(t, h, hs, 4).SID
	g1, g2 := h.Dial(1), h.Dial(2)
	g1.Send(tt.PollGET(4, sid))
	h.Loops.RunAll()
	g2.Send(tt.PollGET(4, sid))
	h.Loops.RunAll()
	wantError(t, response(t, h, g2), 400, 3)
	wantStatus(t, response(t, h, g1), 200, "1")
	wantCloses(t, h, sid, transports.ReasonTransportError)
}

func TestCrossLoopParkedGetHangup(t *testing.T) {
	h := newHarness(t, testConfig(), 4)
	hs := h.Dial(0)
	sid := pollOpen(t, h, hs, 4).SID
	g := h.Dial(3)
	g.Send(tt.PollGET(4, sid))
	h.Loops.Run(3)
	// The connection goes before the home loop saw the GET.
	g.Hangup()
	h.Loops.Run(3)
	h.Loops.RunAll()
	wantCloses(t, h, sid, transports.ReasonTransportClose)
}

func TestCrossLoopWebSocketErrors(t *testing.T) {
	h := newHarness(t, testConfig(), 4)
	hs := h.Dial(0)
	sid := pollOpen(t, h, hs, 4).SID
	ws := h.Dial(2)
	ws.Send(tt.WSUpgrade(4, sid))
	h.Loops.RunAll()
	ws.ReadResponse()
	ws.Send(append(tt.Text("2probe"), tt.Text("5")...))
	h.Loops.RunAll()
	wantTexts(t, ws, "3probe")
	ws.Send(tt.Text("4" + string(make([]byte, 1000))))
	h.Loops.RunAll()
	if f := readFrame(t, ws); f.CloseCode() != 1009 {
		t.Fatalf("%v", f)
	}
	wantCloses(t, h, sid, transports.ReasonTransportError)
}

// TestCrossLoopAnsweredGetLost: the home loop answers a GET of another loop,
// but that connection closes before the answer reaches it. The packets are
// lost, so the session must end rather than carry on without them.
func TestCrossLoopAnsweredGetLost(t *testing.T) {
	h := newHarness(t, testConfig(), 4)
	hs := h.Dial(0)
	sid := pollOpen(t, h, hs, 4).SID
	s := session(t, h, sid)
	g := h.Dial(1)
	g.Send(tt.PollGET(4, sid))
	h.Loops.RunAll()
	g.Hangup() // queued on loop 1, before the answer
	h.Send(s, "lost", false)
	h.Loops.Run(0) // the flush posts the answer to loop 1
	h.Loops.Run(1) // OnClose, then the answer, dropped
	if len(g.Output()) != 0 {
		t.Fatalf("output %q", g.Output())
	}
	h.Loops.RunAll()
	wantCloses(t, h, sid, transports.ReasonTransportClose)

	// After an upgrade, a stale GET connection closing does not matter.
	sid2 := pollOpen(t, h, hs, 4).SID
	g2, ws := h.Dial(2), h.Dial(3)
	g2.Send(tt.PollGET(4, sid2))
	h.Loops.RunAll()
	ws.Send(append(tt.WSUpgrade(4, sid2), tt.Text("2probe")...))
	h.Loops.Run(3)
	g2.Hangup()    // queued on loop 2, before the noop
	h.Loops.Run(0) // 3probe posted to loop 3, noop posted to loop 2
	ws.Send(tt.Text("5"))
	h.Loops.Run(3)
	h.Loops.Run(0) // upgraded
	h.Loops.Run(2) // OnClose before the noop: pollGone to loop 0
	h.Loops.RunAll()
	if len(g2.Unread()) != 0 {
		t.Fatalf("output %q", g2.Unread())
	}
	wantCloses(t, h, sid2)
	if session(t, h, sid2).Transport() != transports.WebSocket {
		t.Fatal("not upgraded")
	}
}
