package transports_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

func TestWebSocketDirect(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	c.Send(tt.WSUpgrade(4, ""))
	h.Loops.RunAll()
	out := string(c.Unread())
	if !strings.HasPrefix(out, "HTTP/1.1 101 Switching Protocols\r\n") ||
		!strings.Contains(out, "\r\nSec-WebSocket-Accept: "+tt.WSAccept+"\r\n") ||
		!strings.Contains(strings.ToLower(out), "\r\nupgrade: websocket\r\n") {
		t.Fatalf("%q", out)
	}
	r := response(t, h, c)
	if r.Status != 101 || r.Has("Content-Length") {
		t.Fatalf("%s", r.Raw)
	}
	f := readFrame(t, c)
	o := parseOpen(t, string(f.Payload))
	if o.Upgrades == nil || len(o.Upgrades) != 0 || o.PingInterval != 300 || o.PingTimeout != 200 || *o.MaxPayload != 1000 {
		t.Fatalf("open %s", f.Payload)
	}
	s := session(t, h, o.SID)
	if s.Transport() != transports.WebSocket || s.TransportName() != transports.WebSocket {
		t.Fatal("transport")
	}

	// Messages both ways.
	c.Send(append(tt.Text("4hello"), tt.Binary([]byte{9, 8, 7})...))
	c.Send(tt.Text("4\u00e9"))
	h.Loops.RunAll()
	ev := h.App.Events()
	if len(ev) != 4 || ev[1].Data != "hello" || ev[1].Binary || ev[2].Data != "\x09\x08\x07" || !ev[2].Binary || ev[3].Data != "\u00e9" {
		t.Fatalf("events %v", ev)
	}
	h.On(0, func() {
		s.Send([]byte("out"), false)
		s.Send([]byte{1, 2}, true)
		s.SendText([]byte("2"), []byte(`["x"]`))
	})
	fs, err := c.ReadFrames()
	if err != nil || len(fs) != 3 || string(fs[0].Payload) != "4out" || fs[0].Op != frames.OpText ||
		fs[1].Op != frames.OpBinary || string(fs[1].Payload) != "\x01\x02" || string(fs[2].Payload) != `42["x"]` {
		t.Fatalf("frames %v %v", fs, err)
	}
	// Base64 binary in a text frame (forceBase64 clients).
	c.Send(tt.Text("bAQID"))
	h.Loops.RunAll()
	if ev := h.App.Events(); ev[len(ev)-1].Data != "\x01\x02\x03" || !ev[len(ev)-1].Binary {
		t.Fatalf("events %v", ev)
	}
	// WebSocket pings are answered at the frame level.
	c.Send(tt.Frame(frames.OpPing, []byte("pp")))
	h.Loops.RunAll()
	if f := readFrame(t, c); f.Op != frames.OpPong || string(f.Payload) != "pp" {
		t.Fatalf("frame %v", f)
	}
	wantOpen(t, h, c)
}

func TestWebSocketFragmented(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	c.Send(tt.Fragment(frames.OpText, false, []byte("4he")))
	c.Send(tt.Frame(frames.OpPing, nil))
	c.Send(tt.Fragment(frames.OpContinuation, false, []byte("ll")))
	c.Send(tt.Fragment(frames.OpContinuation, true, []byte("o")))
	h.Loops.RunAll()
	wantMessages(t, h, sid, "hello")
	if f := readFrame(t, c); f.Op != frames.OpPong {
		t.Fatalf("frame %v", f)
	}
}

