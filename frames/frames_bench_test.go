package frames

import (
	"strings"
	"testing"
)

// benchFrame is a masked 64-byte text frame, as a client sends it.
var benchFrame = AppendMaskedFrame(nil, OpText, true, testMask, []byte(strings.Repeat("socket.io", 8)[:64]))

// decodeBench decodes a fresh copy of the frame in buf. Copying the frame
// back costs a little but keeps the input masked, as it arrives.
func decodeBench(d *Decoder, buf []byte) (Message, error) {
	copy(buf, benchFrame)
	m, _, err := d.Next(buf)
	return m, err
}

func BenchmarkDecodeText64(b *testing.B) {
	d := &Decoder{MaxMessageSize: 1 << 20}
	buf := make([]byte, len(benchFrame))
	b.ReportAllocs()
	b.SetBytes(int64(len(benchFrame)))
	for b.Loop() {
		if _, err := decodeBench(d, buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeFragmented(b *testing.B) {
	d := &Decoder{}
	var wire []byte
	wire = AppendMaskedFrame(wire, OpText, false, testMask, []byte(strings.Repeat("a", 32)))
	wire = AppendMaskedFrame(wire, OpContinuation, true, testMask, []byte(strings.Repeat("b", 32)))
	buf := make([]byte, len(wire))
	b.ReportAllocs()
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		copy(buf, wire)
		p := buf
		for len(p) > 0 {
			_, n, err := d.Next(p)
			if err != nil {
				b.Fatal(err)
			}
			p = p[n:]
		}
	}
}

var benchPayload = []byte(strings.Repeat("42[\"message\",\"hello\"]", 3))

func BenchmarkAppendFrame(b *testing.B) {
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPayload)))
	for b.Loop() {
		dst = AppendFrame(dst[:0], OpText, benchPayload)
	}
}

func BenchmarkAcceptKey(b *testing.B) {
	dst := make([]byte, 0, acceptKeyLen)
	key := []byte(rfcKey)
	b.ReportAllocs()
	for b.Loop() {
		dst = AcceptKey(dst[:0], key)
	}
}

func TestSteadyStateNoAlloc(t *testing.T) {
	d := &Decoder{MaxMessageSize: 1 << 20}
	buf := make([]byte, len(benchFrame))
	if a := testing.AllocsPerRun(1000, func() {
		if _, err := decodeBench(d, buf); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf(
			"decoding a 64-byte text frame allocates %v times",
			a,
		)
	}

	dst := make([]byte, 0, 256)
	if a := testing.AllocsPerRun(1000, func() {
		dst = AppendFrame(dst[:0], OpText, benchPayload)
	}); a != 0 {
		t.Errorf(
			"AppendFrame allocates %v times",
			a,
		)
	}

	// Fragmented messages reuse the decoder's buffer once it has grown.
	var wire []byte
	wire = AppendMaskedFrame(wire, OpText, false, testMask, []byte("Hel"))
	wire = AppendMaskedFrame(wire, OpPing, true, testMask, nil)
	wire = AppendMaskedFrame(wire, OpContinuation, true, testMask, []byte("lo"))
	fbuf := make([]byte, len(wire))
	if a := testing.AllocsPerRun(1000, func() {
		copy(fbuf, wire)
		for p := fbuf; len(p) > 0; {
			_, n, err := d.Next(p)
			if err != nil {
				t.Fatal(err)
			}
			p = p[n:]
		}
	}); a != 0 {
		t.Errorf(
			"decoding a fragmented message allocates %v times",
			a,
		)
	}

	cbuf := make([]byte, 0, 256)
	if a := testing.AllocsPerRun(1000, func() {
		cbuf = AppendClose(cbuf[:0], 1001, "going away")
		cbuf = AppendFrameHeader(cbuf, OpBinary, false, 70000)
	}); a != 0 {
		t.Errorf(
			"AppendClose/AppendFrameHeader allocate %v times",
			a,
		)
	}
}
