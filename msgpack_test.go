package tornadio_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/socketio/msgpackparser"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// mpIO is a connection that keeps everything the machine writes.
type mpIO struct {
	out    []byte
	closed bool
}

func (c *mpIO) Write(b []byte)     { c.out = append(c.out, b...) }
func (c *mpIO) Close()             { c.closed = true }
func (c *mpIO) Wake()              {}
func (c *mpIO) Buffered() int      { return 0 }
func (c *mpIO) RemoteAddr() string { return "127.0.0.1:1" }

// frames takes the websocket frames written so far (after the upgrade
// answer): their opcodes and payloads.
func (c *mpIO) frames(t *testing.T) (ops []byte, payloads [][]byte) {
	t.Helper()
	b := c.out
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 && bytes.HasPrefix(b, []byte("HTTP/1.1 101")) {
		b = b[i+4:]
	}
	for len(b) > 0 {
		if len(b) < 2 {
			t.Fatalf("truncated frame %x", b)
		}
		op, n, hdr := b[0]&0x0f, int(b[1]&0x7f), 2
		switch n {
		case 126:
			n, hdr = int(binary.BigEndian.Uint16(b[2:])), 4
		case 127:
			n, hdr = int(binary.BigEndian.Uint64(b[2:])), 10
		}
		ops = append(ops, op)
		payloads = append(payloads, b[hdr:hdr+n])
		b = b[hdr+n:]
	}
	c.out = c.out[:0]
	return ops, payloads
}

// mpClient is a websocket client speaking socket.io-msgpack-parser to a
// server on in-memory loops.
type mpClient struct {
	io *mpIO
	m  *transports.Conn
	l  *benchLoop
}

var mp msgpackparser.Parser

func (c *mpClient) send(pkt []byte) {
	c.m.Feed(tt.Binary(pkt))
	c.l.drain()
}

// must is a packet the test's own parser wrote.
func must(pkt []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return pkt
}

// packets decodes what the server sent since the last call: each must be
// one binary message holding one packet.
func (c *mpClient) packets(t *testing.T) (out []socketio.Decoded) {
	t.Helper()
	ops, payloads := c.io.frames(t)
	for i, p := range payloads {
		if ops[i] != 2 || len(p) == 0 {
			t.Fatalf("frame %d: op %d %q, want a binary message", i, ops[i], p)
		}
		var d socketio.Decoded
		done, err := mp.Decode(&socketio.DecoderState{}, p, true, 5, &d)
		if err != nil || !done {
			t.Fatalf("server packet %x: %v %v", p, done, err)
		}
		d.Packet.Data = append([]byte(nil), d.Packet.Data...)
		out = append(out, d)
	}
	return out
}

func mpConnect(t *testing.T, tp *transports.Server, l *benchLoop, nsp string) *mpClient {
	t.Helper()
	c := &mpClient{io: &mpIO{}, l: l}
	c.m = tp.NewConn(c.io, 0)
	c.m.Feed(tt.WSUpgrade(4, ""))
	l.drain()
	c.io.frames(t) // the Engine.IO open packet
	c.send(must(mp.AppendPacket(nil, socketio.Packet{Type: socketio.Connect, Namespace: []byte(nsp), ID: -1}, nil)))
	got := c.packets(t)
	if len(got) != 1 || got[0].Packet.Type != socketio.Connect || !bytes.HasPrefix(got[0].Packet.Data, []byte(`{"sid":"`)) {
		t.Fatalf("CONNECT answer: %+v", got)
	}
	return c
}

