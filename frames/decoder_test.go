package frames

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var testMask = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// masked returns a masked client frame.
func masked(op OpCode, fin bool, payload string) []byte {
	return AppendMaskedFrame(nil, op, fin, testMask, []byte(payload))
}

// cat concatenates frames.
func cat(frames ...[]byte) []byte {
	return slices.Concat(frames...)
}

// decodeAll decodes every frame of p with d and returns the messages
// delivered (fragments consumed are left out) and the first error.
func decodeAll(d *Decoder, p []byte) ([]Message, error) {
	p = slices.Clone(p)
	var out []Message
	for len(p) > 0 {
		m, n, err := d.Next(p)
		if err != nil {
			return out, err
		}
		if n <= 0 || n > len(p) {
			panic("bad n")
		}
		if m.Op != OpContinuation {
			m.Payload = slices.Clone(m.Payload)
			m.CloseReason = slices.Clone(m.CloseReason)
			out = append(out, m)
		}
		p = p[n:]
	}
	return out, nil
}

// RFC 6455 section 5.7.
var (
	rfcUnmaskedHello = []byte{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}
	rfcMaskedHello   = []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}
	rfcFragment1     = []byte{0x01, 0x03, 0x48, 0x65, 0x6c}
	rfcFragment2     = []byte{0x80, 0x02, 0x6c, 0x6f}
	rfcPing          = []byte{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}
	rfcMaskedPong    = []byte{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}
)

func rfcBinary(n int) []byte {
	var p []byte
	if n == 256 {
		p = []byte{0x82, 0x7e, 0x01, 0x00}
	} else {
		p = []byte{0x82, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}
	}
	body := make([]byte, n)
	for i := range body {
		body[i] = byte(i * 7)
	}
	return append(p, body...)
}

func TestDecodeRFCExamples(t *testing.T) {
	tests := []struct {
		name     string
		input    []byte
		unmasked bool
		want     []Message
	}{
		{
			name:     "single-frame unmasked text",
			input:    rfcUnmaskedHello,
			unmasked: true,
			want:     []Message{{Op: OpText, Payload: []byte("Hello")}},
		},
		{
			name:  "single-frame masked text",
			input: rfcMaskedHello,
			want:  []Message{{Op: OpText, Payload: []byte("Hello")}},
		},
		{
			name:     "fragmented unmasked text",
			input:    cat(rfcFragment1, rfcFragment2),
			unmasked: true,
			want:     []Message{{Op: OpText, Payload: []byte("Hello")}},
		},
		{
			name:     "unmasked ping",
			input:    rfcPing,
			unmasked: true,
			want:     []Message{{Op: OpPing, Payload: []byte("Hello")}},
		},
		{
			name:  "masked pong",
			input: rfcMaskedPong,
			want:  []Message{{Op: OpPong, Payload: []byte("Hello")}},
		},
		{
			name:     "256 bytes binary",
			input:    rfcBinary(256),
			unmasked: true,
			want:     []Message{{Op: OpBinary, Payload: rfcBinary(256)[4:]}},
		},
		{
			name:     "64 KiB binary",
			input:    rfcBinary(65536),
			unmasked: true,
			want:     []Message{{Op: OpBinary, Payload: rfcBinary(65536)[10:]}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Decoder{AllowUnmasked: tt.unmasked}
			got, err := decodeAll(d, tt.input)
			if err != nil {
				t.Fatal(err)
			}
			checkMessages(t, got, tt.want)
			if !tt.unmasked {
				return
			}
			// A server decoder refuses them.
			_, err = decodeAll(&Decoder{}, tt.input)
			if CloseCodeOf(err) != StatusProtocolError {
				t.Fatalf(
					"unmasked frame accepted by a server decoder: %v",
					err,
				)
			}
		})
	}
}

