package transports_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

func TestPollingHandshakeV4Defaults(t *testing.T) {
	h := newHarness(t, transports.Config{}, 1)
	c := h.Dial(0)
	c.Send(tt.PollGET(4, ""))
	r := response(t, h, c)
	wantStatus(t, r, 200, string(r.Body))
	if ct := r.Header("Content-Type"); ct != "text/plain; charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}
	o := parseOpen(t, string(r.Body))
	if len(o.SID) != 20 {
		t.Errorf("sid %q", o.SID)
	}
	if !slices.Equal(o.Upgrades, []string{"websocket"}) || o.PingInterval != 25000 || o.PingTimeout != 20000 ||
		o.MaxPayload == nil || *o.MaxPayload != 1000000 {
		t.Errorf("open packet %s", r.Body)
	}
	if !strings.HasPrefix(string(r.Body), `0{"sid":"`+o.SID+`","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`) {
		t.Errorf("open packet %s", r.Body)
	}
	s := session(t, h, o.SID)
	if s.Version() != 4 || s.Transport() != transports.Polling || s.Loop() != 0 {
		t.Errorf("session %d %s %d", s.Version(), s.Transport(), s.Loop())
	}
	if h.Server.Lookup(o.SID) != s || h.Server.SessionCount() != 1 {
		t.Errorf("registry")
	}
	if hs := s.Handshake(); hs.Method() != "GET" || hs.Header("host") != "localhost" || !strings.HasPrefix(hs.RemoteAddr(), "192.0.2.1:") {
		t.Errorf("handshake %+v", hs)
	}
	wantOpen(t, h, c)
}

func TestPollingHandshakeV3(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	o := pollOpen(t, h, c, 3)
	if o.MaxPayload != nil {
		t.Errorf("v3 open packet has maxPayload")
	}
	if !slices.Equal(o.Upgrades, []string{"websocket"}) || o.PingInterval != 300 || o.PingTimeout != 200 {
		t.Errorf("open %+v", o)
	}
	if s := session(t, h, o.SID); s.Version() != 3 {
		t.Errorf("version %d", s.Version())
	}
}

func TestPollingHandshakeNoWebSocket(t *testing.T) {
	cfg := testConfig()
	cfg.Polling = true
	h := newHarness(t, cfg, 1)
	c := h.Dial(0)
	o := pollOpen(t, h, c, 4)
	if o.Upgrades == nil || len(o.Upgrades) != 0 {
		t.Errorf("upgrades %v, want []", o.Upgrades)
	}
	if o.MaxPayload == nil || *o.MaxPayload != 1000 {
		t.Errorf("maxPayload %v", o.MaxPayload)
	}
	// The websocket transport is off: code 0.
	c.Send(tt.WSUpgrade(4, o.SID))
	wantError(t, response(t, h, c), 400, 0)
}

func TestPollingOpenRefused(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	h.App.OnOpen = func(*transports.Session) error { return errors.New("no") }
	c := h.Dial(0)
	c.Send(tt.PollGET(4, ""))
	wantError(t, response(t, h, c), 403, 4)
	if h.Server.SessionCount() != 0 {
		t.Fatal("refused session registered")
	}
	if len(h.App.Closes(h.App.Events()[0].SID)) != 0 {
		t.Fatal("App.Close for a refused session")
	}
}

func TestPollingPostInOrder(t *testing.T) {
	for _, eio := range []int{3, 4} {
		h := newHarness(t, testConfig(), 1)
		c := h.Dial(0)
		sid := pollOpen(t, h, c, eio).SID
		body := tt.Payload("4one", "4two", "4", "4three\u00e9")
		if eio == 3 {
			body = tt.PayloadV3("4one", "4two", "4", "4three\u00e9")
		}
		c.Send(tt.PollPOST(eio, sid, body))
		r := response(t, h, c)
		wantStatus(t, r, 200, "ok")
		if ct := r.Header("Content-Type"); ct != "text/html" {
			t.Errorf("Content-Type %q", ct)
		}
		if eio == 3 {
			c.Send(tt.PollPOST(eio, sid, tt.PayloadV3("4four")))
			c.Send(tt.PollPOST(eio, sid, tt.PayloadV3("4five")))
		} else {
			c.Send(tt.PollPOST(eio, sid, tt.Payload("4four")))
			c.Send(tt.PollPOST(eio, sid, tt.Payload("4five")))
		}
		rs, _ := c.ReadResponses()
		if len(rs) != 0 {
			t.Fatal("answered before the loop ran")
		}
		h.Loops.RunAll()
		rs, _ = c.ReadResponses()
		if len(rs) != 2 || string(rs[0].Body) != "ok" || string(rs[1].Body) != "ok" {
			t.Fatalf("responses %v", rs)
		}
		want := []string{"one", "two", "", "three\u00e9", "four", "five"}
		wantMessages(t, h, sid, want...)
	}
}

