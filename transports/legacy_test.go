package transports_test

import (
	"strings"
	"testing"

	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// The modern road keeps /socket.io/?EIO=4 with the legacy road on.
func TestLegacyModernRoadUnchanged(t *testing.T) {
	h, _ := newLegacyHarness(t, legacyConfig(20), 1)
	c := h.Dial(0)
	c.Send(tt.PollGET(4, ""))
	h.Loops.RunAll()
	r, err := c.ReadResponse()
	if err != nil || r.Status != 200 || !strings.HasPrefix(string(r.Body), "0{") {
		t.Fatalf("modern handshake: %v %v", r, err)
	}
	if h.Server.SessionCount() != 1 || h.Server.LegacySessionCount() != 0 {
		t.Fatalf("sessions: %d modern, %d legacy", h.Server.SessionCount(), h.Server.LegacySessionCount())
	}
}

// The legacy road is off without LegacyTransports: a legacy path is the
// application's, and a policy request is not HTTP.
func TestLegacyRoadOff(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	c.SendString(get("/socket.io/xhr-polling//1"))
	h.Loops.RunAll()
	if r, err := c.ReadResponse(); err != nil || r.Status != 404 {
		t.Fatalf("got %v %v, want 404", r, err)
	}
	d := h.Dial(0)
	d.SendString("<policy-file-request/>\x00")
	h.Loops.RunAll()
	if r, err := d.ReadResponse(); err != nil || r.Status != 400 {
		t.Fatalf("got %v %v, want 400", r, err)
	}
}

// Requests of one polling session on connections of other loops are run
// on its home loop, and answers go back to their connections' loops.
func TestLegacyPollingCrossLoop(t *testing.T) {
	h, rec := newLegacyHarness(t, legacyConfig(21), 3)
	var got []string
	rec.OnMessage = func(s *transports.LegacySession, m legacy.Message) {
		got = append(got, string(m.Data))
		s.Send(legacy.AppendText(nil, "echo:"+string(m.Data)))
	}
	a := h.Dial(0)
	a.SendString(get("/socket.io/xhr-polling//1"))
	h.Loops.RunAll()
	if _, err := a.ReadResponse(); err != nil {
		t.Fatal(err)
	}
	s := rec.last()
	b, p := h.Dial(1), h.Dial(2)
	b.SendString(get("/socket.io/xhr-polling/" + s.ID() + "/2"))
	h.Loops.RunAll()
	p.SendString(post("/socket.io/xhr-polling/"+s.ID()+"/send", "data=~m~3~m~abc"))
	h.Loops.RunAll()
	if r, err := p.ReadResponse(); err != nil || string(r.Body) != "ok" {
		t.Fatalf("post: %v %v", r, err)
	}
	r, err := b.ReadResponse()
	if err != nil || string(r.Body) != "~m~8~m~echo:abc" {
		t.Fatalf("poll: %v %v", r, err)
	}
	if len(got) != 1 || got[0] != "abc" {
		t.Fatalf("messages %q", got)
	}
	h.On(s.Loop(), s.Close)
	h.Loops.RunAll()
	if n := h.Server.LegacySessionCount(); n != 0 {
		t.Fatalf("%d sessions left", n)
	}
}

// Config.ValidateLegacy refuses unknown names, bad origins, no app.
func TestLegacyValidate(t *testing.T) {
	for _, cfg := range []transports.Config{
		{LegacyTransports: []string{"polling"}, LegacyApp: &legacyRec{}},
		{LegacyTransports: []string{"websocket"}, LegacyOrigins: []string{"nocolon"}, LegacyApp: &legacyRec{}},
		{LegacyTransports: []string{"websocket"}},
	} {
		if err := cfg.ValidateLegacy(); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}