func checkMessages(t *testing.T, got, want []Message) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf(
			"got %d messages, want %d: %+v",
			len(got), len(want), got,
		)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Op != w.Op ||
			!bytes.Equal(g.Payload, w.Payload) ||
			g.CloseCode != w.CloseCode ||
			!bytes.Equal(g.CloseReason, w.CloseReason) {
			t.Errorf(
				"message %d:\n got %+v\nwant %+v",
				i, g, w,
			)
		}
	}
}

func TestDecodeUnmasksInPlace(t *testing.T) {
	p := slices.Clone(rfcMaskedHello)
	m, n, err := new(Decoder).Next(p)
	if err != nil || n != len(p) {
		t.Fatalf(
			"Next = %d, %v",
			n, err,
		)
	}
	if &m.Payload[0] != &p[6] {
		t.Fatal("payload is not a view into the input")
	}
	if string(p[6:]) != "Hello" {
		t.Fatalf(
			"input not unmasked in place: %q",
			p[6:],
		)
	}
}

// splitFeed feeds every prefix of input to a fresh decoder and checks that
// each gives ErrNeedMore, or else the same error as the whole input.
func splitFeed(t *testing.T, newDecoder func() *Decoder, input []byte) {
	t.Helper()
	_, wantErr := decodeAll(newDecoder(), input)
	for i := range input {
		// Big inputs: every prefix near either end, and a sample between.
		if len(input) > 4096 && i > 64 && i < len(input)-64 && i%997 != 0 {
			continue
		}
		d := newDecoder()
		buf := slices.Clone(input[:i])
		for {
			m, n, err := d.Next(buf)
			if errors.Is(err, ErrNeedMore) {
				if n != 0 || m.Op != 0 || m.Payload != nil {
					t.Fatalf(
						"prefix %d: ErrNeedMore with n=%d, m=%+v",
						i, n, m,
					)
				}
				break
			}
			if err != nil {
				if wantErr == nil || CloseCodeOf(err) != CloseCodeOf(wantErr) {
					t.Fatalf(
						"prefix %d: error %v, whole input gives %v",
						i, err, wantErr,
					)
				}
				break
			}
			buf = buf[n:]
			if len(buf) == 0 {
				break
			}
		}
	}
}

func TestSplitFeed(t *testing.T) {
	inputs := map[string][]byte{
		"masked hello": rfcMaskedHello,
		"masked pong":  rfcMaskedPong,
		"256 binary":   AppendMaskedFrame(nil, OpBinary, true, testMask, rfcBinary(256)[4:]),
		"64k binary":   AppendMaskedFrame(nil, OpBinary, true, testMask, make([]byte, 65536)),
		"fragments": cat(
			masked(OpText, false, "Hel"),
			masked(OpPing, true, "p"),
			masked(OpContinuation, true, "lo"),
		),
		"close": masked(OpClose, true, "\x03\xe8bye"),
	}
	for name, input := range inputs {
		t.Run(name, func(t *testing.T) {
			splitFeed(t, func() *Decoder { return &Decoder{} }, input)
			// The whole input decodes without leftovers.
			d := &Decoder{}
			buf := slices.Clone(input)
			for len(buf) > 0 {
				_, n, err := d.Next(buf)
				if err != nil {
					t.Fatal(err)
				}
				buf = buf[n:]
			}
		})
	}
	// A stream fed one byte at a time, as an event loop would see it.
	stream := cat(
		masked(OpText, false, "Hé"),
		masked(OpPing, true, ""),
		masked(OpContinuation, false, "ll"),
		masked(OpContinuation, true, "o"),
		masked(OpBinary, true, "\x00\x01"),
		masked(OpClose, true, ""),
	)
	d := &Decoder{}
	var got []Message
	var buf []byte
	for _, b := range stream {
		buf = append(buf, b)
		for {
			m, n, err := d.Next(buf)
			if errors.Is(err, ErrNeedMore) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Op != OpContinuation {
				m.Payload = slices.Clone(m.Payload)
				got = append(got, m)
			}
			buf = buf[n:]
		}
	}
	checkMessages(t, got, []Message{
		{Op: OpPing, Payload: []byte{}},
		{Op: OpText, Payload: []byte("Héllo")},
		{Op: OpBinary, Payload: []byte{0, 1}},
		{Op: OpClose, Payload: []byte{}, CloseCode: StatusNoStatusRcvd},
	})
}

