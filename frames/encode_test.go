package frames

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

func TestFrameHeaderLen(t *testing.T) {
	tests := []struct {
		length int
		want   int
	}{
		{length: 0, want: 2},
		{length: 125, want: 2},
		{length: 126, want: 4},
		{length: 65535, want: 4},
		{length: 65536, want: 10},
		{length: 1 << 40, want: 10},
	}
	for _, tt := range tests {
		if got := FrameHeaderLen(tt.length); got != tt.want {
			t.Errorf(
				"FrameHeaderLen(%d) = %d, want %d",
				tt.length, got, tt.want,
			)
		}
		h := AppendFrameHeader(nil, OpBinary, true, tt.length)
		if len(h) != tt.want {
			t.Errorf(
				"AppendFrameHeader(%d) is %d bytes, want %d",
				tt.length, len(h), tt.want,
			)
		}
		if got := ws.HeaderSize(ws.Header{Length: int64(tt.length)}); got != tt.want {
			t.Errorf(
				"ws.HeaderSize(%d) = %d, we say %d",
				tt.length, got, tt.want,
			)
		}
	}
}

func TestAppendFrameRFCExamples(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		{
			name: "unmasked text",
			got:  AppendFrame(nil, OpText, []byte("Hello")),
			want: rfcUnmaskedHello,
		},
		{
			name: "masked text",
			got:  AppendMaskedFrame(nil, OpText, true, testMask, []byte("Hello")),
			want: rfcMaskedHello,
		},
		{
			name: "first fragment",
			got:  append(AppendFrameHeader(nil, OpText, false, 3), "Hel"...),
			want: rfcFragment1,
		},
		{
			name: "last fragment",
			got:  append(AppendFrameHeader(nil, OpContinuation, true, 2), "lo"...),
			want: rfcFragment2,
		},
		{
			name: "ping",
			got:  AppendFrame(nil, OpPing, []byte("Hello")),
			want: rfcPing,
		},
		{
			name: "masked pong",
			got:  AppendMaskedFrame(nil, OpPong, true, testMask, []byte("Hello")),
			want: rfcMaskedPong,
		},
		{
			name: "256 bytes",
			got:  AppendFrame(nil, OpBinary, rfcBinary(256)[4:]),
			want: rfcBinary(256),
		},
		{
			name: "64 KiB",
			got:  AppendFrame(nil, OpBinary, rfcBinary(65536)[10:]),
			want: rfcBinary(65536),
		},
	}
	for _, tt := range tests {
		if !bytes.Equal(tt.got, tt.want) {
			t.Errorf(
				"%s: got % x, want % x",
				tt.name, head(tt.got), head(tt.want),
			)
		}
	}
}

func head(p []byte) []byte {
	return p[:min(len(p), 16)]
}

func TestAppendMaskedFrameKeepsPayload(t *testing.T) {
	payload := []byte("Hello, world")
	AppendMaskedFrame(nil, OpText, true, testMask, payload)
	if string(payload) != "Hello, world" {
		t.Fatal("payload modified")
	}
}

func TestAppendFrameHeaderNegative(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	AppendFrameHeader(nil, OpText, true, -1)
}

func TestMaskedRoundTrip(t *testing.T) {
	sizes := []int{0, 1, 3, 4, 15, 16, 17, 64, 125, 126, 127, 1000, 65535, 65536, 70000}
	masks := [][4]byte{{0, 0, 0, 0}, {1, 2, 3, 4}, {0xff, 0x00, 0xaa, 0x55}}
	for _, size := range sizes {
		for _, mask := range masks {
			for _, op := range []OpCode{OpText, OpBinary} {
				payload := []byte(strings.Repeat("x", size))
				if op == OpBinary {
					for i := range payload {
						payload[i] = byte(i*31 + size)
					}
				}
				frame := AppendMaskedFrame([]byte("junk"), op, true, mask, payload)[4:]
				m, n, err := new(Decoder).Next(frame)
				if err != nil || n != len(frame) || m.Op != op || !bytes.Equal(m.Payload, payload) {
					t.Fatalf(
						"size %d mask %v op %v: n=%d/%d op=%v err=%v",
						size, mask, op, n, len(frame), m.Op, err,
					)
				}
			}
		}
	}
	// Fragmented: a message cut into pieces of every size.
	msg := []byte(strings.Repeat("αβγ-", 50))
	for piece := 1; piece <= len(msg); piece += 7 {
		var stream []byte
		for i := 0; i < len(msg); i += piece {
			op := OpText
			if i > 0 {
				op = OpContinuation
			}
			end := min(i+piece, len(msg))
			stream = AppendMaskedFrame(stream, op, end == len(msg), testMask, msg[i:end])
		}
		got, err := decodeAll(new(Decoder), stream)
		if err != nil {
			t.Fatalf(
				"piece %d: %v",
				piece, err,
			)
		}
		checkMessages(t, got, []Message{{Op: OpText, Payload: msg}})
	}
	// Close frames.
	frame := AppendClose(nil, StatusGoingAway, "bye")
	got, err := decodeAll(&Decoder{AllowUnmasked: true}, frame)
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, got, []Message{{
		Op:          OpClose,
		Payload:     []byte("\x03\xe9bye"),
		CloseCode:   StatusGoingAway,
		CloseReason: []byte("bye"),
	}})
}

func TestAppendClose(t *testing.T) {
	tests := []struct {
		name   string
		code   StatusCode
		reason string
		want   []byte
	}{
		{
			name: "normal",
			code: StatusNormalClosure,
			want: []byte{0x88, 0x02, 0x03, 0xe8},
		},
		{
			name:   "with reason",
			code:   StatusProtocolError,
			reason: "bad",
			want:   []byte{0x88, 0x05, 0x03, 0xea, 'b', 'a', 'd'},
		},
		{
			name:   "no status",
			code:   StatusNoStatusRcvd,
			reason: "dropped",
			want:   []byte{0x88, 0x00},
		},
		{
			name: "zero code",
			code: 0,
			want: []byte{0x88, 0x00},
		},
	}
	for _, tt := range tests {
		if got := AppendClose(nil, tt.code, tt.reason); !bytes.Equal(got, tt.want) {
			t.Errorf(
				"%s: got % x, want % x",
				tt.name, got, tt.want,
			)
		}
	}

	// Long reasons are cut at a character boundary to fit 125 bytes.
	for _, reason := range []string{
		strings.Repeat("a", 200),
		strings.Repeat("é", 100),
		strings.Repeat("€", 100),
		strings.Repeat("𝄞", 100),
		"a" + strings.Repeat("𝄞", 100),
		"ab" + strings.Repeat("𝄞", 100),
		strings.Repeat("a", 123),
	} {
		frame := AppendClose(nil, StatusGoingAway, reason)
		if len(frame) > 2+ws.MaxControlFramePayloadSize {
			t.Fatalf(
				"close frame of %d bytes",
				len(frame),
			)
		}
		r := frame[4:]
		if !utf8.Valid(r) || !strings.HasPrefix(reason, string(r)) || len(r) < maxCloseReason-3 {
			t.Fatalf(
				"reason cut to %q",
				r,
			)
		}
		if _, err := decodeAll(&Decoder{AllowUnmasked: true}, frame); err != nil {
			t.Fatal(err)
		}
	}
}
