package frames

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func key3Of(s string) (k [8]byte) {
	copy(k[:], s)
	return k
}

// The examples of draft-hixie-thewebsocketprotocol-76.
func TestHixie76Answer(t *testing.T) {
	t.Parallel()
	tests := []struct{ key1, key2, key3, want string }{
		// Section 1.3 (the handshake walk-through).
		{"4 @1  46546xW%0l 1 5", "12998 5 Y3 1  .P00", "^n:ds[4U", "8jKS'y:G*Co,Wxa-"},
		// Section 1.2 (the handshake example of the introduction).
		{"3e6b263  4 17 80", "17  9 G`ZD9   2 2b 7X 3 /r90", "WjN}|M(6", "n`9eBk9z$R8pOtVb"},
	}
	for _, tt := range tests {
		got, err := Hixie76Answer([]byte(tt.key1), []byte(tt.key2), key3Of(tt.key3))
		if err != nil || string(got[:]) != tt.want {
			t.Errorf("Hixie76Answer(%q, %q, %q) = %q, %v; want %q", tt.key1, tt.key2, tt.key3, got, err, tt.want)
		}
	}
	// The steps spelled out: 4 @1  46546xW%0l 1 5 has the digits 4146546015
	// and 5 spaces: 829309203; key2 gives 1299853100 / 5 = 259970620.
	var buf [16]byte
	binary.BigEndian.PutUint32(buf[0:], 4146546015/5)
	binary.BigEndian.PutUint32(buf[4:], 1299853100/5)
	copy(buf[8:], "^n:ds[4U")
	if want := md5.Sum(buf[:]); string(want[:]) != "8jKS'y:G*Co,Wxa-" {
		t.Fatalf("%q", want)
	}

	for _, bad := range []string{
		"12345",                 // no spaces
		"1 2 4",                 // 124 / 2 = 62: valid
		"1 2 3",                 // 123 not divisible by 2
		"   ",                   // no digits
		"4294967296 ",           // quotient beyond 32 bits
		"99999999999999999999 ", // overflows uint64
	} {
		_, err := Hixie76Answer([]byte(bad), []byte("1 "), key3Of("12345678"))
		var he *HandshakeError
		valid := bad == "1 2 4"
		if valid != (err == nil) || (err != nil && (!errors.As(err, &he) || he.Status != 400)) {
			t.Errorf("key %q: %v", bad, err)
		}
	}
	// The largest quotient allowed.
	if _, err := Hixie76Answer([]byte("4294967295 "), []byte("8589934590  "), key3Of("")); err != nil {
		t.Fatal(err)
	}
	// Key2 is checked too.
	if _, err := Hixie76Answer([]byte("1 "), []byte("3  "), key3Of("")); err == nil {
		t.Fatal("bad key2 accepted")
	}
}