// The websockets of a loop share its frame decoder between messages; each
// keeps its own fragments while a message is in progress, whatever the
// others send, or break, meanwhile.
func TestWebSocketFragmentsInterleaved(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	a, b, c, d := h.Dial(0), h.Dial(0), h.Dial(0), h.Dial(0)
	sa, sb, sc := wsOpen(t, h, a, 4).SID, wsOpen(t, h, b, 4).SID, wsOpen(t, h, c, 4).SID
	wsOpen(t, h, d, 4)
	a.Send(tt.Fragment(frames.OpText, false, []byte("4a1")))
	h.Loops.RunAll()
	b.Send(tt.Fragment(frames.OpText, false, []byte("4b1")))
	h.Loops.RunAll()
	c.Send(tt.Text("4whole"))
	d.Send(tt.Fragment(frames.OpContinuation, true, []byte("stray"))) // breaks d only
	h.Loops.RunAll()
	a.Send(tt.Fragment(frames.OpContinuation, true, []byte("a2")))
	h.Loops.RunAll()
	b.Send(tt.Fragment(frames.OpContinuation, false, []byte("b2")))
	c.Send(tt.Fragment(frames.OpText, false, []byte("4c1")))
	h.Loops.RunAll()
	b.Send(tt.Fragment(frames.OpContinuation, true, []byte("b3")))
	c.Send(tt.Fragment(frames.OpContinuation, true, []byte("c2")))
	a.Send(tt.Text("4again"))
	h.Loops.RunAll()
	wantMessages(t, h, sa, "a1a2", "again")
	wantMessages(t, h, sb, "b1b2b3")
	wantMessages(t, h, sc, "whole", "c1c2")
}

func TestWebSocketOpenSendsQueuedMessages(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	h.App.OnOpen = func(s *transports.Session) error {
		s.Send([]byte("welcome"), false)
		return nil
	}
	c := h.Dial(0)
	wsOpen(t, h, c, 4)
	wantTexts(t, c, "4welcome")
	// Over polling, the welcome goes with the open packet.
	c2 := h.Dial(0)
	c2.Send(tt.PollGET(4, ""))
	r := response(t, h, c2)
	if p := splitV4(r.Body); len(p) != 2 || p[1] != "4welcome" {
		t.Fatalf("%q", r.Body)
	}
}

func TestWebSocketPingV4(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	for range 3 {
		h.Loops.Advance(290 * time.Millisecond)
		wantTexts(t, c)
		h.Loops.Advance(10 * time.Millisecond)
		wantTexts(t, c, "2")
		h.Loops.Advance(150 * time.Millisecond)
		c.Send(tt.Text("3"))
		h.Loops.RunAll()
	}
	// A v4 client ping is not answered (the server pings) but harmless.
	c.Send(tt.Text("2"))
	h.Loops.RunAll()
	wantTexts(t, c)
	h.Loops.Advance(300 * time.Millisecond)
	wantTexts(t, c, "2")
	h.Loops.Advance(190 * time.Millisecond)
	wantCloses(t, h, sid)
	h.Loops.Advance(10 * time.Millisecond)
	wantCloses(t, h, sid, transports.ReasonPingTimeout)
	wantClosed(t, h, c)
	// Like Node's ws transport: a close frame (no status code) first.
	if fs, err := c.ReadFrames(); err != nil || len(fs) != 1 || fs[0].Op != frames.OpClose || len(fs[0].Payload) != 0 {
		t.Fatalf("frames after ping timeout %v (%v), want one empty close frame", fs, err)
	}
	if h.Server.SessionCount() != 0 {
		t.Fatal("registered")
	}
}

func TestWebSocketPingV3(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 3).SID
	for range 3 {
		h.Loops.Advance(450 * time.Millisecond)
		c.Send(tt.Text("2"))
		h.Loops.RunAll()
		wantTexts(t, c, "3")
	}
	c.Send(tt.Text("2probe"))
	h.Loops.RunAll()
	wantTexts(t, c, "3probe")
	h.Loops.Advance(490 * time.Millisecond)
	wantCloses(t, h, sid)
	h.Loops.Advance(10 * time.Millisecond)
	wantCloses(t, h, sid, transports.ReasonPingTimeout)
	wantClosed(t, h, c)
	if fs, err := c.ReadFrames(); err != nil || len(fs) != 1 || fs[0].Op != frames.OpClose {
		t.Fatalf("frames after ping timeout %v (%v), want a close frame", fs, err)
	}
}

func TestWebSocketV3Binary(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 3).SID
	c.Send(tt.Binary([]byte{4, 0xff, 0}))
	h.Loops.RunAll()
	ev := h.App.Events()
	if e := ev[len(ev)-1]; e.Kind != tt.Message || e.Data != "\xff\x00" || !e.Binary {
		t.Fatalf("%v", e)
	}
	h.Send(session(t, h, sid), "\x01\x02", true)
	f := readFrame(t, c)
	if f.Op != frames.OpBinary || string(f.Payload) != "\x04\x01\x02" {
		t.Fatalf("%v", f)
	}
}