func TestPollingBinaryPostV4(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	c.Send(tt.PollPOST(4, sid, tt.Payload("4text", "bAQID", "b")))
	wantStatus(t, response(t, h, c), 200, "ok")
	var got []string
	for _, e := range h.App.Events() {
		if e.Kind == tt.Message {
			got = append(got, e.Data+map[bool]string{true: "/bin", false: "/text"}[e.Binary])
		}
	}
	if !slices.Equal(got, []string{"text/text", "\x01\x02\x03/bin", "/bin"}) {
		t.Fatalf("messages %q", got)
	}
}

func TestPollingGetParksUntilSend(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	s := session(t, h, sid)
	c.Send(tt.PollGET(4, sid))
	noResponse(t, h, c)
	h.Send(s, "hello", false)
	r := response(t, h, c)
	wantStatus(t, r, 200, "4hello")
	if ct := r.Header("Content-Type"); ct != "text/plain; charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}

	// Sends made together leave together.
	c.Send(tt.PollGET(4, sid))
	noResponse(t, h, c)
	h.On(0, func() {
		s.Send([]byte("a"), false)
		s.Send([]byte("b"), false)
		s.Send([]byte{1, 2, 3}, true)
		s.SendText([]byte("2"), []byte(`["ev"]`))
	})
	r = response(t, h, c)
	if got := splitV4(r.Body); !slices.Equal(got, []string{"4a", "4b", "bAQID", `42["ev"]`}) {
		t.Fatalf("payload %q", got)
	}
	if r.Body[2] != 0x1e {
		t.Fatalf("separator %q", r.Body)
	}

	// Sends made while no GET waits are queued for the next one.
	h.Send(s, "q1", false)
	h.Send(s, "q2", false)
	h.Loops.RunAll()
	c.Send(tt.PollGET(4, sid))
	wantStatus(t, response(t, h, c), 200, "4q1\x1e4q2")
	wantOpen(t, h, c)
}

func TestPollingGetV3Framing(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 3).SID
	s := session(t, h, sid)
	c.Send(tt.PollGET(3, sid))
	noResponse(t, h, c)
	h.On(0, func() {
		s.Send([]byte("h\u00e9\U0001F600"), false)
		s.Send([]byte("x"), false)
	})
	// UTF-16 length: 4 + h + é + 2 for the emoji = 5.
	wantStatus(t, response(t, h, c), 200, "5:4h\u00e9\U0001F6002:4x")
}

func TestPollingSecondGetEndsSession(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c1, c2 := h.Dial(0), h.Dial(0)
	sid := pollOpen(t, h, c1, 4).SID
	c1.Send(tt.PollGET(4, sid))
	noResponse(t, h, c1)
	c2.Send(tt.PollGET(4, sid))
	wantError(t, response(t, h, c2), 400, 3)
	wantStatus(t, response(t, h, c1), 200, "1")
	wantCloses(t, h, sid, transports.ReasonTransportError)
	if h.Server.Lookup(sid) != nil {
		t.Fatal("session still registered")
	}
	c1.Send(tt.PollGET(4, sid))
	wantError(t, response(t, h, c1), 400, 1)
}

func TestPollingCloseFromClient(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c1, c2 := h.Dial(0), h.Dial(0)
	sid := pollOpen(t, h, c1, 4).SID
	c1.Send(tt.PollGET(4, sid))
	noResponse(t, h, c1)
	c2.Send(tt.PollPOST(4, sid, tt.Payload("4last", "1", "4ignored")))
	wantStatus(t, response(t, h, c2), 200, "ok")
	wantMessages(t, h, sid, "last")
	wantCloses(t, h, sid, transports.ReasonTransportClose)
	// The waiting GET is released with a noop, as Node does.
	wantStatus(t, response(t, h, c1), 200, "6")
	c2.Send(tt.PollPOST(4, sid, "4x"))
	wantError(t, response(t, h, c2), 400, 1)
	c1.Send(tt.PollGET(4, sid))
	wantError(t, response(t, h, c1), 400, 1)
}