// TestMsgpackParser: with WithParser(msgpackparser.Parser{}) every packet
// is one binary message both ways: CONNECT and its answer, events with
// acks in both directions, binary arguments inside the packet, broadcasts
// (the same bytes to every receiver) and namespaces; a text message ends
// the session as a parse error.
func TestMsgpackParser(t *testing.T) {
	l := &benchLoop{now: tt.Epoch}
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithParser(msgpackparser.Parser{}))
	var clientAck []byte
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("echo", func(a tornadio.Args, ack tornadio.Ack) { ack(json.RawMessage(a.Raw(0)), "done") })
		s.On("file", func(name string, data []byte) {
			_ = s.Emit("file", name, append(data, '!'), func(a tornadio.Args) { clientAck = append([]byte(nil), a.Raw(0)...) })
		})
		s.On("shout", func(a tornadio.Args) { srv.Of("/").Emit("news", []byte{0xca, 0xfe}, json.RawMessage(a.Raw(0))) })
	})
	srv.Of("/admin").OnConnection(func(s *tornadio.Socket) {
		s.On("who", func(a tornadio.Args, ack tornadio.Ack) { ack("admin") })
	})
	tp := tornadio.BindForTest(srv, l)
	a, b := mpConnect(t, tp, l, "/"), mpConnect(t, tp, l, "/")

	a.send(must(mp.AppendEvent(nil, "/", 7, "echo", [][]byte{[]byte(`{"x":[1,2.5,"é"]}`)}, nil)))
	if got := a.packets(t); len(got) != 1 || got[0].Packet.Type != socketio.Ack || got[0].Packet.ID != 7 ||
		string(got[0].Packet.Data) != `[{"x":[1,2.5,"é"]},"done"]` {
		t.Fatalf("ack: %+v", got)
	}

	a.send(must(mp.AppendEvent(nil, "/", -1, "file", [][]byte{[]byte(`"a.bin"`), []byte(`{"_placeholder":true,"num":0}`)}, [][]byte{{0, 1, 2}})))
	got := a.packets(t)
	if len(got) != 1 || got[0].Packet.Type != socketio.Event || got[0].Packet.ID < 0 ||
		string(got[0].Packet.Data) != `["file","a.bin",{"_placeholder":true,"num":0}]` ||
		len(got[0].Attachments) != 1 || string(got[0].Attachments[0]) != "\x00\x01\x02!" {
		t.Fatalf("binary emit: %+v", got)
	}
	a.send(must(mp.AppendAck(nil, "/", got[0].Packet.ID, [][]byte{[]byte(`{"_placeholder":true,"num":0}`)}, [][]byte{{9}})))
	if string(clientAck) != `{"_placeholder":true,"num":0}` {
		t.Fatalf("the client's ack reached the callback as %q", clientAck)
	}

	b.send(must(mp.AppendEvent(nil, "/", -1, "shout", [][]byte{[]byte(`[null,true]`)}, nil)))
	ga, gb := a.io.out, b.io.out
	if !bytes.Equal(ga, gb) || len(ga) == 0 {
		t.Fatalf("broadcast bytes differ: %x / %x", ga, gb)
	}
	if got := a.packets(t); len(got) != 1 || string(got[0].Packet.Data) != `["news",{"_placeholder":true,"num":0},[null,true]]` ||
		string(got[0].Attachments[0]) != "\xca\xfe" {
		t.Fatalf("broadcast: %+v", got)
	}
	b.packets(t)

	b.send(must(mp.AppendPacket(nil, socketio.Packet{Type: socketio.Connect, Namespace: []byte("/admin"), ID: -1}, nil)))
	if got := b.packets(t); len(got) != 1 || got[0].Packet.Type != socketio.Connect || string(got[0].Packet.Namespace) != "/admin" {
		t.Fatalf("CONNECT /admin: %+v", got)
	}
	b.send(must(mp.AppendEvent(nil, "/admin", 1, "who", nil, nil)))
	if got := b.packets(t); len(got) != 1 || string(got[0].Packet.Namespace) != "/admin" || string(got[0].Packet.Data) != `["admin"]` {
		t.Fatalf("ack in /admin: %+v", got)
	}
	b.send(must(mp.AppendPacket(nil, socketio.Packet{Type: socketio.Connect, Namespace: []byte("/nope"), ID: -1}, nil)))
	if got := b.packets(t); len(got) != 1 || got[0].Packet.Type != socketio.ConnectError || string(got[0].Packet.Data) != `{"message":"Invalid namespace"}` {
		t.Fatalf("CONNECT to an unknown namespace: %+v", got)
	}

	a.m.Feed(tt.Text(`42["echo"]`))
	l.drain()
	if ops, _ := a.io.frames(t); len(ops) == 0 || ops[len(ops)-1] != 8 {
		t.Fatalf("a text message did not close the session: frames %v", ops)
	}
}