func TestInterleavedControlFrames(t *testing.T) {
	d := &Decoder{}
	input := cat(
		masked(OpBinary, false, "ab"),
		masked(OpPing, true, "1"),
		masked(OpContinuation, false, "cd"),
		masked(OpPong, true, "2"),
		masked(OpContinuation, false, ""),
		masked(OpClose, true, "\x03\xe8"),
		masked(OpContinuation, true, "ef"),
		masked(OpText, true, "next"),
	)
	buf := slices.Clone(input)
	var ops []OpCode
	var last Message
	for len(buf) > 0 {
		m, n, err := d.Next(buf)
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, m.Op)
		if m.Op == OpBinary {
			last = m
			last.Payload = slices.Clone(m.Payload)
		}
		if m.Op == OpPing && string(m.Payload) != "1" {
			t.Fatalf(
				"ping payload %q",
				m.Payload,
			)
		}
		buf = buf[n:]
	}
	want := []OpCode{0, OpPing, 0, OpPong, 0, OpClose, OpBinary, OpText}
	if !slices.Equal(ops, want) {
		t.Fatalf(
			"ops %v, want %v",
			ops, want,
		)
	}
	if string(last.Payload) != "abcdef" {
		t.Fatalf(
			"reassembled %q",
			last.Payload,
		)
	}
}

func TestProtocolErrors(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		code  StatusCode
	}{
		{
			name:  "rsv1",
			input: setByte0(masked(OpText, true, "a"), 0x40),
			code:  StatusProtocolError,
		},
		{
			name:  "rsv2",
			input: setByte0(masked(OpText, true, "a"), 0x20),
			code:  StatusProtocolError,
		},
		{
			name:  "rsv3",
			input: setByte0(masked(OpPing, true, "a"), 0x10),
			code:  StatusProtocolError,
		},
		{
			name:  "reserved data opcode",
			input: masked(0x3, true, "a"),
			code:  StatusProtocolError,
		},
		{
			name:  "reserved control opcode",
			input: masked(0xb, true, "a"),
			code:  StatusProtocolError,
		},
		{
			name:  "fragmented ping",
			input: masked(OpPing, false, "a"),
			code:  StatusProtocolError,
		},
		{
			name:  "fragmented close",
			input: masked(OpClose, false, ""),
			code:  StatusProtocolError,
		},
		{
			name:  "ping of 126 bytes",
			input: masked(OpPing, true, strings.Repeat("a", 126)),
			code:  StatusProtocolError,
		},
		{
			name:  "continuation first",
			input: masked(OpContinuation, true, "a"),
			code:  StatusProtocolError,
		},
		{
			name:  "continuation after a whole message",
			input: cat(masked(OpText, true, "a"), masked(OpContinuation, true, "b")),
			code:  StatusProtocolError,
		},
		{
			name:  "text while a message is in progress",
			input: cat(masked(OpText, false, "a"), masked(OpText, true, "b")),
			code:  StatusProtocolError,
		},
		{
			name:  "binary while a message is in progress",
			input: cat(masked(OpBinary, false, "a"), masked(OpBinary, false, "b")),
			code:  StatusProtocolError,
		},
		{
			name:  "unmasked",
			input: AppendFrame(nil, OpText, []byte("a")),
			code:  StatusProtocolError,
		},
		{
			name:  "64-bit length with the top bit set",
			input: []byte{0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4},
			code:  StatusProtocolError,
		},
		{
			name:  "invalid UTF-8 text",
			input: masked(OpText, true, "a\xffb"),
			code:  StatusInvalidFramePayloadData,
		},
		{
			name:  "surrogate in text",
			input: masked(OpText, true, "\xed\xa0\x80"),
			code:  StatusInvalidFramePayloadData,
		},
		{
			name:  "truncated character ends a text message",
			input: masked(OpText, true, "a\xe2\x82"),
			code:  StatusInvalidFramePayloadData,
		},
		{
			name:  "truncated character ends fragmented text",
			input: cat(masked(OpText, false, "a"), masked(OpContinuation, true, "\xe2\x82")),
			code:  StatusInvalidFramePayloadData,
		},
		{
			name:  "invalid UTF-8 in a middle fragment",
			input: cat(masked(OpText, false, "a"), masked(OpContinuation, false, "\xc0\xaf"), masked(OpContinuation, true, "b")),
			code:  StatusInvalidFramePayloadData,
		},
		{
			name:  "close payload of one byte",
			input: masked(OpClose, true, "\x03"),
			code:  StatusProtocolError,
		},
		{
			name:  "close reason not UTF-8",
			input: masked(OpClose, true, "\x03\xe8\xff"),
			code:  StatusProtocolError,
		},
	}
	for _, code := range []int{0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535} {
		tests = append(tests, struct {
			name  string
			input []byte
			code  StatusCode
		}{
			name:  "close code " + strconv.Itoa(code),
			input: masked(OpClose, true, string([]byte{byte(code >> 8), byte(code)})),
			code:  StatusProtocolError,
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeAll(&Decoder{}, tt.input)
			var ce *CloseError
			if !errors.As(err, &ce) {
				t.Fatalf(
					"error %v, want a *CloseError",
					err,
				)
			}
			if ce.Code != tt.code || CloseCodeOf(err) != tt.code {
				t.Fatalf(
					"code %d, want %d (%v)",
					ce.Code, tt.code, err,
				)
			}
			// Each prefix either needs more or fails the same way.
			splitFeed(t, func() *Decoder { return &Decoder{} }, tt.input)
		})
	}
}

