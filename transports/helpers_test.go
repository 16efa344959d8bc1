package transports_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// testConfig has short timers so that tests can step the clock.
func testConfig() transports.Config {
	return transports.Config{
		PingInterval:   300 * time.Millisecond,
		PingTimeout:    200 * time.Millisecond,
		UpgradeTimeout: time.Second,
		IdleTimeout:    5 * time.Second,
		MaxPayload:     1000,
	}
}

func newHarness(t *testing.T, cfg transports.Config, loops int) *tt.Harness {
	t.Helper()
	h := tt.New(cfg, loops)
	t.Cleanup(func() {
		if v := h.Violations(); len(v) > 0 {
			t.Errorf("IO violations:\n%s", strings.Join(v, "\n"))
		}
		for i, c := range h.Conns() {
			if n := c.WritesAfterClose(); n > 0 {
				t.Errorf("conn %d: %d writes after close", i, n)
			}
		}
		// Close is asked once per connection at most.
		for i, c := range h.Conns() {
			if n := c.CloseCalls(); n > 1 {
				t.Errorf("conn %d: Close called %d times", i, n)
			}
		}
		// App.Close at most once per session, after Open, on its home loop.
		opens := map[string]int{}
		closes := map[string]int{}
		for _, e := range h.App.Events() {
			switch e.Kind {
			case tt.Open:
				opens[e.SID]++
			case tt.Close:
				closes[e.SID]++
				if opens[e.SID] == 0 {
					t.Errorf("close before open: %v", e)
				}
			case tt.Message:
				if opens[e.SID] == 0 || closes[e.SID] > 0 {
					t.Errorf("message outside the session's life: %v", e)
				}
			}
			if e.Session != nil && e.Loop != e.Session.Loop() {
				t.Errorf("%v: ran on loop %d, home is %d", e, e.Loop, e.Session.Loop())
			}
		}
		for sid, n := range closes {
			if n > 1 {
				t.Errorf("session %s: App.Close called %d times", sid, n)
			}
		}
	})
	return h
}

type openPacket struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int64    `json:"pingInterval"`
	PingTimeout  int64    `json:"pingTimeout"`
	MaxPayload   *int64   `json:"maxPayload"`
}

