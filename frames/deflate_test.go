package frames

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"strings"
	"testing"
)

// rsv1 sets RSV1 on the first byte of frame f.
func rsv1(f []byte) []byte {
	f[0] |= bitRsv1
	return f
}

// compressed returns the permessage-deflate payload of msg, tail removed,
// as Go's compress/flate writes it.
func compressed(t testing.TB, msg string) []byte {
	z, err := NewDeflater(flate.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	z.Begin(nil)
	z.Write([]byte(msg))
	return z.Finish()
}

// bomb is a message of n zero bytes, compressed: a few hundred bytes on
// the wire for a megabyte inflated.
func bomb(t testing.TB, n int) []byte {
	return compressed(t, strings.Repeat("\x00", n))
}

// The example of RFC 7692 section 7.2.3.1: "Hello" compressed, as one
// frame and as two fragments.
func TestInflateRFCExample(t *testing.T) {
	hello := []byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}
	for name, wire := range map[string][]byte{
		"one frame": rsv1(AppendMaskedFrame(nil, OpText, true, testMask, hello)),
		"fragments": cat(
			rsv1(AppendMaskedFrame(nil, OpText, false, testMask, hello[:3])),
			AppendMaskedFrame(nil, OpContinuation, true, testMask, hello[3:]),
		),
	} {
		t.Run(name, func(t *testing.T) {
			d := &Decoder{Deflate: true}
			msgs, err := decodeAll(d, wire)
			if err != nil || len(msgs) != 1 {
				t.Fatalf("decode: %v, %d messages", err, len(msgs))
			}
			if !msgs[0].Compressed {
				t.Fatal("message not marked compressed")
			}
			var f Inflater
			m, err := f.Inflate(msgs[0], 100)
			if err != nil || string(m.Payload) != "Hello" || m.Op != OpText || m.Compressed {
				t.Fatalf("inflate: %+v, %v", m, err)
			}
		})
	}
}

func TestDeflateRoundTripSharesState(t *testing.T) {
	z, err := NewDeflater(flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	var f Inflater
	msgs := []string{"", "a", strings.Repeat("socket.io ", 500), "Hello", strings.Repeat("xyz", 20000)}
	for _, msg := range msgs {
		z.Begin([]byte("prefix"))
		z.Write([]byte(msg[:len(msg)/2]))
		z.Write([]byte(msg[len(msg)/2:]))
		out := z.Finish()
		if !bytes.HasPrefix(out, []byte("prefix")) {
			t.Fatalf("dst not kept: %q", out[:6])
		}
		m, err := f.Inflate(Message{Op: OpText, Payload: out[6:], Compressed: true}, 0)
		if err != nil || string(m.Payload) != msg {
			t.Fatalf("round trip of %d bytes: got %d bytes, %v", len(msg), len(m.Payload), err)
		}
		// Each message stands alone: any inflater decodes it, without the
		// ones before.
		var fresh Inflater
		if m, err := fresh.Inflate(Message{Op: OpBinary, Payload: out[6:], Compressed: true}, 0); err != nil || string(m.Payload) != msg {
			t.Fatalf("fresh inflater: %v", err)
		}
	}
}

func TestInflateUncompressedUntouched(t *testing.T) {
	var f Inflater
	in := Message{Op: OpBinary, Payload: []byte{1, 2, 3}}
	m, err := f.Inflate(in, 1)
	if err != nil || &m.Payload[0] != &in.Payload[0] {
		t.Fatalf("got %+v, %v", m, err)
	}
}

func TestInflateBombIsBounded(t *testing.T) {
	wire := bomb(t, 1<<20)
	if len(wire) > 2000 {
		t.Fatalf("bomb is %d bytes", len(wire))
	}
	var f Inflater
	_, err := f.Inflate(Message{Op: OpBinary, Payload: wire, Compressed: true}, 1000)
	if CloseCodeOf(err) != StatusMessageTooBig {
		t.Fatalf("err = %v, want close 1009", err)
	}
	if cap(f.buf) > 1001 {
		t.Fatalf("inflater grew to %d bytes for a limit of 1000", cap(f.buf))
	}
	// Exactly at the limit is fine.
	m, err := f.Inflate(Message{Op: OpBinary, Payload: bomb(t, 1000), Compressed: true}, 1000)
	if err != nil || len(m.Payload) != 1000 {
		t.Fatalf("at the limit: %d bytes, %v", len(m.Payload), err)
	}
}

func TestInflateErrors(t *testing.T) {
	var f Inflater
	_, err := f.Inflate(Message{Op: OpBinary, Payload: []byte{0xff, 0xff, 0xff}, Compressed: true}, 0)
	if CloseCodeOf(err) != StatusInvalidFramePayloadData {
		t.Fatalf("garbage: err = %v, want close 1007", err)
	}
	_, err = f.Inflate(Message{Op: OpText, Payload: compressed(t, "a\xffb"), Compressed: true}, 0)
	if CloseCodeOf(err) != StatusInvalidFramePayloadData {
		t.Fatalf("bad UTF-8: err = %v, want close 1007", err)
	}
	// The inflater still works after errors.
	m, err := f.Inflate(Message{Op: OpText, Payload: compressed(t, "ok"), Compressed: true}, 0)
	if err != nil || string(m.Payload) != "ok" {
		t.Fatalf("after errors: %q, %v", m.Payload, err)
	}
}

// A message with a final block (BFINAL), as a sender that closes its
// stream writes, inflates too.
func TestInflateFinalBlock(t *testing.T) {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	io.WriteString(w, "closed stream")
	w.Close()
	var f Inflater
	m, err := f.Inflate(Message{Op: OpText, Payload: b.Bytes(), Compressed: true}, 0)
	if err != nil || string(m.Payload) != "closed stream" {
		t.Fatalf("%q, %v", m.Payload, err)
	}
}

func TestDecoderRSV1(t *testing.T) {
	hello := compressed(t, "Hello")
	for _, c := range []struct {
		name    string
		deflate bool
		wire    []byte
		code    StatusCode // 0: accepted
	}{
		{"without deflate", false, rsv1(masked(OpText, true, string(hello))), StatusProtocolError},
		{"on a continuation", true, cat(masked(OpText, false, "a"), rsv1(masked(OpContinuation, true, "b"))), StatusProtocolError},
		{"on a ping", true, rsv1(masked(OpPing, true, "")), StatusProtocolError},
		{"RSV2", true, func() []byte { f := masked(OpText, true, "a"); f[0] |= 0x20; return f }(), StatusProtocolError},
		{"compressed text unchecked until inflated", true, rsv1(masked(OpText, true, "\xff\xfe")), 0},
		{"plain text still checked", true, masked(OpText, true, "\xff"), StatusInvalidFramePayloadData},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeAll(&Decoder{Deflate: c.deflate}, c.wire)
			if c.code == 0 && err != nil || c.code != 0 && CloseCodeOf(err) != c.code {
				t.Fatalf("err = %v, want code %d", err, c.code)
			}
		})
	}
}