func setByte0(p []byte, bits byte) []byte {
	p[0] |= bits
	return p
}

func TestValidClose(t *testing.T) {
	for _, code := range []StatusCode{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999} {
		input := masked(OpClose, true, string([]byte{byte(code >> 8), byte(code)})+"bye ✓")
		got, err := decodeAll(&Decoder{}, input)
		if err != nil {
			t.Fatalf(
				"close code %d: %v",
				code, err,
			)
		}
		checkMessages(t, got, []Message{{
			Op:          OpClose,
			Payload:     append([]byte{byte(code >> 8), byte(code)}, "bye ✓"...),
			CloseCode:   code,
			CloseReason: []byte("bye ✓"),
		}})
	}
	got, err := decodeAll(&Decoder{}, masked(OpClose, true, ""))
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, got, []Message{{
		Op:        OpClose,
		Payload:   []byte{},
		CloseCode: StatusNoStatusRcvd,
	}})
}

func TestFragmentedUTF8(t *testing.T) {
	// "€" is e2 82 ac and "𝄞" is f0 9d 84 9e: split them across fragments,
	// with a ping in between.
	d := &Decoder{}
	got, err := decodeAll(d, cat(
		masked(OpText, false, "a\xe2"),
		masked(OpContinuation, false, "\x82"),
		masked(OpPing, true, ""),
		masked(OpContinuation, false, "\xac\xf0\x9d\x84"),
		masked(OpContinuation, false, ""),
		masked(OpContinuation, true, "\x9e!"),
	))
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, got, []Message{
		{Op: OpPing, Payload: []byte{}},
		{Op: OpText, Payload: []byte("a€𝄞!")},
	})

	// A bad sequence fails on the fragment that shows it, before the message
	// ends.
	d = &Decoder{}
	buf := cat(masked(OpText, false, "ok"), masked(OpContinuation, false, "\xf0\x28"))
	_, n, err := d.Next(buf)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = d.Next(buf[n:])
	if CloseCodeOf(err) != StatusInvalidFramePayloadData {
		t.Fatalf(
			"error %v, want 1007",
			err,
		)
	}

	// Binary messages are not checked.
	got, err = decodeAll(&Decoder{}, cat(masked(OpBinary, false, "\xff"), masked(OpContinuation, true, "\xfe")))
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, got, []Message{{Op: OpBinary, Payload: []byte{0xff, 0xfe}}})
}