// TestPollingCloseRacesGET: a client sends a GET and, beside it, a POST
// carrying a close packet, on connections of other loops than the
// session's. Whichever way the loops run, the GET is answered with a noop,
// and the next GET learns the session is gone (the official suites'
// "forcefully closes the session").
func TestPollingCloseRacesGET(t *testing.T) {
	for _, eio := range []int{3, 4} {
		for _, order := range []string{"get-read-first-post-delivered-first", "post-read-first", "get-home-post-other"} {
			t.Run(fmt.Sprintf("EIO%d/%s", eio, order), func(t *testing.T) {
				h := newHarness(t, testConfig(), 3)
				sid := pollOpen(t, h, h.Dial(0), eio).SID
				get, post := h.Dial(1), h.Dial(2)
				closeBody := tt.Payload("1")
				noop := "6"
				if eio == 3 {
					closeBody, noop = tt.PayloadV3("1"), tt.PayloadV3("6")
				}
				switch order {
				case "get-read-first-post-delivered-first":
					// Loop 1 reads the GET, loop 2 the POST after it, and
					// the POST's hand-over reaches loop 0 first.
					get.Send(tt.PollGET(eio, sid))
					h.Loops.RunOne(1)
					post.Send(tt.PollPOST(eio, sid, closeBody))
					h.Loops.RunOne(2)
					held := h.Loops.Take(0, 0) // the GET's hand-over
					h.Loops.Run(0)             // the POST's: held back
					if len(h.App.Closes(sid)) != 0 {
						t.Fatal("close ran before the GET read before it")
					}
					h.Loops.Post(0, held)
				case "post-read-first":
					post.Send(tt.PollPOST(eio, sid, closeBody))
					h.Loops.RunAll()
					get.Send(tt.PollGET(eio, sid))
				case "get-home-post-other":
					get = h.Dial(0)
					get.Send(tt.PollGET(eio, sid))
					post.Send(tt.PollPOST(eio, sid, closeBody))
				}
				h.Loops.RunAll()
				wantStatus(t, response(t, h, post), 200, "ok")
				wantStatus(t, response(t, h, get), 200, noop)
				wantCloses(t, h, sid, transports.ReasonTransportClose)
				get.Send(tt.PollGET(eio, sid))
				h.Loops.RunAll()
				wantError(t, response(t, h, get), 400, 1)
			})
		}
	}
}

func TestPollingCloseFromServer(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	s := session(t, h, sid)
	c.Send(tt.PollGET(4, sid))
	noResponse(t, h, c)
	h.On(0, func() {
		s.Send([]byte("bye"), false)
		s.Close(transports.ReasonForcedClose)
	})
	// What was queued leaves first; the close packet comes with the next
	// GET, as in Node (the client handles a close at once, its Socket.IO
	// packets a tick later).
	wantStatus(t, response(t, h, c), 200, "4bye")
	wantCloses(t, h, sid, transports.ReasonForcedClose)
	if !s.Closed() {
		t.Fatal("not closed")
	}
	c.Send(tt.PollGET(4, sid))
	wantStatus(t, response(t, h, c), 200, "1")
	c.Send(tt.PollGET(4, sid))
	wantError(t, response(t, h, c), 400, 1)
}