func TestWebSocketCloseFrame(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	c.Send(tt.CloseFrame(1000))
	h.Loops.RunAll()
	f := readFrame(t, c)
	if f.Op != frames.OpClose || f.CloseCode() != 1000 {
		t.Fatalf("%v", f)
	}
	wantClosed(t, h, c)
	wantCloses(t, h, sid, transports.ReasonTransportClose)

	// Without a code, and frames after it are ignored.
	c2 := h.Dial(0)
	sid2 := wsOpen(t, h, c2, 4).SID
	c2.Send(append(tt.CloseFrame(0), tt.Text("4late")...))
	h.Loops.RunAll()
	if f := readFrame(t, c2); f.Op != frames.OpClose || f.CloseCode() != 1000 {
		t.Fatalf("%v", f)
	}
	wantCloses(t, h, sid2, transports.ReasonTransportClose)
	wantMessages(t, h, sid2)
}

func TestWebSocketClosePacket(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	c.Send(append(tt.Text("4a"), tt.Text("1")...))
	h.Loops.RunAll()
	wantMessages(t, h, sid, "a")
	wantCloses(t, h, sid, transports.ReasonTransportClose)
	wantClosed(t, h, c)
	if fs, err := c.ReadFrames(); err != nil || len(fs) != 1 || fs[0].Op != frames.OpClose {
		t.Fatalf("frames after a close packet %v (%v), want a close frame", fs, err)
	}
}

func TestWebSocketServerClose(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	s := session(t, h, sid)
	h.On(0, func() { s.Close(transports.ReasonForcedClose) })
	h.Loops.RunAll()
	fs, _ := c.ReadFrames()
	if len(fs) != 2 || string(fs[0].Payload) != "1" || fs[1].Op != frames.OpClose || fs[1].CloseCode() != 1000 {
		t.Fatalf("frames %v", fs)
	}
	wantClosed(t, h, c)
	wantCloses(t, h, sid, transports.ReasonForcedClose)
	h.On(0, func() { s.Send([]byte("late"), false) })
	h.Loops.RunAll()
}

func TestWebSocketHangup(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	c.Hangup()
	h.Loops.RunAll()
	wantCloses(t, h, sid, transports.ReasonTransportClose)
}

func TestWebSocketOversized(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := wsOpen(t, h, c, 4).SID
	c.Send(tt.Text("4" + strings.Repeat("x", 999)))
	h.Loops.RunAll()
	wantMessages(t, h, sid, strings.Repeat("x", 999))
	c.Send(tt.Text("4" + strings.Repeat("x", 1000)))
	h.Loops.RunAll()
	f := readFrame(t, c)
	if f.Op != frames.OpClose || f.CloseCode() != 1009 {
		t.Fatalf("%v", f)
	}
	wantClosed(t, h, c)
	wantCloses(t, h, sid, transports.ReasonTransportError)
	// Fragments adding up past the limit.
	c2 := h.Dial(0)
	sid2 := wsOpen(t, h, c2, 4).SID
	c2.Send(tt.Fragment(frames.OpText, false, []byte("4"+strings.Repeat("y", 600))))
	c2.Send(tt.Fragment(frames.OpContinuation, true, []byte(strings.Repeat("y", 600))))
	h.Loops.RunAll()
	if f := readFrame(t, c2); f.CloseCode() != 1009 {
		t.Fatalf("%v", f)
	}
	wantCloses(t, h, sid2, transports.ReasonTransportError)
}

func TestWebSocketGarbage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		frame  []byte
		code   uint16
		reason string
	}{
		{"unmasked", frames.AppendFrame(nil, frames.OpText, []byte("4x")), 1002, transports.ReasonTransportError},
		{"reserved opcode", tt.Frame(3, []byte("x")), 1002, transports.ReasonTransportError},
		{"rsv bits", func() []byte { b := tt.Text("4x"); b[0] |= 0x40; return b }(), 1002, transports.ReasonTransportError},
		{"bad utf-8", tt.Text("4\xff"), 1007, transports.ReasonTransportError},
		{"stray continuation", tt.Fragment(frames.OpContinuation, true, []byte("x")), 1002, transports.ReasonTransportError},
		{"empty text", tt.Text(""), 1002, transports.ReasonParseError},
		{"bad packet type", tt.Text("9"), 1002, transports.ReasonParseError},
		{"bad base64", tt.Text("b!!!"), 1002, transports.ReasonParseError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig(), 1)
			c := h.Dial(0)
			sid := wsOpen(t, h, c, 4).SID
			c.Send(append(tc.frame, tt.Text("4after")...))
			h.Loops.RunAll()
			f := readFrame(t, c)
			if f.Op != frames.OpClose || f.CloseCode() != tc.code {
				t.Fatalf("%v", f)
			}
			wantClosed(t, h, c)
			wantCloses(t, h, sid, tc.reason)
			wantMessages(t, h, sid)
		})
	}
}