// A fragmented compressed message keeps its flag when the connection's
// decoder is detached between fragments, as a loop's shared decoder is.
func TestDecoderDetachKeepsCompressed(t *testing.T) {
	d := &Decoder{Deflate: true}
	p := rsv1(AppendMaskedFrame(nil, OpBinary, false, testMask, []byte{0xf2, 0x48}))
	if _, _, err := d.Next(p); err != nil {
		t.Fatal(err)
	}
	own := d.Detach()
	if d.InMessage() || !own.InMessage() {
		t.Fatal("detach did not move the message")
	}
	m, _, err := own.Next(AppendMaskedFrame(nil, OpContinuation, true, testMask, []byte{0xcd, 0xc9, 0xc9, 0x07, 0x00}))
	if err != nil || !m.Compressed {
		t.Fatalf("m = %+v, %v", m, err)
	}
	var f Inflater
	if m, err = f.Inflate(m, 0); err != nil || string(m.Payload) != "Hello" {
		t.Fatalf("%q, %v", m.Payload, err)
	}
}

func TestAppendCompressedFrameHeader(t *testing.T) {
	for _, n := range []int{0, 125, 126, 70000} {
		h := AppendCompressedFrameHeader([]byte("x"), OpText, n)
		want := AppendFrameHeader([]byte("x"), OpText, true, n)
		want[1] |= bitRsv1
		if !bytes.Equal(h, want) {
			t.Fatalf("length %d: % x, want % x", n, h, want)
		}
	}
}

func FuzzInflate(f *testing.F) {
	f.Add(bomb(f, 1<<20), uint16(1000), true)
	f.Add(compressed(f, "Hello"), uint16(0), true)
	f.Add([]byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, uint16(3), false)
	f.Add([]byte{0x00}, uint16(10), false)
	f.Fuzz(func(t *testing.T, data []byte, limit uint16, text bool) {
		var inf Inflater
		op := OpBinary
		if text {
			op = OpText
		}
		max := int(limit)
		m, err := inf.Inflate(Message{Op: op, Payload: data, Compressed: true}, max)
		if cap(inf.buf) > max+1 && max > 0 {
			t.Fatalf("buffer of %d bytes for a limit of %d", cap(inf.buf), max)
		}
		if err != nil {
			var ce *CloseError
			if !errors.As(err, &ce) || (ce.Code != StatusMessageTooBig && ce.Code != StatusInvalidFramePayloadData) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		if max > 0 && len(m.Payload) > max {
			t.Fatalf("%d bytes past the limit of %d", len(m.Payload), max)
		}
		if m.Compressed {
			t.Fatal("still marked compressed")
		}
	})
}