// Goldens: socket.io-node 0.6.18, lib/socket.io/transports/websocket.js,
// _onConnect, which joins the header lines and two empty strings with CRLF.
func TestHixieResponses(t *testing.T) {
	t.Parallel()
	loc := AppendHixieLocation(nil, false, []byte("example.com:8080"), []byte("/socket.io/websocket"))
	if string(loc) != "ws://example.com:8080/socket.io/websocket" {
		t.Fatalf("%q", loc)
	}
	if s := AppendHixieLocation(nil, true, []byte("h"), []byte("/")); string(s) != "wss://h/" {
		t.Fatalf("%q", s)
	}
	origin := []byte("http://example.com")
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"76", AppendHixie76Response(nil, origin, loc, nil),
			"HTTP/1.1 101 WebSocket Protocol Handshake\r\n" +
				"Upgrade: WebSocket\r\n" +
				"Connection: Upgrade\r\n" +
				"Sec-WebSocket-Origin: http://example.com\r\n" +
				"Sec-WebSocket-Location: ws://example.com:8080/socket.io/websocket\r\n" +
				"\r\n"},
		{"76 protocol", AppendHixie76Response(nil, origin, loc, []byte("chat")),
			"HTTP/1.1 101 WebSocket Protocol Handshake\r\n" +
				"Upgrade: WebSocket\r\n" +
				"Connection: Upgrade\r\n" +
				"Sec-WebSocket-Origin: http://example.com\r\n" +
				"Sec-WebSocket-Location: ws://example.com:8080/socket.io/websocket\r\n" +
				"Sec-WebSocket-Protocol: chat\r\n" +
				"\r\n"},
		{"75", AppendHixie75Response(nil, origin, loc),
			"HTTP/1.1 101 Web Socket Protocol Handshake\r\n" +
				"Upgrade: WebSocket\r\n" +
				"Connection: Upgrade\r\n" +
				"WebSocket-Origin: http://example.com\r\n" +
				"WebSocket-Location: ws://example.com:8080/socket.io/websocket\r\n" +
				"\r\n"},
		{"76 injection", AppendHixie76Response(nil, []byte("a\r\nX: y"), []byte("l\x00"), []byte{}),
			"HTTP/1.1 101 WebSocket Protocol Handshake\r\n" +
				"Upgrade: WebSocket\r\n" +
				"Connection: Upgrade\r\n" +
				"Sec-WebSocket-Origin: a  X: y\r\n" +
				"Sec-WebSocket-Location: l \r\n" +
				"Sec-WebSocket-Protocol: \r\n" +
				"\r\n"},
	}
	for _, tt := range tests {
		if string(tt.got) != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestAppendHixieFrame(t *testing.T) {
	t.Parallel()
	// transports/websocket.js, _write: '\u0000' (binary), message (utf8),
	// '\uffff' written as binary, which is the byte 0xFF.
	if got := AppendHixieFrame([]byte("x"), []byte("~m~2~m~é")); string(got) != "x\x00~m~2~m~é\xff" {
		t.Fatalf("%q", got)
	}
	if got := AppendHixieFrame(nil, nil); string(got) != "\x00\xff" {
		t.Fatalf("%q", got)
	}
	if HixieCloseFrame != "\xff\x00" {
		t.Fatal("HixieCloseFrame")
	}
}

type hixieEvent struct {
	op   OpCode
	text string
	err  error
}

// hixieFeed decodes in, delivered in the pieces given by cuts (offsets where
// a new read starts), the way a loop would: the buffer grows with each read
// and consumed bytes are discarded.
func hixieFeed(d *HixieDecoder, in []byte, cuts []int) []hixieEvent {
	var evs []hixieEvent
	var buf []byte
	prev := 0
	for _, c := range append(cuts, len(in)) {
		if c < prev || c > len(in) {
			continue
		}
		buf = append(buf, in[prev:c]...)
		prev = c
		for {
			m, n, err := d.Next(buf)
			if errors.Is(err, ErrNeedMore) {
				break
			}
			if err != nil {
				return append(evs, hixieEvent{err: err})
			}
			evs = append(evs, hixieEvent{op: m.Op, text: string(m.Payload)})
			buf = buf[n:]
		}
	}
	return evs
}

func sameEvents(a, b []hixieEvent) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHixieDecoder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		max  int
		want []hixieEvent
	}{
		{"one", "\x00~m~5~m~hello\xff", 0, []hixieEvent{{op: OpText, text: "~m~5~m~hello"}}},
		{"empty text", "\x00\xff", 0, []hixieEvent{{op: OpText, text: ""}}},
		{"two and close", "\x00a\xff\x00é\xff\xff\x00", 0, []hixieEvent{{op: OpText, text: "a"}, {op: OpText, text: "é"}, {op: OpClose}}},
		{"incomplete", "\x00abc", 0, nil},
		{"half close", "\xff", 0, nil},
		{"bad type", "\x01abc\xff", 0, []hixieEvent{{err: errHixieFrameType}}},
		{"length-prefixed", "\x80\x01x", 0, []hixieEvent{{err: errHixieFrameType}}},
		{"ff then junk", "\xff\x01", 0, []hixieEvent{{err: errHixieFrameType}}},
		{"bad utf8", "\x00\xc3\x28\xff", 0, []hixieEvent{{err: errHixieUTF8}}},
		{"at limit", "\x00abcd\xff", 4, []hixieEvent{{op: OpText, text: "abcd"}}},
		{"over limit", "\x00abcde\xff", 4, []hixieEvent{{err: errHixieTooBig}}},
		{"over limit early", "\x00abcde", 4, []hixieEvent{{err: errHixieTooBig}}},
	}
	for _, tt := range tests {
		in := []byte(tt.in)
		whole := hixieFeed(&HixieDecoder{MaxMessageSize: tt.max}, in, nil)
		if !sameEvents(whole, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, whole, tt.want)
			continue
		}
		// Split-feed equivalence: halves at every cut, and byte by byte.
		for c := 0; c <= len(in); c++ {
			if got := hixieFeed(&HixieDecoder{MaxMessageSize: tt.max}, in, []int{c}); !sameEvents(got, whole) {
				t.Errorf("%s cut at %d: %+v", tt.name, c, got)
			}
		}
		var every []int
		for c := 1; c < len(in); c++ {
			every = append(every, c)
		}
		if got := hixieFeed(&HixieDecoder{MaxMessageSize: tt.max}, in, every); !sameEvents(got, whole) {
			t.Errorf("%s byte by byte: %+v", tt.name, got)
		}
	}
	var d HixieDecoder
	if _, n, err := d.Next(nil); n != 0 || err != ErrNeedMore {
		t.Fatal(n, err)
	}
	m, n, err := d.Next([]byte("\xff\x00rest"))
	if err != nil || n != 2 || m.Op != OpClose || m.CloseCode != StatusNoStatusRcvd {
		t.Fatal(m, n, err)
	}
	if CloseCodeOf(errHixieTooBig) != StatusMessageTooBig || CloseCodeOf(errHixieUTF8) != StatusInvalidFramePayloadData {
		t.Fatal("codes")
	}
	// Reset after a partial scan, then a different, shorter buffer.
	d.Next([]byte("\x00abcdef"))
	d.Reset()
	if m, _, err := d.Next([]byte("\x00a\xff")); err != nil || string(m.Payload) != "a" {
		t.Fatal(m, err)
	}
	// A shorter buffer without Reset is also handled.
	d.Next([]byte("\x00abcdef"))
	if m, _, err := d.Next([]byte("\x00b\xff")); err != nil || string(m.Payload) != "b" {
		t.Fatal(m, err)
	}
}