func TestWebSocketHandshakeErrors(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	for _, tc := range []struct {
		name   string
		req    []byte
		status int
	}{
		{"bad key", tt.Request("GET", tt.Target(4, "websocket", ""), nil, "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: short", "Sec-WebSocket-Version: 13"), 400},
		{"bad version", tt.Request("GET", tt.Target(4, "websocket", ""), nil, "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: "+tt.WSKey, "Sec-WebSocket-Version: 8"), 426},
	} {
		c := h.Dial(0)
		c.Send(tc.req)
		r := response(t, h, c)
		if r.Status != tc.status {
			t.Errorf("%s: %s", tc.name, r.Raw)
		}
		if tc.status == 426 && r.Header("Sec-WebSocket-Version") != "13" {
			t.Errorf("%s: %s", tc.name, r.Raw)
		}
		wantClosed(t, h, c)
	}
	c := h.Dial(0)
	c.Send(tt.WSUpgrade(4, "AAAAAAAAAAAAAAAAAAAA"))
	wantError(t, response(t, h, c), 400, 1)
	if len(h.App.Events()) != 0 {
		t.Fatalf("%v", h.App.Events())
	}
}

func TestUpgrade(t *testing.T) {
	for _, eio := range []int{3, 4} {
		t.Run("EIO"+itoa(eio), func(t *testing.T) {
			h := newHarness(t, testConfig(), 1)
			hs, get, post, ws := h.Dial(0), h.Dial(0), h.Dial(0), h.Dial(0)
			sid := pollOpen(t, h, hs, eio).SID
			s := session(t, h, sid)
			get.Send(tt.PollGET(eio, sid))
			noResponse(t, h, get)

			ws.Send(tt.WSUpgrade(eio, sid))
			r := response(t, h, ws)
			if r.Status != 101 || r.Header("Sec-WebSocket-Accept") != tt.WSAccept {
				t.Fatalf("%s", r.Raw)
			}
			wantTexts(t, ws) // nothing over the probe yet
			ws.Send(tt.Text("2probe"))
			h.Loops.RunAll()
			wantTexts(t, ws, "3probe")
			// The waiting GET is released with a noop.
			noop := "6"
			if eio == 3 {
				noop = "1:6"
			}
			wantStatus(t, response(t, h, get), 200, noop)
			if s.Transport() != transports.Polling {
				t.Fatal("switched before the upgrade packet")
			}
			// Still polling: a POST works, and messages queue for polling.
			p := tt.Payload("4via-post")
			if eio == 3 {
				p = tt.PayloadV3("4via-post")
			}
			post.Send(tt.PollPOST(eio, sid, p))
			wantStatus(t, response(t, h, post), 200, "ok")
			h.Send(s, "queued", false)
			// A GET during the upgrade returns at once.
			get.Send(tt.PollGET(eio, sid))
			r = response(t, h, get)
			if eio == 4 {
				wantStatus(t, r, 200, "4queued")
			} else {
				wantStatus(t, r, 200, "7:4queued")
			}
			// With nothing queued, it gets its noop after Node's 100 ms
			// upgrade check.
			get.Send(tt.PollGET(eio, sid))
			h.Loops.Advance(99 * time.Millisecond)
			noResponse(t, h, get)
			h.Loops.Advance(time.Millisecond)
			wantStatus(t, response(t, h, get), 200, noop)
			h.Send(s, "queued2", false)

			ws.Send(tt.Text("5"))
			h.Loops.RunAll()
			if s.Transport() != transports.WebSocket || s.TransportName() != transports.WebSocket {
				t.Fatal("not upgraded")
			}
			// The queue goes over the websocket, then new sends.
			h.Send(s, "after", false)
			wantTexts(t, ws, "4queued2", "4after")
			ws.Send(tt.Text("4via-ws"))
			h.Loops.RunAll()
			wantMessages(t, h, sid, "via-post", "via-ws")
			// Polling is over for this session.
			get.Send(tt.PollGET(eio, sid))
			wantError(t, response(t, h, get), 400, 3)
			post.Send(tt.PollPOST(eio, sid, p))
			wantError(t, response(t, h, post), 400, 3)
			// A second upgrade is refused.
			ws2 := h.Dial(0)
			ws2.Send(tt.WSUpgrade(eio, sid))
			h.Loops.RunAll()
			if r, err := ws2.ReadResponse(); err == nil && r.Status == 101 {
				ws2.Send(tt.Text("2probe"))
				h.Loops.RunAll()
				wantTexts(t, ws2)
			}
			wantClosed(t, h, ws2)
			wantCloses(t, h, sid)
			// Heartbeat over the websocket.
			if eio == 4 {
				h.Loops.Advance(300 * time.Millisecond)
				wantTexts(t, ws, "2")
				ws.Send(tt.Text("3"))
			} else {
				ws.Send(tt.Text("2"))
				h.Loops.RunAll()
				wantTexts(t, ws, "3")
			}
			h.Loops.Advance(200 * time.Millisecond)
			wantCloses(t, h, sid)
			ws.Hangup()
			h.Loops.RunAll()
			wantCloses(t, h, sid, transports.ReasonTransportClose)
		})
	}
}

