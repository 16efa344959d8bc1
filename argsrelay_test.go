package tornadio_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

// TestArgsRelayedUnchanged: an Args value given to Emit or to an Ack stands
// for the arguments it holds, binary attachments included: their JSON goes
// out as it came, the attachments with it; beside other arguments the
// placeholders are numbered so that each still points at its bytes.
func TestArgsRelayedUnchanged(t *testing.T) {
	for _, workers := range []int{0, 2} {
		srv := tcStartServer(t, func(srv *tornadio.Server) {
			srv.Of("/").OnConnection(func(s *tornadio.Socket) {
				s.On("relay", func(args tornadio.Args) { s.Emit("echo", args) })
				s.On("answer", func(args tornadio.Args, ack tornadio.Ack) { ack(args) })
				s.On("mix", func(args tornadio.Args) {
					s.Emit("mixed", []byte{9}, args, args)
				})
				s.On("all", func(args tornadio.Args) {
					srv.Of("/").Emit("everyone", args)
				})
			})
		}, tornadio.WithWorkers(workers))
		w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
		w.connectSIO()
		sendBinary := func(head string, atts ...[]byte) {
			t.Helper()
			w.writeText(head)
			for _, a := range atts {
				if err := w.writeFrame(frames.OpBinary, true, a); err != nil {
					t.Fatal(err)
				}
			}
		}
		expect := func(want ...string) {
			t.Helper()
			for _, wp := range want {
				if got := w.mustReadPacket(); got != wp {
					t.Fatalf("workers %d: got %q, want %q", workers, got, wp)
				}
			}
		}

		// Whitespace and key order show the JSON is not re-encoded.
		sendBinary(`452-3["relay", {"b":{"num":1,"_placeholder":true}, "z":1 ,"a":2},{"_placeholder":true,"num":0}]`,
			[]byte{1, 2, 3}, []byte{4, 5})
		expect(`452-["echo",{"b":{"num":1,"_placeholder":true}, "z":1 ,"a":2},{"_placeholder":true,"num":0}]`,
			"b\x01\x02\x03", "b\x04\x05")
		sendBinary(`452-3["answer", {"b":{"num":1,"_placeholder":true}, "z":1 ,"a":2},{"_placeholder":true,"num":0}]`,
			[]byte{1, 2, 3}, []byte{4, 5})
		expect(`462-3[{"b":{"num":1,"_placeholder":true}, "z":1 ,"a":2},{"_placeholder":true,"num":0}]`,
			"b\x01\x02\x03", "b\x04\x05")

		// Beside other arguments: the first Args keeps its numbers (its
		// attachments go first), the []byte and the second copy come after.
		sendBinary(`451-["mix",{"_placeholder":true,"num":0},"t"]`, []byte{7})
		expect(`453-["mixed",{"_placeholder":true,"num":1},{"_placeholder":true,"num":0},"t",{"_placeholder":true,"num":2},"t"]`,
			"b\x07", "b\x09", "b\x07")

		// A broadcast carries them too.
		sendBinary(`451-["all",{"_placeholder":true,"num":0}]`, []byte{8})
		expect(`451-["everyone",{"_placeholder":true,"num":0}]`, "b\x08")

		// Plain text arguments, no attachments.
		w.writeText(`42["relay",1,"two",{"three":[3]}]`)
		expect(`42["echo",1,"two",{"three":[3]}]`)
		w.writeText(`424["answer",1,"two",{"three":[3]}]`)
		expect(`434[1,"two",{"three":[3]}]`)
	}
}

// TestArgsBinaryDecode: a binary argument decodes into []byte (and any),
// and a placeholder nested in an argument decodes with its bytes.
func TestArgsBinaryDecode(t *testing.T) {
	type got struct {
		b      []byte
		anyB   any
		nested map[string]any
		err    error
	}
	ch := make(chan got, 1)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			s.On("bin", func(args tornadio.Args) {
				var g got
				if g.err = args.Decode(0, &g.b); g.err == nil {
					if g.err = args.Decode(0, &g.anyB); g.err == nil {
						g.err = args.Decode(1, &g.nested)
					}
				}
				ch <- g
			})
		})
	})
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	w.connectSIO()
	w.writeText(`452-["bin",{"_placeholder":true,"num":1},{"k":{"_placeholder":true,"num":0}}]`)
	w.writeFrame(frames.OpBinary, true, []byte("zero"))
	w.writeFrame(frames.OpBinary, true, []byte("one"))
	select {
	case g := <-ch:
		if g.err != nil {
			t.Fatal(g.err)
		}
		if !bytes.Equal(g.b, []byte("one")) || !bytes.Equal(g.anyB.([]byte), []byte("one")) {
			t.Fatalf("binary argument decoded as %q, %v", g.b, g.anyB)
		}
		if b, ok := g.nested["k"].([]byte); !ok || string(b) != "zero" {
			t.Fatalf("nested binary decoded as %#v", g.nested)
		}
	case <-time.After(tcIOTimeout):
		t.Fatal("handler not called")
	}
}

// TestArgsRelayedToLegacy: a 0.6 client's message relayed with its Args
// comes back as it went: text as text, JSON as ~j~ JSON.
func TestArgsRelayedToLegacy(t *testing.T) {
	srv := lgStart(t, nil, lgFastOptions())
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("message", func(args tornadio.Args) { s.Emit("message", args) })
	})
	c, _ := lgOpenPoll(t, srv.Addr(), false, "")
	c.send(lgFrames("hi é", `~j~{"a":[1,"x"]}`))
	msgs, _ := lgCollect(t, c, 2, 8*time.Second)
	if msgs[0] != "hi é" || msgs[1] != `~j~{"a":[1,"x"]}` {
		t.Fatalf("relayed back: %q", msgs)
	}
}