func FuzzHixieDecoder(f *testing.F) {
	for _, s := range []string{
		"\x00~m~5~m~hello\xff", "\x00\xff", "\x00a\xff\x00é\xff\xff\x00", "\x00abc",
		"\xff", "\x01abc\xff", "\x80\x01x", "\x00\xc3\x28\xff",
	} {
		f.Add([]byte(s), uint16(0), uint8(3))
		f.Add([]byte(s), uint16(4), uint8(1))
	}
	f.Fuzz(func(t *testing.T, in []byte, limit uint16, cut uint8) {
		d := &HixieDecoder{MaxMessageSize: int(limit)}
		p := in
		var whole []hixieEvent
		for len(p) > 0 {
			m, n, err := d.Next(p)
			if n < 0 || n > len(p) || (err != nil && n != 0) {
				t.Fatalf("n=%d of %d, err=%v", n, len(p), err)
			}
			if err != nil {
				var ce *CloseError
				if !errors.Is(err, ErrNeedMore) && !errors.As(err, &ce) {
					t.Fatal(err)
				}
				if !errors.Is(err, ErrNeedMore) {
					whole = append(whole, hixieEvent{err: err})
				}
				break
			}
			if n == 0 {
				t.Fatal("no progress")
			}
			whole = append(whole, hixieEvent{op: m.Op, text: string(m.Payload)})
			if m.Op == OpText {
				// Re-encoding gives back the bytes consumed.
				if re := AppendHixieFrame(nil, m.Payload); !bytes.Equal(re, p[:n]) {
					t.Fatalf("%q re-encodes as %q", p[:n], re)
				}
			}
			p = p[n:]
		}
		// Split feeding at a fuzzer-chosen period gives the same events.
		var cuts []int
		if cut > 0 {
			for c := int(cut); c < len(in); c += int(cut) {
				cuts = append(cuts, c)
			}
		}
		if got := hixieFeed(&HixieDecoder{MaxMessageSize: int(limit)}, in, cuts); !sameEvents(got, whole) {
			t.Fatalf("split every %d: %+v, whole: %+v", cut, got, whole)
		}
	})
}

var hixieBenchFrame = AppendHixieFrame(nil, []byte(strings.Repeat("socket.io", 8)[:64]))

func BenchmarkHixieDecode64(b *testing.B) {
	var d HixieDecoder
	b.ReportAllocs()
	b.SetBytes(int64(len(hixieBenchFrame)))
	for b.Loop() {
		if _, _, err := d.Next(hixieBenchFrame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendHixieFrame(b *testing.B) {
	dst := make([]byte, 0, 128)
	payload := hixieBenchFrame[1 : len(hixieBenchFrame)-1]
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		dst = AppendHixieFrame(dst[:0], payload)
	}
}

func BenchmarkHixie76Answer(b *testing.B) {
	k1, k2, k3 := []byte("4 @1  46546xW%0l 1 5"), []byte("12998 5 Y3 1  .P00"), key3Of("^n:ds[4U")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Hixie76Answer(k1, k2, k3); err != nil {
			b.Fatal(err)
		}
	}
}

func TestHixieAllocs(t *testing.T) {
	var d HixieDecoder
	dst := make([]byte, 0, 512)
	k1, k2, k3 := []byte("4 @1  46546xW%0l 1 5"), []byte("12998 5 Y3 1  .P00"), key3Of("^n:ds[4U")
	origin, loc := []byte("http://a"), []byte("ws://a/socket.io/websocket")
	n := testing.AllocsPerRun(100, func() {
		d.Next(hixieBenchFrame)
		dst = AppendHixieFrame(dst[:0], hixieBenchFrame)
		Hixie76Answer(k1, k2, k3)
		dst = AppendHixie76Response(dst[:0], origin, loc, nil)
		dst = AppendHixie75Response(dst[:0], origin, loc)
	})
	if n != 0 {
		t.Fatalf("%v allocs", n)
	}
}
