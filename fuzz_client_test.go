package tornadio_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// fuzzServer is a server on one in-memory loop with handlers of every kind,
// and a connected polling client; it returns the loops, the client
// connection and the session id.
func fuzzServer(t *testing.T) (*tt.Loops, *tt.Harness, *tt.Conn, string) {
	l := tt.NewLoops(1)
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("echo", func(v any, ack tornadio.Ack) { ack(v) })
		s.On("bin", func(b []byte, n int) { s.Emit("bin", b, n) })
		s.On("join", func(room string) { s.Join(room); s.To(room).Emit("joined", s.ID()) })
		s.Emit("ask", "q", func(answer string) {})
	})
	srv.Of("/admin").Use(func(s *tornadio.Socket) error { return nil })
	srv.Handle(struct{ tornadio.NopHandler }{})
	tp := tornadio.BindForTest(srv, l)
	l.Server = tp
	h := &tt.Harness{Loops: l, Server: tp}
	c := h.Dial(0)
	l.RunAll()
	c.Send(tt.PollGET(4, ""))
	l.RunAll()
	r, err := c.ReadResponse()
	if err != nil || r.Status != 200 {
		t.Fatalf("handshake: %v %v", r, err)
	}
	sid := strings.Split(strings.Split(string(r.Body), `"sid":"`)[1], `"`)[0]
	return l, h, c, sid
}

// FuzzClientPackets feeds arbitrary Socket.IO packets (one per line, as
// Engine.IO messages of one POST) to a server with handlers of every kind:
// it never panics, every request is answered, and the server still serves
// a new session afterwards.
func FuzzClientPackets(f *testing.F) {
	for _, seed := range []string{
		"0", "0/admin,", `0/admin,{"token":"123"}`, "1", "1/admin,",
		`2["echo",1]`, `21["echo",{"a":[1,2]}]`, `2/admin,456["project:delete",123]`,
		"3/admin,456[]", `30["yes"]`, `4{"message":"x"}`,
		`51-["bin",{"_placeholder":true,"num":0},3]`, `61-/admin,456[{"_placeholder":true,"num":0}]`,
		`2["join","r"]`, `2["message",{"text":"hi"}]`, `2[`, `2["echo"`, `9`, `5-[]`, `2/never,["x"]`,
		`3999[1]`, `52-["bin",{"_placeholder":true,"num":7}]`, "0\n0\n1\n0", `2["connect"]`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		l, h, c, sid := fuzzServer(t)
		var body bytes.Buffer
		body.WriteString("40")
		for _, line := range strings.Split(input, "\n") {
			body.WriteString("\x1e4")
			body.WriteString(line)
		}
		if strings.Contains(input, "\x1e") {
			return // not representable inside one v4 payload
		}
		c.Send(tt.PollPOST(4, sid, body.String()))
		l.RunAll()
		l.Advance(50 * time.Millisecond)
		c.Send(tt.PollGET(4, sid))
		l.RunAll()
		l.Advance(30 * time.Second) // ping answers a parked GET
		rs, err := c.ReadResponses()
		if err != nil {
			t.Fatalf("unreadable output: %v", err)
		}
		if len(rs) < 1 && !c.Gone() {
			t.Fatalf("POST not answered")
		}
		if v := h.Violations(); len(v) > 0 {
			t.Fatalf("violations: %v", v)
		}
		// The server still works for someone else.
		c2 := h.Dial(0)
		l.RunAll()
		c2.Send(tt.PollGET(4, ""))
		l.RunAll()
		if r, err := c2.ReadResponse(); err != nil || r.Status != 200 {
			t.Fatalf("server unhealthy after input: %v %v", r, err)
		}
	})
}