func TestUpgradeTimeout(t *testing.T) {
	cfg := testConfig()
	cfg.PingInterval = 10 * time.Second
	h := newHarness(t, cfg, 1)
	hs, ws := h.Dial(0), h.Dial(0)
	sid := pollOpen(t, h, hs, 4).SID
	ws.Send(tt.WSUpgrade(4, sid))
	h.Loops.RunAll()
	ws.ReadResponse()
	ws.Send(tt.Text("2probe"))
	h.Loops.RunAll()
	wantTexts(t, ws, "3probe")
	h.Loops.Advance(990 * time.Millisecond)
	wantOpen(t, h, ws)
	h.Loops.Advance(10 * time.Millisecond)
	wantClosed(t, h, ws)
	s := session(t, h, sid)
	if s.Transport() != transports.Polling || s.Closed() {
		t.Fatal("session state")
	}
	wantCloses(t, h, sid)
	// Polling carries on, without noops.
	hs.Send(tt.PollGET(4, sid))
	noResponse(t, h, hs)
	h.Send(s, "x", false)
	wantStatus(t, response(t, h, hs), 200, "4x")
	// And a new upgrade can be made.
	ws2 := h.Dial(0)
	ws2.Send(tt.WSUpgrade(4, sid))
	h.Loops.RunAll()
	ws2.ReadResponse()
	ws2.Send(append(tt.Text("2probe"), tt.Text("5")...))
	h.Loops.RunAll()
	wantTexts(t, ws2, "3probe")
	if s.Transport() != transports.WebSocket {
		t.Fatal("not upgraded")
	}
}

func TestUpgradeProbeErrors(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	hs, ws := h.Dial(0), h.Dial(0)
	sid := pollOpen(t, h, hs, 4).SID
	s := session(t, h, sid)
	// Anything but a probe or upgrade on the probe: dropped.
	ws.Send(tt.WSUpgrade(4, sid))
	h.Loops.RunAll()
	ws.ReadResponse()
	ws.Send(tt.Text("4hi"))
	h.Loops.RunAll()
	wantClosed(t, h, ws)
	wantMessages(t, h, sid)
	// An upgrade packet before the probe: dropped too.
	ws2 := h.Dial(0)
	ws2.Send(tt.WSUpgrade(4, sid))
	h.Loops.RunAll()
	ws2.ReadResponse()
	ws2.Send(tt.Text("5"))
	h.Loops.RunAll()
	wantClosed(t, h, ws2)
	// A probe that hangs up.
	ws3 := h.Dial(0)
	ws3.Send(tt.WSUpgrade(4, sid))
	h.Loops.RunAll()
	ws3.ReadResponse()
	ws3.Send(tt.Text("2probe"))
	h.Loops.RunAll()
	ws3.Hangup()
	h.Loops.RunAll()
	if s.Transport() != transports.Polling || s.Closed() {
		t.Fatal("session state")
	}
	wantCloses(t, h, sid)
	// A GET after a failed probe parks as usual.
	hs.Send(tt.PollGET(4, sid))
	noResponse(t, h, hs)
	// The session ending closes a probe.
	ws4 := h.Dial(0)
	ws4.Send(tt.WSUpgrade(4, sid))
	h.Loops.RunAll()
	ws4.ReadResponse()
	h.On(0, func() { s.Close(transports.ReasonForcedClose) })
	wantClosed(t, h, ws4)
	wantStatus(t, response(t, h, hs), 200, "1")
	wantCloses(t, h, sid, transports.ReasonForcedClose)
}