func TestPollingErrors(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	for _, tc := range []struct {
		name   string
		req    []byte
		status int
		code   int
	}{
		{"unknown sid GET", tt.PollGET(4, "AAAAAAAAAAAAAAAAAAAA"), 400, 1},
		{"unknown sid POST", tt.PollPOST(4, "AAAAAAAAAAAAAAAAAAAA", "4x"), 400, 1},
		{"sid of another version", tt.PollGET(3, sid), 400, 1},
		{"unknown transport", tt.Request("GET", "/socket.io/?EIO=4&transport=flashsocket", nil), 400, 0},
		{"no transport", tt.Request("GET", "/socket.io/?EIO=4", nil), 400, 0},
		{"bad EIO", tt.Request("GET", "/socket.io/?EIO=5&transport=polling", nil), 400, 5},
		{"no EIO", tt.Request("GET", "/socket.io/?transport=polling", nil), 400, 5},
		{"EIO 2", tt.Request("GET", "/socket.io/?EIO=2&transport=polling", nil), 400, 5},
		{"POST handshake", tt.PollPOST(4, "", "4x"), 400, 2},
		{"PUT handshake", tt.Request("PUT", tt.Target(4, "polling", ""), []byte("x")), 400, 2},
		{"PUT with sid", tt.Request("PUT", tt.Target(4, "polling", sid), []byte("x")), 400, 3},
		{"websocket without upgrade", tt.Request("GET", tt.Target(4, "websocket", ""), nil), 400, 3},
	} {
		c.Send(tc.req)
		r := response(t, h, c)
		if r.Status != tc.status {
			t.Errorf("%s: %s", tc.name, r.Raw)
			continue
		}
		wantError(t, r, tc.status, tc.code)
		if rest := c.Unread(); len(rest) > 0 {
			t.Errorf("%s: extra output %q", tc.name, rest)
		}
	}
	wantOpen(t, h, c)
	if s := h.Server.Lookup(sid); s == nil || s.Closed() {
		t.Fatal("errors on other requests ended the session")
	}
	// A bad payload ends the session.
	c.Send(tt.PollPOST(4, sid, "9bad"))
	wantError(t, response(t, h, c), 400, 3)
	wantCloses(t, h, sid, transports.ReasonParseError)
}

func TestPollingOutsidePath(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	c.Send(tt.Request("GET", "/other", nil))
	r := response(t, h, c)
	if r.Status != 404 {
		t.Fatalf("%s", r.Raw)
	}
	// The path without its trailing slash is the engine too.
	c.Send(tt.Request("GET", "/socket.io?"+tt.Query(4, "polling", ""), nil))
	r = response(t, h, c)
	parseOpen(t, string(r.Body))
	wantOpen(t, h, c)
}

func TestPollingOversizedPost(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	c.Send(tt.PollPOST(4, sid, "4"+strings.Repeat("x", 1000)))
	r := response(t, h, c)
	if r.Status != 413 {
		t.Fatalf("%s", r.Raw)
	}
	wantClosed(t, h, c)
	// Its data is lost, so the session ends, as in Node.
	h.Loops.RunAll()
	if got := h.App.Closes(sid); len(got) != 1 || got[0] != transports.ReasonTransportError {
		t.Fatalf("closes %v, want [%s]", got, transports.ReasonTransportError)
	}
	// At the limit is fine.
	c2 := h.Dial(0)
	sid2 := pollOpen(t, h, c2, 4).SID
	c2.Send(tt.PollPOST(4, sid2, "4"+strings.Repeat("y", 999)))
	wantStatus(t, response(t, h, c2), 200, "ok")
	wantMessages(t, h, sid2, strings.Repeat("y", 999))
}

func TestMalformedHTTP(t *testing.T) {
	for _, req := range []string{
		"GARBAGE\r\n\r\n",
		"GET /socket.io/ HTTP/9.9\r\n\r\n",
		"GET /socket.io/?EIO=4 HTTP/1.1\r\nBad Header\r\n\r\n",
		"POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
	} {
		h := newHarness(t, testConfig(), 1)
		c := h.Dial(0)
		c.SendString(req)
		r := response(t, h, c)
		if (r.Status != 400 && r.Status != 505) || r.Header("Connection") != "close" {
			t.Errorf("%q: %s", req, r.Raw)
		}
		wantClosed(t, h, c)
		if len(h.App.Events()) != 0 {
			t.Errorf("%q: app events %v", req, h.App.Events())
		}
	}
}

