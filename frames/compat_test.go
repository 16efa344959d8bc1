package frames

import (
	"bytes"
	"errors"
	"io"
	"math"
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
	f, err := ws.ReadFrame(bytes.NewReader(AppendClose(nil, StatusPolicyViolation, "nope")))
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

// FuzzHeaderAgainstGobwas checks that the decoder accepts exactly the frame
// headers that gobwas/ws reads and checks as valid for a server, and agrees
// on their fields, with or without a fragmented message in progress.
func FuzzHeaderAgainstGobwas(f *testing.F) {
	for _, s := range [][]byte{
		rfcMaskedHello,
		rfcMaskedPong,
		rfcUnmaskedHello,
		rfcFragment1,
		AppendMaskedFrame(nil, OpBinary, true, testMask, make([]byte, 300)),
		AppendMaskedFrame(nil, OpBinary, false, testMask, make([]byte, 70000))[:14],
		{0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4},
		masked(OpContinuation, true, "x"),
		masked(OpPing, false, "x"),
		setByte0(masked(OpText, true, "x"), 0x40),
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, fragmented bool) {
		d := &Decoder{}
		state := ws.StateServerSide
		if fragmented {
			start := masked(OpBinary, false, "")
			if _, _, err := d.Next(start); err != nil {
				t.Fatal(err)
			}
			state = state.Set(ws.StateFragmented)
		}
		ours, ourErr := d.parseHeader(bytes.Clone(data))

		theirs, theirErr := ws.ReadHeader(bytes.NewReader(data))
		if theirErr == nil {
			theirErr = ws.CheckHeader(theirs, state)
		}
		if errors.Is(ourErr, ErrNeedMore) {
			// gobwas reads the whole header before checking anything, so
			// it can only have found a problem we have not got to yet or
			// run out of bytes.
			if theirErr == nil {
				t.Fatalf(
					"we need more, gobwas reads %+v from % x",
					theirs, data,
				)
			}
			return
		}
		if (ourErr == nil) != (theirErr == nil) {
			// We reject as soon as the first bytes show a problem, while
			// gobwas may still be missing bytes it wants first.
			if ourErr != nil && (errors.Is(theirErr, io.EOF) || errors.Is(theirErr, io.ErrUnexpectedEOF)) {
				return
			}
			// A control frame with a 16- or 64-bit length is over 125 bytes
			// for us as soon as we see the marker, even when the length is
			// (non-minimally) encoded as small.
			if theirErr == nil && theirs.OpCode.IsControl() && data[1]&0x7f >= 126 {
				return
			}
			// A frame that cannot fit in memory is too big for us.
			if theirErr == nil && CloseCodeOf(ourErr) == StatusMessageTooBig &&
				theirs.Length > math.MaxInt-int64(ws.MaxHeaderSize) {
				return
			}
			t.Fatalf(
				"on % x: our error %v, gobwas error %v",
				data, ourErr, theirErr,
			)
		}
		if ourErr != nil {
			return
		}
		if ours.fin != theirs.Fin || ours.op != theirs.OpCode || !ours.masked ||
			ours.mask != theirs.Mask || int64(ours.length) != theirs.Length ||
			ours.size != headerSizeOnWire(data) {
			t.Fatalf(
				"on % x: we read %+v, gobwas %+v",
				data, ours, theirs,
			)
		}
	})
}

// headerSizeOnWire is the size of the masked header at the start of p, from
// its length marker: ws.HeaderSize gives the size of the minimal encoding,
// and peers may send longer ones.
func headerSizeOnWire(p []byte) int {
	switch p[1] & 0x7f {
	case 126:
		return 2 + 2 + 4
	case 127:
		return 2 + 8 + 4
	}
	return 2 + 4
}

// The package's status codes are gobwas/ws's, whose numbers are RFC 6455's.
func TestStatusCodesMatchGobwas(t *testing.T) {
	for _, c := range []struct {
		ours   StatusCode
		gobwas ws.StatusCode
	}{
		{StatusNormalClosure, ws.StatusNormalClosure},
		{StatusGoingAway, ws.StatusGoingAway},
		{StatusProtocolError, ws.StatusProtocolError},
		{StatusUnsupportedData, ws.StatusUnsupportedData},
		{StatusNoStatusRcvd, ws.StatusNoStatusRcvd},
		{StatusInvalidFramePayloadData, ws.StatusInvalidFramePayloadData},
		{StatusPolicyViolation, ws.StatusPolicyViolation},
		{StatusMessageTooBig, ws.StatusMessageTooBig},
	} {
		if uint16(c.ours) != uint16(c.gobwas) {
			t.Errorf("status %d, gobwas/ws says %d", c.ours, c.gobwas)
		}
	}
}