// TestMsgpackAllocs: with the msgpack parser too, an event without an ack
// allocates nothing in the core (the packet is transcoded into the loop's
// buffers), and a broadcast is encoded once: its allocations do not grow
// with its receivers.
func TestMsgpackAllocs(t *testing.T) {
	l := &benchLoop{now: tt.Epoch}
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithParser(msgpackparser.Parser{}))
	ns := srv.Of("/")
	ns.OnConnection(func(s *tornadio.Socket) {
		s.On("note", func(a tornadio.Args) {})
		s.On("shout", func(a tornadio.Args) { ns.Emit("shout", []byte{1}) })
	})
	tp := tornadio.BindForTest(srv, l)
	conns := []*mpClient{mpConnect(t, tp, l, "/")}
	run := func(pkt []byte) float64 {
		for _, c := range conns {
			c.io.out = make([]byte, 0, 64<<10) // the test's connection does not grow while measured
		}
		frame := tt.Binary(pkt)
		in := make([]byte, len(frame))
		n := testing.AllocsPerRun(200, func() {
			copy(in, frame)
			conns[0].m.Feed(in)
			l.drain()
		})
		return n
	}
	if n := run(must(mp.AppendEvent(nil, "/", -1, "note", [][]byte{[]byte(`{"a":[1,"x"]}`)}, nil))); n != 0 {
		t.Errorf("event without ack: %v allocs, want 0", n)
	}
	shout := must(mp.AppendEvent(nil, "/", -1, "shout", nil, nil))
	for len(conns) < 10 {
		conns = append(conns, mpConnect(t, tp, l, "/"))
	}
	few := run(shout)
	for len(conns) < 100 {
		conns = append(conns, mpConnect(t, tp, l, "/"))
	}
	many := run(shout)
	if many != few {
		t.Errorf("broadcast: %v allocs to 10 sockets, %v to 100: deliveries allocate", few, many)
	}
	t.Logf("allocs per broadcast: %v to 10 sockets, %v to 100", few, many)
}

// BenchmarkCoreEchoMsgpack is BenchmarkCoreEcho with the msgpack parser:
// one emit-with-ack and its answer through the sans-IO core, each packet
// transcoded between msgpack and the handlers' JSON.
func BenchmarkCoreEchoMsgpack(b *testing.B) {
	l := &benchLoop{now: tt.Epoch}
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithParser(msgpackparser.Parser{}))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("echo", func(a tornadio.Args, ack tornadio.Ack) { ack(json.RawMessage(a.Raw(0))) })
	})
	tp := tornadio.BindForTest(srv, l)
	c := benchConn{io: &benchIO{}}
	c.m = tp.NewConn(c.io, 0)
	c.m.Feed(tt.WSUpgrade(4, ""))
	l.drain()
	c.m.Feed(tt.Binary(must(mp.AppendPacket(nil, socketio.Packet{Type: socketio.Connect, ID: -1}, nil))))
	l.drain()
	arg := []byte(`"` + strings.Repeat("0", 64) + `"`)
	want := must(mp.AppendAck(nil, "/", 1, [][]byte{arg}, nil))
	feedN(b, l, c, tt.Binary(must(mp.AppendEvent(nil, "/", 1, "echo", [][]byte{arg}, nil))))
	if !bytes.HasSuffix(c.io.last, want) {
		b.Fatalf("last write %x, want the ack %x", c.io.last, want)
	}
}