func TestIdleTimeout(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	// An incomplete request.
	c := h.Dial(0)
	c.SendString("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n")
	h.Loops.Advance(4900 * time.Millisecond)
	wantOpen(t, h, c)
	h.Loops.Advance(200 * time.Millisecond)
	wantClosed(t, h, c)
	if len(c.Unread()) != 0 {
		t.Fatalf("output %q", c.Unread())
	}
	// A silent one.
	c2 := h.Dial(0)
	h.Loops.Advance(5100 * time.Millisecond)
	wantClosed(t, h, c2)

	// The clock restarts after each response; a parked GET is not idle.
	cfg := testConfig()
	cfg.PingInterval, cfg.PingTimeout = 20*time.Second, 20*time.Second
	h = newHarness(t, cfg, 1)
	c3 := h.Dial(0)
	h.Loops.Advance(4 * time.Second)
	sid := pollOpen(t, h, c3, 4).SID
	h.Loops.Advance(4 * time.Second)
	wantOpen(t, h, c3)
	c3.Send(tt.PollGET(4, sid))
	h.Loops.Advance(10 * time.Second)
	wantOpen(t, h, c3)
	h.Send(session(t, h, sid), "x", false)
	wantStatus(t, response(t, h, c3), 200, "4x")
	h.Loops.Advance(4900 * time.Millisecond)
	wantOpen(t, h, c3)
	h.Loops.Advance(200 * time.Millisecond)
	wantClosed(t, h, c3)
	// The connection of a session's answered GET closing does not end it.
	wantCloses(t, h, sid)
}

func TestCORS(t *testing.T) {
	cfg := testConfig()
	cfg.AllowedOrigins = []string{"https://a.example"}
	h := newHarness(t, cfg, 1)
	c := h.Dial(0)
	c.Send(tt.PollGET(4, "", "Origin: https://a.example"))
	r := response(t, h, c)
	if r.Status != 200 || r.Header("Access-Control-Allow-Origin") != "https://a.example" ||
		r.Header("Access-Control-Allow-Credentials") != "true" || r.Header("Vary") != "Origin" {
		t.Fatalf("%s", r.Raw)
	}
	sid := parseOpen(t, string(r.Body)).SID

	// A parked GET answered later keeps its CORS headers.
	c.Send(tt.PollGET(4, sid, "Origin: https://a.example"))
	noResponse(t, h, c)
	h.Send(session(t, h, sid), "m", false)
	r = response(t, h, c)
	if r.Header("Access-Control-Allow-Origin") != "https://a.example" || string(r.Body) != "4m" {
		t.Fatalf("%s", r.Raw)
	}
	c.Send(tt.PollPOST(4, sid, "4x", "Origin: https://a.example"))
	r = response(t, h, c)
	if r.Header("Access-Control-Allow-Origin") != "https://a.example" || string(r.Body) != "ok" {
		t.Fatalf("%s", r.Raw)
	}

	// Preflight.
	c.Send(tt.Request("OPTIONS", tt.Target(4, "polling", sid), nil,
		"Origin: https://a.example", "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type"))
	r = response(t, h, c)
	if r.Status != 204 || r.Header("Access-Control-Allow-Origin") != "https://a.example" ||
		!strings.Contains(r.Header("Access-Control-Allow-Methods"), "POST") ||
		r.Header("Access-Control-Allow-Headers") != "content-type" || len(r.Body) != 0 {
		t.Fatalf("%s", r.Raw)
	}

	// Other origins are forbidden, on every kind of request.
	for _, req := range [][]byte{
		tt.PollGET(4, "", "Origin: https://evil.example"),
		tt.PollPOST(4, sid, "4x", "Origin: https://evil.example"),
		tt.Request("OPTIONS", tt.Target(4, "polling", ""), nil, "Origin: https://evil.example"),
		tt.WSUpgrade(4, "", "Origin: https://evil.example"),
	} {
		c.Send(req)
		r = response(t, h, c)
		wantError(t, r, 403, 4)
		if r.Has("Access-Control-Allow-Origin") {
			t.Errorf("CORS headers for a forbidden origin: %s", r.Raw)
		}
		if r.Header("Vary") != "Origin" {
			t.Errorf("no Vary: Origin on a refusal: %s", r.Raw)
		}
	}
	// No Origin header: no CORS headers, allowed; the answer still varies
	// with Origin.
	c.Send(tt.PollGET(4, ""))
	r = response(t, h, c)
	if r.Status != 200 || r.Has("Access-Control-Allow-Origin") || r.Header("Vary") != "Origin" {
		t.Fatalf("%s", r.Raw)
	}
	wantMessages(t, h, sid, "x")
	wantOpen(t, h, c)
}

