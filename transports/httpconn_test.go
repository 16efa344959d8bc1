package transports_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// HTTP/1.x connection management: every answer after which the server
// closes says "Connection: close" (RFC 9112 §9.6), an HTTP/1.0 connection
// kept open says "Connection: keep-alive", and pipelined requests are
// answered in order.

// http10 turns a request built by transportstest into an HTTP/1.0 one.
func http10(req []byte) []byte {
	return bytes.Replace(req, []byte(" HTTP/1.1\r\n"), []byte(" HTTP/1.0\r\n"), 1)
}

// connectionFields is the values of r's Connection fields.
func connectionFields(r *tt.Response) []string {
	var out []string
	for _, h := range r.Headers {
		if strings.EqualFold(h[0], "Connection") {
			out = append(out, h[1])
		}
	}
	return out
}

// wantConnection checks that r has one Connection field saying want, or
// none when want is "".
func wantConnection(t *testing.T, r *tt.Response, want string) {
	t.Helper()
	got := connectionFields(r)
	switch {
	case want == "" && len(got) != 0:
		t.Fatalf("Connection %q, want none:\n%s", got, r.Raw)
	case want != "" && (len(got) != 1 || got[0] != want):
		t.Fatalf("Connection %q, want %q:\n%s", got, want, r.Raw)
	}
}

// wantClosingAnswer reads c's next answer, checks its status, its
// "Connection: close" and that the server then closes.
func wantClosingAnswer(t *testing.T, h *tt.Harness, c *tt.Conn, status int) *tt.Response {
	t.Helper()
	r := response(t, h, c)
	if r.Status != status {
		t.Fatalf("status %d, want %d:\n%s", r.Status, status, r.Raw)
	}
	wantConnection(t, r, "close")
	wantClosed(t, h, c)
	if b := c.Unread(); len(b) > 0 {
		t.Fatalf("bytes after the answer: %q", b)
	}
	return r
}

const closeHdr = "Connection: close"

// TestConnectionCloseSaid: a request with "Connection: close" gets its
// answer with "Connection: close", then the connection closes, whichever
// part of the machine answers: the handshake, a POST and a parked GET
// answered by the session's home loop (the same loop or another), errors,
// a CORS preflight, a 404, the fallback.
func TestConnectionCloseSaid(t *testing.T) {
	for _, loops := range []int{1, 2} {
		t.Run("loops"+itoa(loops), func(t *testing.T) {
			cfg := testConfig()
			cfg.AllowedOrigins = []string{"*"}
			h := newHarness(t, cfg, loops)
			other := loops - 1 // the session lives on loop 0

			hs := h.Dial(0)
			hs.Send(tt.PollGET(4, "", closeHdr))
			r := wantClosingAnswer(t, h, hs, 200)
			sid := parseOpen(t, string(r.Body)).SID

			post := h.Dial(other)
			post.Send(tt.PollPOST(4, sid, "4hi", closeHdr))
			wantStatus(t, wantClosingAnswer(t, h, post, 200), 200, "ok")
			wantMessages(t, h, sid, "hi")

			get := h.Dial(other)
			get.Send(tt.PollGET(4, sid, closeHdr))
			noResponse(t, h, get)
			h.Send(session(t, h, sid), "later", false)
			wantStatus(t, wantClosingAnswer(t, h, get, 200), 200, "4later")

			bad := h.Dial(other)
			bad.Send(tt.PollGET(4, "nope", closeHdr))
			wantError(t, wantClosingAnswer(t, h, bad, 400), 400, 1)

			pre := h.Dial(other)
			pre.Send(tt.Request("OPTIONS", tt.Target(4, "polling", ""), nil, "Origin: http://a.example", closeHdr))
			wantClosingAnswer(t, h, pre, 204)

			nf := h.Dial(other)
			nf.Send(tt.Request("GET", "/elsewhere", nil, closeHdr))
			wantClosingAnswer(t, h, nf, 404)
		})
	}
}

