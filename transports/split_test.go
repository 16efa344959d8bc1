package transports_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/frames"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// splitScenario runs a set of exchanges with every request and frame fed
// whole or one byte at a time, and returns a transcript: what each
// connection received and what the App saw, with session ids replaced.
func splitScenario(t *testing.T, byByte bool, loops int) string {
	h := newHarness(t, testConfig(), loops)
	var sids []string
	dial := func(loop int) *tt.Conn {
		c := h.Dial(loop % loops)
		c.ByteByByte = byByte
		return c
	}
	openPoll := func(c *tt.Conn, eio int) string {
		sid := pollOpen(t, h, c, eio).SID
		sids = append(sids, sid)
		return sid
	}
	var out strings.Builder
	// Polling, v4 and v3, with pipelining.
	for _, eio := range []int{4, 3} {
		hs, get, post := dial(0), dial(1), dial(2)
		sid := openPoll(hs, eio)
		s := session(t, h, sid)
		body := tt.Payload("4a", "bAQID", "4\u00e9\u00e9")
		if eio == 3 {
			body = tt.PayloadV3("4a", "b4AQID", "4\u00e9\u00e9", "2")
		}
		post.Send(append(tt.PollPOST(eio, sid, body), tt.PollPOST(eio, sid, body, "Origin: x")...))
		get.Send(tt.PollGET(eio, sid))
		h.Loops.RunAll()
		h.On(0, func() { s.Send([]byte("x"), false); s.Send([]byte{7}, true) })
		h.Loops.RunAll()
		// Chunked POST.
		post.SendString("POST " + tt.Target(eio, "polling", sid) + " HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
			fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body))
		h.Loops.RunAll()
		// Upgrade.
		ws := dial(3)
		ws.Send(tt.WSUpgrade(eio, sid))
		ws.Send(tt.Text("2probe"))
		get.Send(tt.PollGET(eio, sid))
		h.Loops.RunAll()
		ws.Send(tt.Text("5"))
		ws.Send(append(tt.Fragment(frames.OpText, false, []byte("4fr")), tt.Frame(frames.OpPing, []byte("p"))...))
		ws.Send(tt.Fragment(frames.OpContinuation, true, []byte("ag")))
		ws.Send(tt.Binary([]byte{4, 5}))
		h.Loops.RunAll()
		h.On(0, func() { s.Send([]byte("over ws"), false) })
		ws.Send(tt.CloseFrame(1001))
		h.Loops.RunAll()
		for _, c := range []*tt.Conn{hs, get, post, ws} {
			fmt.Fprintf(&out, "conn %q closed=%v\n", c.Output(), c.CloseRequested())
		}
	}
	// Direct websocket, then garbage.
	for _, eio := range []int{4, 3} {
		ws := dial(1)
		sid := wsOpen(t, h, ws, eio).SID
		sids = append(sids, sid)
		ws.Send(append(tt.Text("4one"), tt.Text("2")...))
		h.Loops.Advance(300 * time.Millisecond)
		ws.Send(tt.Text("3"))
		ws.Send(tt.Frame(frames.OpText, []byte("4"+strings.Repeat("z", 300))))
		ws.Send(frames.AppendFrame(nil, frames.OpText, []byte("4unmasked")))
		h.Loops.RunAll()
		fmt.Fprintf(&out, "ws %q closed=%v\n", ws.Output(), ws.CloseRequested())
	}
	// Errors and the idle timeout.
	c := dial(0)
	c.Send(tt.PollGET(4, "nope"))
	c.Send(tt.Request("GET", "/socket.io/?EIO=9", nil))
	c.SendString("GET /x HTTP/1.1\r\nHost")
	h.Loops.Advance(6 * time.Second)
	fmt.Fprintf(&out, "err %q closed=%v\n", c.Output(), c.CloseRequested())
	bad := dial(1)
	bad.SendString("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
	h.Loops.RunAll()
	fmt.Fprintf(&out, "bad %q closed=%v\n", bad.Output(), bad.CloseRequested())

	for _, e := range h.App.Events() {
		fmt.Fprintf(&out, "%v %s %q %v %q\n", e.Kind, e.SID, e.Data, e.Binary, e.Reason)
	}
	s := out.String()
	for i, sid := range sids {
		s = strings.ReplaceAll(s, sid, fmt.Sprintf("<sid%d>", i))
	}
	return s
}

func TestSplitFeed(t *testing.T) {
	for _, loops := range []int{1, 4} {
		whole := splitScenario(t, false, loops)
		split := splitScenario(t, true, loops)
		if whole != split {
			wl, sl := strings.Split(whole, "\n"), strings.Split(split, "\n")
			for i := range min(len(wl), len(sl)) {
				if wl[i] != sl[i] {
					t.Fatalf("loops %d: line %d differs:\nwhole: %s\nsplit: %s", loops, i, wl[i], sl[i])
				}
			}
			t.Fatalf("loops %d: transcripts differ in length\nwhole:\n%s\nsplit:\n%s", loops, whole, split)
		}
		for _, want := range []string{"message <sid0> \"a\"", "message <sid0> \"frag\"", "transport close", "transport error", "HTTP/1.1 413", "closed=true"} {
			if !strings.Contains(whole, want) {
				t.Errorf("loops %d: transcript lacks %q:\n%s", loops, want, whole)
			}
		}
	}
}