func TestValidUTF8Prefix(t *testing.T) {
	tests := []struct {
		in    string
		final bool
		n     int
		ok    bool
	}{
		{in: "", final: false, n: 0, ok: true},
		{in: "abc", final: false, n: 3, ok: true},
		{in: "ab\xe2\x82", final: false, n: 2, ok: true},
		{in: "ab\xe2\x82", final: true, n: 0, ok: false},
		{in: "\xf0\x9d\x84", final: false, n: 0, ok: true},
		{in: "\xf0", final: false, n: 0, ok: true},
		{in: "\xf0\x80", final: false, n: 0, ok: false},
		{in: "\xed\xa0", final: false, n: 0, ok: false},
		{in: "\xc0", final: false, n: 0, ok: false},
		{in: "a\x80", final: false, n: 0, ok: false},
		{in: "a\x80\x80\x80", final: false, n: 0, ok: false},
		{in: "\xff\xe2\x82", final: false, n: 0, ok: false},
		{in: "\xe2\x82a", final: false, n: 0, ok: false},
	}
	for _, tt := range tests {
		n, ok := validUTF8Prefix([]byte(tt.in), tt.final)
		if ok != tt.ok || (ok && n != tt.n) {
			t.Errorf(
				"validUTF8Prefix(%q, %v) = %d, %v; want %d, %v",
				tt.in, tt.final, n, ok, tt.n, tt.ok,
			)
		}
	}
}

func TestMaxMessageSize(t *testing.T) {
	tooBig := func(t *testing.T, err error) {
		t.Helper()
		var ce *CloseError
		if !errors.As(err, &ce) || ce.Code != StatusMessageTooBig {
			t.Fatalf(
				"error %v, want 1009",
				err,
			)
		}
	}

	// At the limit is fine.
	got, err := decodeAll(&Decoder{MaxMessageSize: 5}, masked(OpText, true, "Hello"))
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, got, []Message{{Op: OpText, Payload: []byte("Hello")}})

	// Over it fails from the header alone, before the payload arrives.
	frame := AppendMaskedFrame(nil, OpBinary, true, testMask, make([]byte, 1000))
	_, n, err := (&Decoder{MaxMessageSize: 999}).Next(frame[:2])
	if !errors.Is(err, ErrNeedMore) || n != 0 {
		t.Fatalf(
			"Next(2 bytes) = %d, %v; the 16-bit length is not there yet",
			n, err,
		)
	}
	_, n, err = (&Decoder{MaxMessageSize: 999}).Next(frame[:4])
	if n != 0 {
		t.Fatalf(
			"n = %d",
			n,
		)
	}
	tooBig(t, err) // the masking key and payload are still missing

	big := []byte{0x82, 0xff, 0, 0, 0, 1, 0, 0, 0, 0} // 4 GiB
	_, _, err = (&Decoder{MaxMessageSize: 1 << 20}).Next(big)
	tooBig(t, err)

	// The limit covers the whole reassembled message.
	input := cat(
		masked(OpText, false, "abc"),
		masked(OpPing, true, strings.Repeat("p", 100)),
		masked(OpContinuation, false, "de"),
		masked(OpContinuation, true, "f"),
	)
	_, err = decodeAll(&Decoder{MaxMessageSize: 5}, input)
	tooBig(t, err)
	got, err = decodeAll(&Decoder{MaxMessageSize: 6}, input)
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, got, []Message{
		{Op: OpPing, Payload: []byte(strings.Repeat("p", 100))},
		{Op: OpText, Payload: []byte("abcdef")},
	})

	// Control frames are not counted.
	_, err = decodeAll(&Decoder{MaxMessageSize: 1}, masked(OpPing, true, "abc"))
	if err != nil {
		t.Fatal(err)
	}

	// A later message starts from zero again.
	d := &Decoder{MaxMessageSize: 4}
	_, err = decodeAll(d, cat(
		masked(OpBinary, false, "ab"),
		masked(OpContinuation, true, "cd"),
		masked(OpBinary, false, "ef"),
		masked(OpContinuation, true, "gh"),
		masked(OpBinary, true, "ijkl"),
	))
	if err != nil {
		t.Fatal(err)
	}
}

