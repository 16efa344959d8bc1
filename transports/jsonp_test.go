package transports_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// jsonpTarget is a polling request target with the JSONP index j.
func jsonpTarget(eio int, sid, j string) string {
	return tt.Target(eio, "polling", sid) + "&j=" + j
}

func jsonpGET(eio int, sid, j string, headers ...string) []byte {
	return tt.Request("GET", jsonpTarget(eio, sid, j), nil, headers...)
}

// jsonpClientEscape escapes newlines as engine.io-client's JSONP transport
// does before putting a payload into its form: each backslash-n pair becomes
// a backslash and a line feed, then each line feed becomes backslash-n.
func jsonpClientEscape(payload string) string {
	payload = strings.ReplaceAll(payload, `\n`, "\\\n")
	return strings.ReplaceAll(payload, "\n", `\n`)
}

// jsonpPOST posts payload as the JSONP client does: escaped, in form field d.
func jsonpPOST(eio int, sid, j, payload string) []byte {
	body := "d=" + url.QueryEscape(jsonpClientEscape(payload))
	return tt.Request("POST", jsonpTarget(eio, sid, j), []byte(body), "Content-Type: application/x-www-form-urlencoded")
}

// jsonpPayload checks that r is the script ___eio[j]("…"); and returns the
// payload its string literal holds, decoded as JSON (which the literal must
// be, with U+2028 and U+2029 escaped as well).
func jsonpPayload(t *testing.T, r *tt.Response, j string) string {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("JSONP GET: %s", r.Raw)
	}
	if ct := r.Header("Content-Type"); ct != "text/javascript; charset=UTF-8" {
		t.Fatalf("JSONP Content-Type %q", ct)
	}
	body := string(r.Body)
	head := "___eio[" + j + "]("
	if !strings.HasPrefix(body, head) || !strings.HasSuffix(body, ");") {
		t.Fatalf("JSONP body %q", body)
	}
	lit := body[len(head) : len(body)-2]
	if strings.ContainsAny(lit, "\u2028\u2029\n\r") {
		t.Fatalf("raw line terminator in the literal %q", lit)
	}
	for _, c := range []byte(lit) {
		if c < 0x20 {
			t.Fatalf("raw control byte %#x in the literal %q", c, lit)
		}
	}
	if !strings.HasPrefix(lit, `"`) {
		t.Fatalf("not a string literal: %q", lit)
	}
	var s string
	if err := json.Unmarshal([]byte(lit), &s); err != nil {
		t.Fatalf("literal %q: %v", lit, err)
	}
	return s
}

// jsonpOpen makes a JSONP polling handshake with index j.
func jsonpOpen(t *testing.T, h *tt.Harness, c *tt.Conn, eio int, j string) openPacket {
	t.Helper()
	c.Send(jsonpGET(eio, "", j))
	p := jsonpPayload(t, response(t, h, c), j)
	if eio == 3 {
		n, rest, ok := strings.Cut(p, ":")
		if !ok || n != itoa(len(rest)) {
			t.Fatalf("v3 handshake payload %q", p)
		}
		p = rest
	}
	o := parseOpen(t, p)
	s := session(t, h, o.SID)
	if !s.JSONP() || s.Transport() != transports.Polling {
		t.Fatalf("session JSONP=%v transport %s", s.JSONP(), s.Transport())
	}
	return o
}

// tricky holds everything a script literal must escape, and what it need
// not: quotes, backslashes, a closing script tag, line and paragraph
// separators, controls, non-ASCII and an emoji.
const tricky = "q\"uo'te back\\slash </script><!-- \u2028ls \u2029ps \n lf \r cr \t tab \x01\x1f\x7f é € 😀 \\n \\\\n /"

func TestJSONPHandshakeV4(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	o := jsonpOpen(t, h, c, 4, "7")
	if len(o.Upgrades) != 1 || o.Upgrades[0] != "websocket" || o.MaxPayload == nil {
		t.Fatalf("open %+v", o)
	}
	wantOpen(t, h, c)
}

func TestJSONPHandshakeV3(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	o := jsonpOpen(t, h, c, 3, "12")
	if o.MaxPayload != nil || o.PingInterval != 300 {
		t.Fatalf("open %+v", o)
	}
}

func TestJSONPMessagesV4(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := jsonpOpen(t, h, c, 4, "3").SID
	s := session(t, h, sid)

	// Server to client: text with everything to escape, and binary.
	h.On(0, func() {
		s.Send([]byte(tricky), false)
		s.Send([]byte{0, 1, 0xfe, 0xff}, true)
		s.Send([]byte("plain"), false)
	})
	// The index of the handshake holds for the session, whatever later
	// requests carry.
	c.Send(jsonpGET(4, sid, "99"))
	got := jsonpPayload(t, response(t, h, c), "3")
	want := tt.Payload("4"+tricky, "b"+base64.StdEncoding.EncodeToString([]byte{0, 1, 0xfe, 0xff}), "4plain")
	if got != want {
		t.Fatalf("payload\n%q, want\n%q", got, want)
	}

	// A parked GET answered later is a script too.
	c.Send(jsonpGET(4, sid, "3"))
	noResponse(t, h, c)
	h.Send(s, "\u2028", false)
	if got := jsonpPayload(t, response(t, h, c), "3"); got != "4\u2028" {
		t.Fatalf("payload %q", got)
	}

	// Client to server: the form field d, newlines escaped by the client.
	c.Send(jsonpPOST(4, sid, "3", tt.Payload("4"+tricky, "4two\nlines", `4\n literally`, "bAAEC")))
	r := response(t, h, c)
	wantStatus(t, r, 200, "ok")
	if ct := r.Header("Content-Type"); ct != "text/html" {
		t.Errorf("POST Content-Type %q", ct)
	}
	wantMessages(t, h, sid, tricky, "two\nlines", `\n literally`, "\x00\x01\x02")

	// A POST without d carries nothing and is answered "ok", like engine.io.
	c.Send(tt.Request("POST", jsonpTarget(4, sid, "3"), []byte("x=4nope"), "Content-Type: application/x-www-form-urlencoded"))
	wantStatus(t, response(t, h, c), 200, "ok")
	wantMessages(t, h, sid, tricky, "two\nlines", `\n literally`, "\x00\x01\x02")

	// A JSONP session takes requests without j (engine.io keeps the
	// transport chosen at the handshake).
	c.Send(tt.PollGET(4, sid))
	noResponse(t, h, c)
	h.Send(s, "x", false)
	if got := jsonpPayload(t, response(t, h, c), "3"); got != "4x" {
		t.Fatalf("payload %q", got)
	}
	wantCloses(t, h, sid)
	wantOpen(t, h, c)
}