// TestMsgpackInvalidRawJSON: the msgpack parser transcodes arguments, so a
// json.RawMessage that is not JSON fails: Socket.Emit returns the error
// (connection state recovery on or off), and a broadcast reaches no one
// (nothing half-encoded is written).
func TestMsgpackInvalidRawJSON(t *testing.T) {
	for _, recovery := range []bool{false, true} {
		l := &benchLoop{now: tt.Epoch}
		opts := []tornadio.Option{tornadio.WithEventLoops(1), tornadio.WithParser(msgpackparser.Parser{})}
		if recovery {
			opts = append(opts, tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{MaxDisconnection: time.Minute}))
		}
		srv := tornadio.NewServer(opts...)
		var emitErr error
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			s.On("go", func() {
				emitErr = s.Emit("x", json.RawMessage(`{"a":`))
				_ = srv.Of("/").Emit("y", json.RawMessage(`[1,`))
				_ = s.Emit("z", json.RawMessage(`{"a":1}`))
			})
		})
		tp := tornadio.BindForTest(srv, l)
		c := mpConnect(t, tp, l, "/")
		c.send(must(mp.AppendEvent(nil, "/", -1, "go", nil, nil)))
		if emitErr == nil {
			t.Errorf("recovery %v: Emit of invalid raw JSON: no error", recovery)
		}
		if got := c.packets(t); len(got) != 1 || !bytes.HasPrefix(got[0].Packet.Data, []byte(`["z",{"a":1}`)) {
			t.Fatalf("recovery %v: packets after the invalid emits: %+v", recovery, got)
		}
	}
}

// TestMsgpackRecovery: connection state recovery with the msgpack parser:
// the CONNECT answer carries the pid, broadcasts their offset, and a client
// back within the window gets what it missed replayed, binary values
// inside, each packet one binary message.
func TestMsgpackRecovery(t *testing.T) {
	l := &benchLoop{now: tt.Epoch}
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithParser(msgpackparser.Parser{}),
		tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{MaxDisconnection: time.Minute}))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) { s.Join("news") })
	tp := tornadio.BindForTest(srv, l)
	connect := func(auth string) (*mpClient, []socketio.Decoded) {
		c := &mpClient{io: &mpIO{}, l: l}
		c.m = tp.NewConn(c.io, 0)
		c.m.Feed(tt.WSUpgrade(4, ""))
		l.drain()
		c.io.frames(t)
		p := socketio.Packet{Type: socketio.Connect, ID: -1}
		if auth != "" {
			p.Data = []byte(auth)
		}
		c.send(must(mp.AppendPacket(nil, p, nil)))
		got := c.packets(t)
		if len(got) == 0 || got[0].Packet.Type != socketio.Connect {
			t.Fatalf("CONNECT answer: %+v", got)
		}
		return c, got
	}
	c, first := connect("")
	hello := first[0]
	var ids struct{ SID, PID string }
	if json.Unmarshal(hello.Packet.Data, &ids) != nil || ids.PID == "" {
		t.Fatalf("CONNECT answer %q has no pid", hello.Packet.Data)
	}
	srv.Of("/").To("news").Emit("n", 1)
	l.drain()
	got := c.packets(t)
	var args []json.RawMessage
	if len(got) != 1 || json.Unmarshal(got[0].Packet.Data, &args) != nil || len(args) != 3 {
		t.Fatalf("broadcast with its offset: %+v", got)
	}
	c.m.OnClose() // the transport closes: a recoverable reason
	l.drain()
	srv.Of("/").To("news").Emit("missed", []byte{5})
	l.drain()

	_, back := connect(fmt.Sprintf(`{"pid":%q,"offset":%s}`, ids.PID, args[2]))
	if !bytes.Contains(back[0].Packet.Data, []byte(ids.SID)) {
		t.Fatalf("not recovered: %q", back[0].Packet.Data)
	}
	if len(back) != 2 || !bytes.HasPrefix(back[1].Packet.Data, []byte(`["missed",{"_placeholder":true,"num":0},"`)) ||
		len(back[1].Attachments) != 1 || back[1].Attachments[0][0] != 5 {
		t.Fatalf("replay of the missed broadcast: %+v", back[1:])
	}
}