func parseOpen(t *testing.T, text string) openPacket {
	t.Helper()
	if !strings.HasPrefix(text, "0{") {
		t.Fatalf("not an open packet: %q", text)
	}
	var o openPacket
	dec := json.NewDecoder(strings.NewReader(text[1:]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		t.Fatalf("open packet %q: %v", text, err)
	}
	if o.SID == "" {
		t.Fatalf("open packet without sid: %q", text)
	}
	return o
}

// response runs the loops and reads exactly one response from c.
func response(t *testing.T, h *tt.Harness, c *tt.Conn) *tt.Response {
	t.Helper()
	h.Loops.RunAll()
	r, err := c.ReadResponse()
	if err != nil {
		t.Fatalf("no response: %v (output %q)", err, c.Unread())
	}
	return r
}

// noResponse runs the loops and checks that c got nothing.
func noResponse(t *testing.T, h *tt.Harness, c *tt.Conn) {
	t.Helper()
	h.Loops.RunAll()
	if b := c.Unread(); len(b) > 0 {
		t.Fatalf("unexpected output %q", b)
	}
}

func wantStatus(t *testing.T, r *tt.Response, status int, body string) {
	t.Helper()
	if r.Status != status || string(r.Body) != body {
		t.Fatalf("got %d %q, want %d %q\n%s", r.Status, r.Body, status, body, r.Raw)
	}
}

type errBody struct {
	Code    *int   `json:"code"`
	Message string `json:"message"`
}

func wantError(t *testing.T, r *tt.Response, status, code int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	if ct := r.Header("Content-Type"); ct != "application/json" {
		t.Errorf("error Content-Type %q", ct)
	}
	var e errBody
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Code == nil {
		t.Fatalf("error body %q: %v", r.Body, err)
	}
	if *e.Code != code || e.Message == "" {
		t.Fatalf("error body %s, want code %d", r.Body, code)
	}
}

// pollOpen makes a polling handshake on c and returns the open packet.
func pollOpen(t *testing.T, h *tt.Harness, c *tt.Conn, eio int, headers ...string) openPacket {
	t.Helper()
	c.Send(tt.PollGET(eio, "", headers...))
	r := response(t, h, c)
	if r.Status != 200 {
		t.Fatalf("handshake: %s", r.Raw)
	}
	body := string(r.Body)
	if eio == 3 {
		n, rest, ok := strings.Cut(body, ":")
		if !ok {
			t.Fatalf("v3 handshake body %q", body)
		}
		if want := len(rest); n != itoa(want) {
			t.Fatalf("v3 handshake body %q: length %s, want %d", body, n, want)
		}
		body = rest
	}
	return parseOpen(t, body)
}

func itoa(n int) string { return strconv.Itoa(n) }

// splitV4 splits a v4 polling body into packets.
func splitV4(body []byte) []string { return strings.Split(string(body), "\x1e") }

// session returns the App's session for sid.
func session(t *testing.T, h *tt.Harness, sid string) *transports.Session {
	t.Helper()
	s := h.App.Session(sid)
	if s == nil {
		t.Fatalf("no session %s", sid)
	}
	return s
}

func wantCloses(t *testing.T, h *tt.Harness, sid string, reasons ...string) {
	t.Helper()
	if got := h.App.Closes(sid); !slices.Equal(got, reasons) {
		t.Fatalf("App.Close reasons %q, want %q", got, reasons)
	}
}

func wantMessages(t *testing.T, h *tt.Harness, sid string, msgs ...string) {
	t.Helper()
	if got := h.App.Messages(sid); !slices.Equal(got, msgs) {
		t.Fatalf("messages %q, want %q", got, msgs)
	}
}

// wsOpen opens a direct websocket session on c and returns the open packet.
func wsOpen(t *testing.T, h *tt.Harness, c *tt.Conn, eio int, headers ...string) openPacket {
	t.Helper()
	c.Send(tt.WSUpgrade(eio, "", headers...))
	r := response(t, h, c)
	if r.Status != 101 {
		t.Fatalf("upgrade: %s", r.Raw)
	}
	if got := r.Header("Sec-WebSocket-Accept"); got != tt.WSAccept {
		t.Fatalf("Sec-WebSocket-Accept %q, want %q", got, tt.WSAccept)
	}
	f := readFrame(t, c)
	if f.Op != 1 || !f.Fin {
		t.Fatalf("first frame %v", f)
	}
	return parseOpen(t, string(f.Payload))
}

func readFrame(t *testing.T, c *tt.Conn) tt.ServerFrame {
	t.Helper()
	f, err := c.ReadFrame()
	if err != nil {
		t.Fatalf("no frame: %v (output %q)", err, c.Unread())
	}
	return f
}

// readTexts reads every pending frame, which must all be text, and returns
// their payloads.
func readTexts(t *testing.T, c *tt.Conn) []string {
	t.Helper()
	fs, err := c.ReadFrames()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		if f.Op != 1 {
			t.Fatalf("frame %v, want text", f)
		}
		out = append(out, string(f.Payload))
	}
	return out
}

func wantTexts(t *testing.T, c *tt.Conn, want ...string) {
	t.Helper()
	if got := readTexts(t, c); !slices.Equal(got, want) {
		t.Fatalf("frames %q, want %q", got, want)
	}
}

func wantClosed(t *testing.T, h *tt.Harness, c *tt.Conn) {
	t.Helper()
	h.Loops.RunAll()
	if !c.CloseRequested() {
		t.Fatalf("connection not closed by the server")
	}
}

func wantOpen(t *testing.T, h *tt.Harness, c *tt.Conn) {
	t.Helper()
	h.Loops.RunAll()
	if c.CloseRequested() {
		t.Fatalf("connection closed by the server")
	}
}

// probe upgrades session sid on connection w to a websocket (EIO eio) and
// makes the probe exchange, checking the 101 and the "3probe" answer.
func probe(t *testing.T, h *tt.Harness, w *tt.Conn, eio int, sid string) {
	t.Helper()
	w.Send(tt.WSUpgrade(eio, sid))
	if r := response(t, h, w); r.Status != 101 {
		t.Fatalf("%s", r.Raw)
	}
	w.Send(tt.Text("2probe"))
	h.Loops.RunAll()
	wantTexts(t, w, "3probe")
}