// TestConnectionCloseFallback: the fallback's answers get the machine's
// Connection field, for a "close" request and when the fallback asks to
// close.
func TestConnectionCloseFallback(t *testing.T) {
	cfg := testConfig()
	cfg.Fallback = func(req *httpparse.Request, _ string, respond func([]byte, bool)) {
		respond([]byte("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npage"), string(req.Path) == "/bye")
	}
	h := newHarness(t, cfg, 2)

	c := h.Dial(1)
	c.Send(tt.Request("GET", "/a", nil, closeHdr))
	wantStatus(t, wantClosingAnswer(t, h, c, 200), 200, "page")

	c = h.Dial(1)
	c.Send(tt.Request("GET", "/a", nil))
	wantConnection(t, response(t, h, c), "")
	wantOpen(t, h, c)
	c.Send(tt.Request("GET", "/bye", nil))
	wantClosingAnswer(t, h, c, 200)
}

// TestConnectionKeepAliveQuiet: HTTP/1.1 answers after which the
// connection stays open carry no Connection field.
func TestConnectionKeepAliveQuiet(t *testing.T) {
	h := newHarness(t, testConfig(), 2)
	c := h.Dial(1)
	sid := pollOpen(t, h, c, 4)
	c.Send(tt.PollPOST(4, sid.SID, "4x"))
	r := response(t, h, c)
	wantStatus(t, r, 200, "ok")
	wantConnection(t, r, "")
	c.Send(tt.PollGET(4, "nope"))
	wantConnection(t, response(t, h, c), "")
	wantOpen(t, h, c)
}

// TestHTTP10: an HTTP/1.0 request without "Connection: keep-alive" is
// answered with "Connection: close" and the connection closes; with it, the
// answer says "Connection: keep-alive" and the connection serves the next
// request, parked GETs answered from another loop included.
func TestHTTP10(t *testing.T) {
	h := newHarness(t, testConfig(), 2)

	c := h.Dial(0)
	c.Send(http10(tt.PollGET(4, "")))
	r := wantClosingAnswer(t, h, c, 200)
	sid := parseOpen(t, string(r.Body)).SID

	c = h.Dial(1)
	c.Send(http10(tt.PollPOST(4, sid, "4a")))
	wantStatus(t, wantClosingAnswer(t, h, c, 200), 200, "ok")

	ka := "Connection: keep-alive"
	c = h.Dial(1)
	c.Send(http10(tt.PollPOST(4, sid, "4b", ka)))
	r = response(t, h, c)
	wantStatus(t, r, 200, "ok")
	wantConnection(t, r, "keep-alive")
	wantOpen(t, h, c)

	c.Send(http10(tt.PollGET(4, sid, ka)))
	noResponse(t, h, c)
	h.Send(session(t, h, sid), "x", false)
	r = response(t, h, c)
	wantStatus(t, r, 200, "4x")
	wantConnection(t, r, "keep-alive")
	wantOpen(t, h, c)

	c.Send(http10(tt.Request("GET", "/nothing", nil, ka)))
	r = response(t, h, c)
	wantStatus(t, r, 404, "404 page not found\n")
	wantConnection(t, r, "keep-alive")

	c.Send(http10(tt.PollGET(4, "nope")))
	wantError(t, wantClosingAnswer(t, h, c, 400), 400, 1)
	wantMessages(t, h, sid, "a", "b")
}