func TestJSONPMessagesV3(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := jsonpOpen(t, h, c, 3, "0").SID
	s := session(t, h, sid)

	// Binary goes as b4<base64> in the text framing, never the XHR2
	// binary format, though the client did not send b64=1.
	h.On(0, func() {
		s.Send([]byte(tricky), false)
		s.Send([]byte{0xff, 0}, true)
	})
	c.Send(jsonpGET(3, sid, "0"))
	got := jsonpPayload(t, response(t, h, c), "0")
	want := tt.PayloadV3("4"+tricky) + "6:b4/wA="
	if got != want {
		t.Fatalf("payload\n%q, want\n%q", got, want)
	}

	c.Send(jsonpPOST(3, sid, "0", tt.PayloadV3("4"+tricky, "4a\nb", "2")+"6:b4/wA="))
	wantStatus(t, response(t, h, c), 200, "ok")
	wantMessages(t, h, sid, tricky, "a\nb", "\xff\x00")
	// The v3 ping is answered with a pong script.
	c.Send(jsonpGET(3, sid, "0"))
	if got := jsonpPayload(t, response(t, h, c), "0"); got != "1:3" {
		t.Fatalf("payload %q", got)
	}

	// The v3 binary payload format is refused in a JSONP form.
	c.Send(tt.Request("POST", jsonpTarget(3, sid, "0"), []byte("d=%00%01%FF4"), "Content-Type: application/x-www-form-urlencoded"))
	wantError(t, response(t, h, c), 400, 3)
	wantCloses(t, h, sid, transports.ReasonParseError)
}

func TestJSONPBadIndex(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	for _, j := range []string{"", "a", "1a", "-1", "0x1", "%31", "1%29%3Balert(1)%2F%2F", "1)", "1.5"} {
		c.Send(jsonpGET(4, "", j))
		wantError(t, response(t, h, c), 400, 3)
	}
	if n := h.Server.SessionCount(); n != 0 {
		t.Fatalf("%d sessions", n)
	}
	// On the requests of a live session too, which goes on.
	sid := jsonpOpen(t, h, c, 4, "1").SID
	c.Send(jsonpGET(4, sid, "x"))
	wantError(t, response(t, h, c), 400, 3)
	c.Send(tt.Request("POST", jsonpTarget(4, sid, "y"), []byte("d=4a"), "Content-Type: application/x-www-form-urlencoded"))
	wantError(t, response(t, h, c), 400, 3)
	wantMessages(t, h, sid)
	c.Send(jsonpPOST(4, sid, "1", "4b"))
	wantStatus(t, response(t, h, c), 200, "ok")
	wantMessages(t, h, sid, "b")
	wantCloses(t, h, sid)
	wantOpen(t, h, c)
}

func TestJSONPBadForm(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := jsonpOpen(t, h, c, 4, "1").SID
	c.Send(tt.Request("POST", jsonpTarget(4, sid, "1"), []byte("d=4%zz"), "Content-Type: application/x-www-form-urlencoded"))
	wantError(t, response(t, h, c), 400, 3)
	wantCloses(t, h, sid, transports.ReasonParseError)
}

func TestJSONPCloseAndUpgrade(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := jsonpOpen(t, h, c, 4, "5").SID
	// A server close reaches the client as a script with the close packet.
	s := session(t, h, sid)
	h.On(0, func() { s.Close(transports.ReasonForcedClose) })
	c.Send(jsonpGET(4, sid, "5"))
	if got := jsonpPayload(t, response(t, h, c), "5"); got != "1" {
		t.Fatalf("payload %q", got)
	}

	// Upgrading a JSONP session: the parked GET is released with a noop
	// script.
	sid = jsonpOpen(t, h, c, 4, "6").SID
	c.Send(jsonpGET(4, sid, "6"))
	noResponse(t, h, c)
	w := h.Dial(0)
	probe(t, h, w, 4, sid)
	if got := jsonpPayload(t, response(t, h, c), "6"); got != "6" {
		t.Fatalf("payload %q", got)
	}
	w.Send(tt.Text("5"))
	w.Send(tt.Text("4up"))
	h.Loops.RunAll()
	wantMessages(t, h, sid, "up")
	if tr := session(t, h, sid).Transport(); tr != transports.WebSocket {
		t.Fatalf("transport %s", tr)
	}
}
