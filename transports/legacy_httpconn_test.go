package transports_test

import (
	"strings"
	"testing"

	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// HTTP/1.x connection management on the legacy road (see httpconn_test.go).

// get10 is get as an HTTP/1.0 request.
func get10(target string, headers ...string) string {
	return strings.Replace(get(target, headers...), " HTTP/1.1\r\n", " HTTP/1.0\r\n", 1)
}

// TestLegacyConnectionCloseSaid: legacy answers to a "Connection: close"
// request say so, then the connection closes: the xhr-polling and
// jsonp-polling handshakes, a held poll answered from the session's home
// loop (another loop), a POST, an error, the xhr-multipart preflight.
func TestLegacyConnectionCloseSaid(t *testing.T) {
	h, rec := newLegacyHarness(t, legacyConfig(31), 2)

	a := h.Dial(0)
	a.SendString(get("/socket.io/jsonp-polling//1/0", closeHdr))
	wantClosingAnswer(t, h, a, 200)

	a = h.Dial(0)
	a.SendString(get("/socket.io/xhr-polling//1", closeHdr))
	wantClosingAnswer(t, h, a, 200)
	s := rec.last()

	b := h.Dial(1)
	b.SendString(get("/socket.io/xhr-polling/"+s.ID()+"/2", closeHdr))
	noResponse(t, h, b)
	h.On(s.Loop(), func() { s.Send(legacy.AppendText(nil, "x")) })
	wantStatus(t, wantClosingAnswer(t, h, b, 200), 200, "~m~1~m~x")

	p := h.Dial(1)
	p.SendString(post("/socket.io/xhr-polling/"+s.ID()+"/send", "data=~m~1~m~y", closeHdr))
	wantStatus(t, wantClosingAnswer(t, h, p, 200), 200, "ok")

	e := h.Dial(1)
	e.SendString(strings.Replace(get("/socket.io/xhr-polling/"+s.ID()+"/3", closeHdr), "GET", "PUT", 1))
	wantClosingAnswer(t, h, e, 405)

	o := h.Dial(1)
	o.SendString(strings.Replace(get("/socket.io/xhr-multipart/", "Access-Control-Request-Method: POST", closeHdr), "GET", "OPTIONS", 1))
	wantClosingAnswer(t, h, o, 200)
}

// TestLegacyHeldPollClosedBySession: a held poll answered as its session
// ends is closed after its answer, and says so.
func TestLegacyHeldPollClosedBySession(t *testing.T) {
	h, rec := newLegacyHarness(t, legacyConfig(32), 2)
	a := h.Dial(0)
	a.SendString(get("/socket.io/xhr-polling//1"))
	if r := response(t, h, a); r.Status != 200 {
		t.Fatalf("%s", r.Raw)
	}
	s := rec.last()
	b := h.Dial(1)
	b.SendString(get("/socket.io/xhr-polling/" + s.ID() + "/2"))
	noResponse(t, h, b)
	h.On(s.Loop(), s.Close)
	wantClosingAnswer(t, h, b, 200)
}

// TestLegacyHTTP10: without "Connection: keep-alive" an HTTP/1.0 legacy
// request is answered with "Connection: close" and the connection closes;
// with it, the answer says "Connection: keep-alive" and the next request
// is served.
func TestLegacyHTTP10(t *testing.T) {
	h, rec := newLegacyHarness(t, legacyConfig(33), 2)
	a := h.Dial(0)
	a.SendString(get10("/socket.io/xhr-polling//1"))
	wantClosingAnswer(t, h, a, 200)

	ka := "Connection: keep-alive"
	a = h.Dial(0)
	a.SendString(get10("/socket.io/xhr-polling//1", ka))
	r := response(t, h, a)
	wantConnection(t, r, "keep-alive")
	wantOpen(t, h, a)
	s := rec.last()

	b := h.Dial(1)
	b.SendString(get10("/socket.io/xhr-polling/"+s.ID()+"/2", ka))
	noResponse(t, h, b)
	h.On(s.Loop(), func() { s.Send(legacy.AppendText(nil, "x")) })
	r = response(t, h, b)
	wantStatus(t, r, 200, "~m~1~m~x")
	wantConnection(t, r, "keep-alive")
	wantOpen(t, h, b)
	b.SendString(strings.Replace(post("/socket.io/xhr-polling/"+s.ID()+"/send", "data=~m~1~m~y", ka), " HTTP/1.1\r\n", " HTTP/1.0\r\n", 1))
	r = response(t, h, b)
	wantStatus(t, r, 200, "ok")
	wantConnection(t, r, "keep-alive")
	wantOpen(t, h, b)
}

// TestLegacyPipelined: legacy requests sent in one write are answered in
// order; those behind a held poll wait for its answer.
func TestLegacyPipelined(t *testing.T) {
	h, rec := newLegacyHarness(t, legacyConfig(34), 2)
	rec.OnMessage = func(s *transports.LegacySession, m legacy.Message) {
		s.Send(legacy.AppendText(nil, "echo:"+string(m.Data)))
	}
	a := h.Dial(0)
	a.SendString(get("/socket.io/xhr-polling//1") + get("/socket.io/xhr-polling//2", closeHdr))
	h.Loops.RunAll()
	rs, err := a.ReadResponses()
	if err != nil || len(rs) != 2 || rs[0].Status != 200 || rs[1].Status != 200 || string(rs[0].Body) == string(rs[1].Body) {
		t.Fatalf("%v %v: %q", rs, err, a.Output())
	}
	wantConnection(t, rs[1], "close")
	wantClosed(t, h, a)
	s := rec.last()

	// POST then GET, on another loop than the session's.
	b := h.Dial(1)
	b.SendString(post("/socket.io/xhr-polling/"+s.ID()+"/send", "data=~m~1~m~m") + get("/socket.io/xhr-polling/"+s.ID()+"/3"))
	h.Loops.RunAll()
	rs, err = b.ReadResponses()
	if err != nil || len(rs) != 2 {
		t.Fatalf("%v %v: %q", rs, err, b.Output())
	}
	wantStatus(t, rs[0], 200, "ok")
	wantStatus(t, rs[1], 200, "~m~6~m~echo:m")

	// A held GET, then a POST behind it: the POST waits, then both in
	// order.
	b.SendString(get("/socket.io/xhr-polling/"+s.ID()+"/4") + post("/socket.io/xhr-polling/"+s.ID()+"/send", "data=~m~1~m~n"))
	noResponse(t, h, b)
	h.On(s.Loop(), func() { s.Send(legacy.AppendText(nil, "first")) })
	h.Loops.RunAll()
	rs, err = b.ReadResponses()
	if err != nil || len(rs) != 2 {
		t.Fatalf("%v %v: %q", rs, err, b.Output())
	}
	wantStatus(t, rs[0], 200, "~m~5~m~first")
	wantStatus(t, rs[1], 200, "ok")
	wantOpen(t, h, b)
}

// TestLegacyStreamHeads: the xhr-multipart and htmlfile streams end only
// with their connection, and their heads say so, whatever the request
// asked for.
func TestLegacyStreamHeads(t *testing.T) {
	h, _ := newLegacyHarness(t, legacyConfig(35), 1)
	for _, req := range []string{
		get("/socket.io/xhr-multipart/"),
		get10("/socket.io/xhr-multipart/", "Connection: keep-alive"),
		get("/socket.io/htmlfile//1"),
	} {
		c := h.Dial(0)
		c.SendString(req)
		r := response(t, h, c)
		if r.Status != 200 {
			t.Fatalf("%s", r.Raw)
		}
		wantConnection(t, r, "close")
		wantOpen(t, h, c)
	}
}

// TestLegacyWebSocketRefusedHTTP10AndRepeatedKey: an RFC 6455 handshake on
// the legacy websocket path over HTTP/1.0, or with two Sec-WebSocket-Key
// fields, is refused with 400 and "Connection: close". The hixie drafts
// predate both rules: a hixie-76 handshake over HTTP/1.0 is still taken.
func TestLegacyWebSocketRefusedHTTP10AndRepeatedKey(t *testing.T) {
	h, _ := newLegacyHarness(t, legacyConfig(36), 1)
	rfc := []string{"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + tt.WSKey, "Sec-WebSocket-Version: 13", "Origin: http://example.com"}
	for _, req := range []string{
		get10("/socket.io/websocket", rfc...),
		get("/socket.io/websocket", append(rfc, "Sec-WebSocket-Key: "+tt.WSKey)...),
	} {
		c := h.Dial(0)
		c.SendString(req)
		wantClosingAnswer(t, h, c, 400)
	}
	if n := h.Server.LegacySessionCount(); n != 0 {
		t.Fatalf("%d sessions opened", n)
	}
	c := h.Dial(0)
	c.SendString(get10("/socket.io/websocket", "Upgrade: WebSocket", "Connection: Upgrade", "Origin: http://example.com",
		"Sec-WebSocket-Key1: "+hixieKey1, "Sec-WebSocket-Key2: "+hixieKey2) + hixieKey3)
	if r := response(t, h, c); r.Status != 101 {
		t.Fatalf("%s", r.Raw)
	}
	wantOpen(t, h, c)
}