// TestPipelined: requests sent in one write are answered in request order,
// one after the other, the last with "Connection: close" when it asks for
// it; requests behind a parked GET wait for its answer.
func TestPipelined(t *testing.T) {
	join := func(reqs ...[]byte) []byte { return bytes.Join(reqs, nil) }
	for _, loops := range []int{1, 2} {
		t.Run("loops"+itoa(loops), func(t *testing.T) {
			h := newHarness(t, testConfig(), loops)
			other := loops - 1

			// Two handshakes and a 404, in one write.
			c := h.Dial(0)
			c.Send(join(tt.PollGET(4, ""), tt.PollGET(4, ""), tt.Request("GET", "/x", nil, closeHdr)))
			h.Loops.RunAll()
			rs, err := c.ReadResponses()
			if err != nil || len(rs) != 3 {
				t.Fatalf("%d answers, %v: %q", len(rs), err, c.Output())
			}
			a, b := parseOpen(t, string(rs[0].Body)), parseOpen(t, string(rs[1].Body))
			if a.SID == b.SID || rs[2].Status != 404 {
				t.Fatalf("answers %v", rs)
			}
			wantConnection(t, rs[0], "")
			wantConnection(t, rs[2], "close")
			wantClosed(t, h, c)
			sid := a.SID
			if other != 0 {
				// Move the session's requests to the other loop: a
				// session is homed where its handshake came.
				hs := h.Dial(0)
				sid = pollOpen(t, h, hs, 4).SID
			}

			// POST then GET: the GET finds what the POST's message made.
			h.App.OnMessage = func(s *transports.Session, data []byte, _ bool) {
				s.Send(append([]byte("echo:"), data...), false)
			}
			c = h.Dial(other)
			c.Send(join(tt.PollPOST(4, sid, "4m"), tt.PollGET(4, sid, closeHdr)))
			h.Loops.RunAll()
			rs, err = c.ReadResponses()
			if err != nil || len(rs) != 2 {
				t.Fatalf("%d answers, %v: %q", len(rs), err, c.Output())
			}
			wantStatus(t, rs[0], 200, "ok")
			wantStatus(t, rs[1], 200, "4echo:m")
			wantConnection(t, rs[1], "close")
			wantClosed(t, h, c)

			// A GET that parks, then a POST and a 404 behind it: nothing
			// until the GET is answered, then the three in order.
			c = h.Dial(other)
			c.Send(join(tt.PollGET(4, sid), tt.PollPOST(4, sid, "4n"), tt.Request("GET", "/y", nil)))
			noResponse(t, h, c)
			wantMessages(t, h, sid, "m")
			h.Send(session(t, h, sid), "first", false)
			h.Loops.RunAll()
			rs, err = c.ReadResponses()
			if err != nil || len(rs) != 3 {
				t.Fatalf("%d answers, %v: %q", len(rs), err, c.Output())
			}
			wantStatus(t, rs[0], 200, "4first")
			wantStatus(t, rs[1], 200, "ok")
			wantStatus(t, rs[2], 404, "404 page not found\n")
			wantMessages(t, h, sid, "m", "n")
			wantOpen(t, h, c)
		})
	}
}

// TestUpgradeRefusedHTTP10AndRepeatedKey: RFC 6455 §4.2.1 asks for an
// HTTP/1.1 request and §11.3.1 for one Sec-WebSocket-Key field: both are
// refused with 400 and "Connection: close", for a new session and for the
// upgrade of a polling one, and no session is opened.
func TestUpgradeRefusedHTTP10AndRepeatedKey(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	sid := pollOpen(t, h, h.Dial(0), 4).SID
	for _, s := range []string{"", sid} {
		c := h.Dial(0)
		c.Send(http10(tt.WSUpgrade(4, s)))
		wantClosingAnswer(t, h, c, 400)

		c = h.Dial(0)
		c.Send(http10(tt.WSUpgrade(4, s, "Connection: keep-alive")))
		wantClosingAnswer(t, h, c, 400)

		c = h.Dial(0)
		c.Send(tt.WSUpgrade(4, s, "Sec-WebSocket-Key: "+tt.WSKey))
		wantClosingAnswer(t, h, c, 400)

		c = h.Dial(0)
		c.Send(tt.WSUpgrade(4, s, "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA=="))
		wantClosingAnswer(t, h, c, 400)
	}
	if n := h.Server.SessionCount(); n != 1 {
		t.Fatalf("%d sessions, want the polling one", n)
	}
	// The same requests with one key over HTTP/1.1 are accepted.
	wsOpen(t, h, h.Dial(0), 4)
}