// TestUpgradeCompletesWhileClosing: the server closes a polling session
// while the client, paused for an upgrade, polls no more; as in Node, the
// upgrade completes and what was queued (a DISCONNECT, say) reaches the
// client over the websocket, then the close packet and a close frame.
func TestUpgradeCompletesWhileClosing(t *testing.T) {
	for _, eio := range []int{3, 4} {
		t.Run("EIO"+itoa(eio), func(t *testing.T) {
			h := newHarness(t, testConfig(), 1)
			hs, ws := h.Dial(0), h.Dial(0)
			sid := pollOpen(t, h, hs, eio).SID
			s := session(t, h, sid)
			ws.Send(tt.WSUpgrade(eio, sid))
			if r := response(t, h, ws); r.Status != 101 {
				t.Fatalf("%s", r.Raw)
			}
			ws.Send(tt.Text("2probe"))
			h.Loops.RunAll()
			wantTexts(t, ws, "3probe")
			h.On(0, func() {
				s.Send([]byte("41"), false)
				s.Close(transports.ReasonForcedClose)
			})
			h.Loops.RunAll()
			wantCloses(t, h, sid, transports.ReasonForcedClose)
			ws.Send(tt.Text("5"))
			h.Loops.RunAll()
			fs, err := ws.ReadFrames()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.String())
			}
			if len(fs) != 3 || string(fs[0].Payload) != "441" || string(fs[1].Payload) != "1" || fs[2].Op != frames.OpClose {
				t.Fatalf("frames after the upgrade: %v", got)
			}
			if !ws.CloseRequested() {
				t.Fatal("websocket left open")
			}
		})
	}
}

// TestUpgradeFiveThenGET: the client sends "5" on its websocket (loop 1),
// then a GET, on the session's own loop. The GET comes after the upgrade,
// so it is refused (the official suites' "ignores HTTP requests with same
// sid after upgrade") and the websocket carries the session, whichever the
// loops take first:
//   - "5" read first, but its hand-over reaches loop 0 after the GET is
//     read there: the GET waits for its turn (order.go);
//   - the GET read first (the loop reading the websocket ran late): it waits
//     for its noop after the upgrade check, and the "5" comes meanwhile.
func TestUpgradeFiveThenGET(t *testing.T) {
	for _, eio := range []int{3, 4} {
		for _, order := range []string{"five-read-first", "get-read-first"} {
			t.Run(fmt.Sprintf("EIO%d/%s", eio, order), func(t *testing.T) {
				h := newHarness(t, testConfig(), 2)
				sid := pollOpen(t, h, h.Dial(0), eio).SID
				w, get := h.Dial(1), h.Dial(0)
				probe(t, h, w, eio, sid)
				if order == "five-read-first" {
					w.Send(tt.Text("5"))
					h.Loops.RunOne(1) // read; its hand-over waits on loop 0
					handover := h.Loops.Take(0, 0)
					get.Send(tt.PollGET(eio, sid))
					h.Loops.RunOne(0) // the GET
					h.Loops.Post(0, handover)
				} else {
					get.Send(tt.PollGET(eio, sid))
					h.Loops.Advance(50 * time.Millisecond)
					noResponse(t, h, get)
					w.Send(tt.Text("5"))
				}
				h.Loops.RunAll()
				wantError(t, response(t, h, get), 400, 3)
				h.Loops.Advance(100 * time.Millisecond) // no late noop either
				noResponse(t, h, get)
				if got := session(t, h, sid).TransportName(); got != transports.WebSocket {
					t.Fatalf("transport %s", got)
				}
				w.Send(tt.Text("4hello"))
				h.Loops.RunAll()
				wantMessages(t, h, sid, "hello")
			})
		}
	}
}