func TestCORSNone(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	c.Send(tt.PollGET(4, "", "Origin: https://any.example"))
	r := response(t, h, c)
	if r.Status != 200 || r.Has("Access-Control-Allow-Origin") {
		t.Fatalf("%s", r.Raw)
	}
	c.Send(tt.Request("OPTIONS", tt.Target(4, "polling", ""), nil, "Origin: https://any.example"))
	r = response(t, h, c)
	if r.Status != 204 || r.Has("Access-Control-Allow-Origin") || r.Has("Vary") {
		t.Fatalf("%s", r.Raw)
	}
}

func TestCORSWildcard(t *testing.T) {
	cfg := testConfig()
	cfg.AllowedOrigins = []string{"*"}
	h := newHarness(t, cfg, 1)
	c := h.Dial(0)
	c.Send(tt.PollGET(4, "", "Origin: https://any.example"))
	r := response(t, h, c)
	if r.Status != 200 || r.Header("Access-Control-Allow-Origin") != "https://any.example" || r.Header("Vary") != "Origin" {
		t.Fatalf("%s", r.Raw)
	}
}

func TestParkedGetConnectionCloses(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c1, c2 := h.Dial(0), h.Dial(0)
	sid := pollOpen(t, h, c1, 4).SID
	c2.Send(tt.PollGET(4, sid))
	noResponse(t, h, c2)
	c2.Hangup()
	h.Loops.RunAll()
	wantCloses(t, h, sid, transports.ReasonTransportClose)
	if h.Server.SessionCount() != 0 {
		t.Fatal("session still registered")
	}
	// A connection that closes after its GET was answered does not end
	// the session.
	sid2 := pollOpen(t, h, c1, 4).SID
	c1.Send(tt.PollGET(4, sid2))
	h.Send(session(t, h, sid2), "x", false)
	wantStatus(t, response(t, h, c1), 200, "4x")
	c1.Hangup()
	h.Loops.RunAll()
	wantCloses(t, h, sid2)
}

func TestPollingPingV4(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c1, c2 := h.Dial(0), h.Dial(0)
	sid := pollOpen(t, h, c1, 4).SID
	c1.Send(tt.PollGET(4, sid))
	h.Loops.Advance(290 * time.Millisecond)
	noResponse(t, h, c1)
	h.Loops.Advance(10 * time.Millisecond)
	wantStatus(t, response(t, h, c1), 200, "2")
	c2.Send(tt.PollPOST(4, sid, "3"))
	wantStatus(t, response(t, h, c2), 200, "ok")
	c1.Send(tt.PollGET(4, sid))
	// The next ping comes pingInterval after the pong.
	h.Loops.Advance(290 * time.Millisecond)
	noResponse(t, h, c1)
	h.Loops.Advance(10 * time.Millisecond)
	wantStatus(t, response(t, h, c1), 200, "2")
	c1.Send(tt.PollGET(4, sid))
	// No pong: the session ends pingTimeout after the ping.
	h.Loops.Advance(190 * time.Millisecond)
	wantCloses(t, h, sid)
	noResponse(t, h, c1)
	h.Loops.Advance(10 * time.Millisecond)
	wantCloses(t, h, sid, transports.ReasonPingTimeout)
	wantStatus(t, response(t, h, c1), 200, "1")
}

func TestPollingPingV3(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c1, c2 := h.Dial(0), h.Dial(0)
	sid := pollOpen(t, h, c1, 3).SID
	c1.Send(tt.PollGET(3, sid))
	// The server never pings in v3.
	h.Loops.Advance(450 * time.Millisecond)
	noResponse(t, h, c1)
	c2.Send(tt.PollPOST(3, sid, tt.PayloadV3("2")))
	wantStatus(t, response(t, h, c2), 200, "ok")
	wantStatus(t, response(t, h, c1), 200, "1:3")
	c2.Send(tt.PollPOST(3, sid, tt.PayloadV3("2probe")))
	wantStatus(t, response(t, h, c2), 200, "ok")
	c1.Send(tt.PollGET(3, sid))
	wantStatus(t, response(t, h, c1), 200, "6:3probe")
	// Silence for pingInterval+pingTimeout ends it.
	c1.Send(tt.PollGET(3, sid))
	h.Loops.Advance(490 * time.Millisecond)
	wantCloses(t, h, sid)
	h.Loops.Advance(10 * time.Millisecond)
	wantCloses(t, h, sid, transports.ReasonPingTimeout)
	wantStatus(t, response(t, h, c1), 200, "1:1")
}

