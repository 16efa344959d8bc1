package transports_test

import (
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// failingIO is an edge whose writes fail once armed: like gnet, which closes
// a connection whose write(2) fails and runs OnClose inside that Write.
type failingIO struct {
	conn   *transports.Conn
	armed  bool
	closed bool
}

func (f *failingIO) Write([]byte) {
	if f.armed && !f.closed {
		f.closed = true
		f.conn.OnClose()
	}
}
func (f *failingIO) Close()             {}
func (f *failingIO) Wake()              {}
func (f *failingIO) Buffered() int      { return 0 }
func (f *failingIO) RemoteAddr() string { return "192.0.2.1:4321" }

// stillLoops runs posted work at once: one loop, a still clock.
type stillLoops struct{ now time.Time }

func (l *stillLoops) Post(_ int, fn func()) { fn() }
func (l *stillLoops) Now() time.Time        { return l.now }
func (l *stillLoops) Wake(int, time.Time)   {}

type recordingApp struct {
	sess   *transports.Session
	closes []string
}

func (a *recordingApp) Message(*transports.Session, []byte, bool) {}

func (a *recordingApp) Open(s *transports.Session) error { a.sess = s; return nil }
func (a *recordingApp) Close(_ *transports.Session, reason string) {
	a.closes = append(a.closes, reason)
}

// TestCloseWhenTheWriteClosesTheConnection: closing a websocket session
// whose close packet's write fails (the edge ends the connection inside the
// write) ends the session once, without touching the gone connection.
func TestCloseWhenTheWriteClosesTheConnection(t *testing.T) {
	app := &recordingApp{}
	srv := transports.NewServer(transports.Config{}, app, &stillLoops{now: tt.Epoch}, 1)
	io := &failingIO{}
	c := srv.NewConn(io, 0)
	io.conn = c
	req := tt.WSUpgrade(4, "")
	if n := c.Feed(req); n != len(req) {
		t.Fatalf("fed %d of %d bytes", n, len(req))
	}
	if app.sess == nil {
		t.Fatal("no session opened")
	}
	io.armed = true
	app.sess.Close(transports.ReasonForcedClose)
	if len(app.closes) != 1 {
		t.Fatalf("App.Close ran %d times (%q), want once", len(app.closes), app.closes)
	}
	if got := srv.SessionCount(); got != 0 {
		t.Errorf("%d sessions left", got)
	}
}
