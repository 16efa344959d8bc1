package frames

import (
	"bytes"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

// Cross-checks against github.com/gobwas/ws, an independent implementation.

var compatPayloads = [][]byte{
	{},
	[]byte("Hello"),
	bytes.Repeat([]byte("0123456789"), 13), // 130: 16-bit length
	bytes.Repeat([]byte("abcdefgh"), 9000), // 72000: 64-bit length
	bytes.Repeat([]byte{0xff, 0x00, 0x7f}, 42), // binary
}

func TestDecodeGobwasFrames(t *testing.T) {
	for _, payload := range compatPayloads {
		for _, op := range []OpCode{OpText, OpBinary, OpPing, OpClose} {
			if op.IsControl() && len(payload) > ws.MaxControlFramePayloadSize {
				continue
			}
			if op != OpBinary && !utf8.Valid(payload) {
				continue
			}
			body := payload
			if op == OpClose && len(payload) > 0 {
				body = ws.NewCloseFrameBody(ws.StatusGoingAway, string(payload[:min(len(payload), 100)]))
			}
			var buf bytes.Buffer
			err := ws.WriteFrame(&buf, ws.MaskFrame(ws.NewFrame(op, true, bytes.Clone(body))))
			if err != nil {
				t.Fatal(err)
			}
			wire := buf.Bytes()
			m, n, err := new(Decoder).Next(wire)
			if err != nil || n != len(wire) || m.Op != op || !bytes.Equal(m.Payload, body) {
				t.Fatalf(
					"op %v len %d: n=%d/%d op=%v err=%v",
					op, len(body), n, len(wire), m.Op, err,
				)
			}
		}
	}

	// A fragmented message with a ping in the middle.
	var buf bytes.Buffer
	frames := []ws.Frame{
		ws.NewFrame(OpText, false, []byte("frag")),
		ws.NewPingFrame([]byte("ping")),
		ws.NewFrame(OpContinuation, false, []byte("men")),
		ws.NewFrame(OpContinuation, true, []byte("ted")),
	}
	for _, f := range frames {
		if err := ws.WriteFrame(&buf, ws.MaskFrame(f)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := decodeAll(new(Decoder), buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, got, []Message{
		{Op: OpPing, Payload: []byte("ping")},
		{Op: OpText, Payload: []byte("fragmented")},
	})
}

func TestGobwasReadsOurFrames(t *testing.T) {
	for _, payload := range compatPayloads {
		for _, op := range []OpCode{OpText, OpBinary, OpPong} {
			if op.IsControl() && len(payload) > ws.MaxControlFramePayloadSize {
				continue
			}
			check := func(name string, wire []byte, wantMasked bool, fin bool) {
				f, err := ws.ReadFrame(bytes.NewReader(wire))
				if err != nil {
					t.Fatalf(
						"%s: %v",
						name, err,
					)
				}
				masked := f.Header.Masked
				if masked {
					f = ws.UnmaskFrameInPlace(f)
				}
				if f.Header.OpCode != op || f.Header.Fin != fin || masked != wantMasked ||
					f.Header.Rsv != 0 || !bytes.Equal(f.Payload, payload) {
					t.Fatalf(
						"%s: op %v len %d: read back %+v",
						name, op, len(payload), f.Header,
					)
				}
			}
			check("AppendFrame", AppendFrame(nil, op, payload), false, true)
			check("AppendFrameHeader", append(AppendFrameHeader(nil, op, op.IsControl(), len(payload)), payload...), false, op.IsControl())
			check("AppendMaskedFrame", AppendMaskedFrame(nil, op, true, [4]byte{9, 8, 7, 6}, payload), true, true)
		}
	}

	// Close frames.
	f, err := ws.ReadFrame(bytes.NewReader(AppendClose(nil, ws.StatusPolicyViolation, "nope")))
	if err != nil {
		t.Fatal(err)
	}
	code, reason := ws.ParseCloseFrameData(f.Payload)
	if f.Header.OpCode != OpClose || code != ws.StatusPolicyViolation || reason != "nope" {
		t.Fatalf(
			"close read back as %+v, %d %q",
			f.Header, code, reason,
		)
	}
	if err := ws.CheckCloseFrameData(code, reason); err != nil {
		t.Fatal(err)
	}

	// Nothing left over.
	r := bytes.NewReader(AppendFrame(nil, OpText, []byte("x")))
	if _, err := ws.ReadFrame(r); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.ReadFrame(r); err != io.EOF {
		t.Fatalf(
			"after the frame: %v",
			err,
		)
	}
}