func TestPipelinedRequestsWaitForParkedGet(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	c.Send(append(tt.PollGET(4, sid), tt.Request("GET", "/nope", nil)...))
	noResponse(t, h, c)
	if c.Inbound() == 0 {
		t.Fatal("the pipelined request was consumed while a response is owed")
	}
	h.Send(session(t, h, sid), "x", false)
	wantStatus(t, response(t, h, c), 200, "4x")
	r := response(t, h, c)
	if r.Status != 404 {
		t.Fatalf("%s", r.Raw)
	}
	wantOpen(t, h, c)
}

func TestHTTP10ClosesAfterResponse(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	c2 := h.Dial(0)
	c2.SendString("GET " + tt.Target(4, "polling", sid) + " HTTP/1.0\r\n\r\n")
	noResponse(t, h, c2)
	h.Send(session(t, h, sid), "x", false)
	wantStatus(t, response(t, h, c2), 200, "4x")
	wantClosed(t, h, c2)
	wantCloses(t, h, sid)
}

// TestPollingCloseFromServerWithoutGet: a session closed by the server when
// no GET waits keeps its last packets and the close packet for the next GET,
// so that the client learns it was closed (as with Node) instead of getting
// "unknown sid", which clients treat as an error and reconnect after.
func TestPollingCloseFromServerWithoutGet(t *testing.T) {
	for _, eio := range []int{3, 4} {
		h := newHarness(t, testConfig(), 2)
		c, other := h.Dial(0), h.Dial(1)
		sid := pollOpen(t, h, c, eio).SID
		s := session(t, h, sid)
		h.On(0, func() {
			s.Send([]byte("41"), false)
			s.Close(transports.ReasonForcedClose)
		})
		h.Loops.RunAll()
		wantCloses(t, h, sid, transports.ReasonForcedClose)
		if h.Server.Lookup(sid) != nil || h.Server.SessionCount() != 0 {
			t.Fatal("closed session still live")
		}
		// A POST in flight is taken and ignored.
		body := tt.Payload("4late")
		if eio == 3 {
			body = tt.PayloadV3("4late")
		}
		other.Send(tt.PollPOST(eio, sid, body))
		wantStatus(t, response(t, h, other), 200, "ok")
		wantMessages(t, h, sid)
		other.Send(tt.PollGET(eio, sid))
		want, close := "441", "1"
		if eio == 3 {
			want, close = "3:441", "1:1"
		}
		wantStatus(t, response(t, h, other), 200, want)
		other.Send(tt.PollGET(eio, sid))
		wantStatus(t, response(t, h, other), 200, close)
		other.Send(tt.PollGET(eio, sid))
		wantError(t, response(t, h, other), 400, 1)
		other.Send(tt.PollPOST(eio, sid, body))
		wantError(t, response(t, h, other), 400, 1)

		// Nobody comes: forgotten after pingInterval+pingTimeout.
		sid2 := pollOpen(t, h, c, eio).SID
		s2 := session(t, h, sid2)
		h.On(0, func() { s2.Close(transports.ReasonForcedClose) })
		h.Loops.Advance(490 * time.Millisecond)
		h.Loops.Advance(20 * time.Millisecond)
		c.Send(tt.PollGET(eio, sid2))
		wantError(t, response(t, h, c), 400, 1)
		wantCloses(t, h, sid2, transports.ReasonForcedClose)
		// A websocket for it is refused.
		sid3 := pollOpen(t, h, c, eio).SID
		s3 := session(t, h, sid3)
		h.On(0, func() { s3.Close(transports.ReasonForcedClose) })
		ws := h.Dial(1)
		ws.Send(tt.WSUpgrade(eio, sid3))
		h.Loops.RunAll()
		if r, err := ws.ReadResponse(); err != nil || r.Status == 101 {
			t.Fatalf("upgrade of a closed session: %v %v", r, err)
		}
	}
}