func TestReset(t *testing.T) {
	d := &Decoder{MaxMessageSize: 10}
	buf := masked(OpText, false, "abc")
	if _, _, err := d.Next(buf); err != nil {
		t.Fatal(err)
	}
	d.Reset()
	if d.MaxMessageSize != 10 {
		t.Fatal("Reset dropped the settings")
	}
	// A continuation is now unexpected, a new message fine.
	if _, _, err := d.Next(masked(OpContinuation, true, "d")); CloseCodeOf(err) != StatusProtocolError {
		t.Fatalf(
			"continuation after Reset: %v",
			err,
		)
	}
	d.Reset()
	got, err := decodeAll(d, masked(OpText, true, "new"))
	if err != nil {
		t.Fatal(err)
	}
	checkMessages(t, got, []Message{{Op: OpText, Payload: []byte("new")}})
}

func TestCloseError(t *testing.T) {
	err := error(&CloseError{Code: StatusMessageTooBig, Reason: "message too big"})
	if got := err.Error(); !strings.Contains(got, "message too big") || !strings.Contains(got, "1009") {
		t.Fatalf(
			"Error() = %q",
			got,
		)
	}
	wrapped := errors.Join(errors.New("reading"), err)
	if CloseCodeOf(wrapped) != StatusMessageTooBig {
		t.Fatal("CloseCodeOf does not unwrap")
	}
	if CloseCodeOf(errors.New("other")) != StatusProtocolError {
		t.Fatal("CloseCodeOf of a foreign error")
	}
	if CloseCodeOf(ErrNeedMore) != StatusProtocolError {
		t.Fatal("CloseCodeOf(ErrNeedMore)")
	}
}

// A decoder shared between connections hands a message in progress over
// with Detach: the new decoder finishes it, the shared one is free and
// keeps nothing of it.
func TestDetach(t *testing.T) {
	shared := &Decoder{MaxMessageSize: 100}
	first := masked(OpText, false, "hel")
	if _, _, err := shared.Next(first); err != nil || !shared.InMessage() {
		t.Fatalf("err %v, in message %v", err, shared.InMessage())
	}
	own := shared.Detach()
	if shared.InMessage() || !own.InMessage() || own.MaxMessageSize != 100 {
		t.Fatal("Detach did not move the message")
	}
	// Another connection's message on the shared decoder.
	if m, _, err := shared.Next(masked(OpText, false, "ot")); err != nil || m.Op != 0 {
		t.Fatalf("m %v err %v", m, err)
	}
	msgs, err := decodeAll(shared, masked(OpContinuation, true, "her"))
	if err != nil || len(msgs) != 1 || string(msgs[0].Payload) != "other" {
		t.Fatalf("shared: %v %v", msgs, err)
	}
	m, _, err := own.Next(masked(OpContinuation, true, "lo"))
	if err != nil || string(m.Payload) != "hello" || own.InMessage() {
		t.Fatalf("own: %q %v", m.Payload, err)
	}
}
