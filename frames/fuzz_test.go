package frames

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

func FuzzDecoder(f *testing.F) {
	seeds := [][]byte{
		rfcUnmaskedHello,
		rfcMaskedHello,
		cat(rfcFragment1, rfcFragment2),
		rfcPing,
		rfcMaskedPong,
		rfcBinary(256),
		AppendMaskedFrame(nil, OpBinary, true, testMask, rfcBinary(256)[4:]),
		cat(masked(OpText, false, "Hel"), masked(OpPing, true, "x"), masked(OpContinuation, true, "lo")),
		masked(OpClose, true, "\x03\xe8bye"),
		masked(OpText, true, "a\xe2\x82\xac"),
	}
	for _, s := range seeds {
		f.Add(s, true, uint16(0))
		f.Add(s, false, uint16(100))
	}
	f.Fuzz(func(t *testing.T, data []byte, allowUnmasked bool, limit uint16) {
		d := &Decoder{AllowUnmasked: allowUnmasked, MaxMessageSize: int(limit)}
		p := bytes.Clone(data)
		for len(p) > 0 {
			m, n, err := d.Next(p)
			if n < 0 || n > len(p) {
				t.Fatalf(
					"n = %d with %d bytes",
					n, len(p),
				)
			}
			if err != nil {
				var ce *CloseError
				if n != 0 || (!errors.Is(err, ErrNeedMore) && !errors.As(err, &ce)) {
					t.Fatalf(
						"n = %d, err = %v",
						n, err,
					)
				}
				return
			}
			if n == 0 {
				t.Fatal("no progress without an error")
			}
			checkFuzzMessage(t, d, m)
			p = p[n:]
		}
	})
}

func checkFuzzMessage(t *testing.T, d *Decoder, m Message) {
	switch m.Op {
	case OpContinuation:
		if m.Payload != nil {
			t.Fatal("payload with a consumed fragment")
		}
	case OpText, OpBinary:
		if m.Op == OpText && !utf8.Valid(m.Payload) {
			t.Fatalf(
				"invalid UTF-8 text delivered: %q",
				m.Payload,
			)
		}
		if d.MaxMessageSize > 0 && len(m.Payload) > d.MaxMessageSize {
			t.Fatalf(
				"message of %d bytes over the limit %d",
				len(m.Payload), d.MaxMessageSize,
			)
		}
		want := bytes.Clone(m.Payload)
		frame := AppendMaskedFrame(nil, m.Op, true, [4]byte{1, 2, 3, 4}, want)
		m2, n2, err := new(Decoder).Next(frame)
		if err != nil || n2 != len(frame) || m2.Op != m.Op || !bytes.Equal(m2.Payload, want) {
			t.Fatalf(
				"re-encoded message decodes as %v %q, n=%d, err=%v",
				m2.Op, m2.Payload, n2, err,
			)
		}
	case OpClose, OpPing, OpPong:
		if len(m.Payload) > ws.MaxControlFramePayloadSize {
			t.Fatalf(
				"control payload of %d bytes",
				len(m.Payload),
			)
		}
		if m.Op == OpClose {
			if len(m.Payload) == 0 && m.CloseCode != StatusNoStatusRcvd {
				t.Fatalf(
					"empty close with code %d",
					m.CloseCode,
				)
			}
			if len(m.Payload) > 0 && (!validCloseCode(m.CloseCode) || !utf8.Valid(m.CloseReason)) {
				t.Fatalf(
					"bad close delivered: %d %q",
					m.CloseCode, m.CloseReason,
				)
			}
		}
	default:
		t.Fatalf(
			"opcode %v delivered",
			m.Op,
		)
	}
}
