package transports_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// countingIO records each Write and Close the machine makes, in order.
type countingIO struct {
	ops []string
}

func (c *countingIO) Write(b []byte)     { c.ops = append(c.ops, "write:"+string(b)) }
func (c *countingIO) Close()             { c.ops = append(c.ops, "close") }
func (c *countingIO) Wake()              {}
func (c *countingIO) Buffered() int      { return 0 }
func (c *countingIO) RemoteAddr() string { return "192.0.2.1:4321" }

// echoApp answers every message with itself; a message "close" closes the
// session instead, and "other" sends to the other session.
type echoApp struct {
	sessions []*transports.Session
}

func (a *echoApp) Open(s *transports.Session) error  { a.sessions = append(a.sessions, s); return nil }
func (a *echoApp) Close(*transports.Session, string) {}
func (a *echoApp) Message(s *transports.Session, data []byte, binary bool) {
	switch string(data) {
	case "close":
		s.Close(transports.ReasonForcedClose)
	case "other":
		a.sessions[0].Send([]byte("from other"), false)
	default:
		s.Send(data, binary)
	}
}

func corkServer(t *testing.T) (*echoApp, *countingIO, *transports.Conn, *countingIO, *transports.Conn) {
	t.Helper()
	app := &echoApp{}
	srv := transports.NewServer(transports.Config{}, app, &stillLoops{now: tt.Epoch}, 1)
	open := func() (*countingIO, *transports.Conn) {
		io := &countingIO{}
		c := srv.NewConn(io, 0)
		req := tt.WSUpgrade(4, "")
		if n := c.Feed(req); n != len(req) {
			t.Fatalf("fed %d of %d bytes", n, len(req))
		}
		io.ops = nil
		return io, c
	}
	io1, c1 := open()
	io2, c2 := open()
	return app, io1, c1, io2, c2
}

// TestCorkOneWritePerRead: three messages read at once are answered with
// one Write holding the three answers, in order.
func TestCorkOneWritePerRead(t *testing.T) {
	_, io, c, _, _ := corkServer(t)
	in := append(append(tt.Text("4a"), tt.Text("4b")...), tt.Text("4c")...)
	if n := c.Feed(in); n != len(in) {
		t.Fatalf("fed %d of %d bytes", n, len(in))
	}
	if len(io.ops) != 1 {
		t.Fatalf("%d operations %q, want one write", len(io.ops), io.ops)
	}
	got := io.ops[0]
	for _, want := range []string{"4a", "4b", "4c"} {
		i := strings.Index(got, want)
		if i < 0 {
			t.Fatalf("answer %q missing from %q", want, got)
		}
		got = got[i+len(want):]
	}
}

// TestCorkOtherConnectionsAtOnce: what a Feed writes to another connection
// leaves at once; the fed connection's answers wait for the end of Feed.
func TestCorkOtherConnectionsAtOnce(t *testing.T) {
	_, io1, _, io2, c2 := corkServer(t)
	in := append(tt.Text("4other"), tt.Text("4x")...)
	var seenDuring int
	c2.Feed(in)
	seenDuring = len(io1.ops)
	if seenDuring != 1 || !strings.Contains(io1.ops[0], "from other") {
		t.Fatalf("other connection got %q, want its message", io1.ops)
	}
	if len(io2.ops) != 1 || !strings.Contains(io2.ops[0], "4x") {
		t.Fatalf("fed connection got %q, want one write with its answer", io2.ops)
	}
}

// TestCorkFlushedBeforeClose: answers held for a connection are written
// before it is closed.
func TestCorkFlushedBeforeClose(t *testing.T) {
	_, io, c, _, _ := corkServer(t)
	in := append(tt.Text("4a"), tt.Text("4close")...)
	c.Feed(in)
	if len(io.ops) < 2 || io.ops[len(io.ops)-1] != "close" {
		t.Fatalf("operations %q, want writes then close", io.ops)
	}
	all := strings.Join(io.ops, "|")
	if !strings.Contains(all, "4a") || strings.Index(all, "4a") > strings.Index(all, "close") {
		t.Fatalf("operations %q: the answer must leave before the close", io.ops)
	}
	if !bytes.Contains([]byte(all), []byte{0x88}) {
		t.Fatalf("operations %q: no close frame", io.ops)
	}
}
