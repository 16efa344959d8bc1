package engineio

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func decodeAll(t testing.TB, body []byte, version int) ([]Packet, error) {
	t.Helper()
	var ps []Packet
	_, err := DecodePayload(body, version, nil, func(p Packet) error {
		p.Data = bytes.Clone(p.Data)
		ps = append(ps, p)
		return nil
	})
	return ps, err
}

func msg(s string) Packet               { return Packet{Type: Message, Data: []byte(s)} }
func bin(b ...byte) Packet              { return Packet{Type: Message, Data: b, Binary: true} }
func pkt(t PacketType, s string) Packet { return Packet{Type: t, Data: []byte(s)} }

func samePackets(a, b []Packet) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type || a[i].Binary != b[i].Binary || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

// Examples from the Engine.IO protocol README (v4, and v3 in its history)
// and from the engine.io-parser 4.0.0 changelog (v3 binary payload).
var payloadExamples = []struct {
	name     string
	version  int
	binaryOK bool
	wire     string
	packets  []Packet
}{
	{"v4 text", 4, true, "4hello\x1e4€", []Packet{msg("hello"), msg("€")}},
	{"v4 ping", 4, true, "4hello\x1e2\x1e4world", []Packet{msg("hello"), pkt(Ping, ""), msg("world")}},
	{"v4 binary", 4, true, "4hello\x1ebAQIDBA==", []Packet{msg("hello"), bin(1, 2, 3, 4)}},
	{"v4 binary only", 4, false, "bAQIDBA==", []Packet{bin(1, 2, 3, 4)}},
	{"v4 parser changelog", 4, true, "4hello\x1e4€€€", []Packet{msg("hello"), msg("€€€")}},
	{"v4 binary 3 bytes", 4, true, "4hello\x1ebAQID", []Packet{msg("hello"), bin(1, 2, 3)}},
	{"v4 empty binary", 4, true, "b", []Packet{bin()}},
	{"v3 text", 3, true, "6:4hello2:4€", []Packet{msg("hello"), msg("€")}},
	{"v3 parser changelog", 3, true, "6:4hello4:4€€€", []Packet{msg("hello"), msg("€€€")}},
	{"v3 base64", 3, false, "2:4€10:b4AQIDBA==", []Packet{msg("€"), bin(1, 2, 3, 4)}},
	{"v3 message", 3, true, "4:4hey", []Packet{msg("hey")}},
	{"v3 close noop", 3, false, "1:11:6", []Packet{pkt(Close, ""), pkt(Noop, "")}},
	{"v3 open", 3, true,
		`96:0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}`,
		[]Packet{pkt(Open, `{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}`)}},
	{"v3 emoji", 3, true, "3:4😀", []Packet{msg("😀")}},
	{"v3 mixed", 3, true, "6:4a€😀b", []Packet{msg("a€😀b")}},
	{"v3 xhr2", 3, true, "\x00\x04\xff4€\x01\x05\xff\x04\x01\x02\x03\x04", []Packet{msg("€"), bin(1, 2, 3, 4)}},
	{"v3 xhr2 parser changelog", 3, true,
		"\x00\x06\xff\x34\x68\x65\x6c\x6c\x6f\x01\x04\xff\x04\x01\x02\x03",
		[]Packet{msg("hello"), bin(1, 2, 3)}},
	{"v3 xhr2 long", 3, true,
		"\x01\x01\x02\xff\x04" + "0123456789a",
		[]Packet{bin([]byte("0123456789a")...)}},
}

func TestPayloadExamples(t *testing.T) {
	for _, ex := range payloadExamples {
		t.Run(ex.name, func(t *testing.T) {
			got, err := decodeAll(t, []byte(ex.wire), ex.version)
			if err != nil {
				t.Fatalf("DecodePayload(%q): %v", ex.wire, err)
			}
			if !samePackets(got, ex.packets) {
				t.Fatalf("DecodePayload(%q) = %v, want %v", ex.wire, got, ex.packets)
			}
			enc := AppendPayload(nil, ex.version, ex.binaryOK, ex.packets)
			if string(enc) != ex.wire {
				t.Errorf("AppendPayload = %q, want %q", enc, ex.wire)
			}
			wantBin := ex.version == 3 && len(ex.wire) > 0 && ex.wire[0] <= 1
			if PayloadIsBinary(ex.version, ex.binaryOK, ex.packets) != wantBin {
				t.Errorf("PayloadIsBinary = %v, want %v", !wantBin, wantBin)
			}
		})
	}
}

func TestPayloadV3BinaryFallback(t *testing.T) {
	ps := []Packet{msg("€"), bin(1, 2, 3, 4)}
	// b64=1 / JSONP: text framing with base64.
	if got := AppendPayload(nil, 3, false, ps); string(got) != "2:4€10:b4AQIDBA==" {
		t.Errorf("v3 no binary = %q", got)
	}
	if PayloadIsBinary(3, false, ps) {
		t.Error("PayloadIsBinary(3, false) = true")
	}
	// Binary accepted but no binary packet: text framing.
	if got := AppendPayload(nil, 3, true, ps[:1]); string(got) != "2:4€" {
		t.Errorf("v3 text only = %q", got)
	}
	if PayloadIsBinary(3, true, ps[:1]) || PayloadIsBinary(4, true, ps) {
		t.Error("PayloadIsBinary true for a text payload")
	}
	// v4 ignores binaryOK.
	if got := AppendPayload(nil, 4, false, ps); string(got) != "4€\x1ebAQIDBA==" {
		t.Errorf("v4 = %q", got)
	}
	// Empty lists.
	if got := AppendPayload(nil, 3, true, nil); string(got) != "0:" {
		t.Errorf("v3 empty = %q", got)
	}
	if got := AppendPayload([]byte("x"), 4, true, nil); string(got) != "x" {
		t.Errorf("v4 empty = %q", got)
	}
}

func TestPayloadV3BinaryStrings(t *testing.T) {
	// Strings in the XHR2 format are UTF-8 and their length counts bytes.
	ps := []Packet{msg("😀"), pkt(Ping, "probe"), bin()}
	want := "\x00\x05\xff4😀\x00\x06\xff2probe\x01\x01\xff\x04"
	got := AppendPayload(nil, 3, true, ps)
	if string(got) != want {
		t.Fatalf("AppendPayload = %q, want %q", got, want)
	}
	dec, err := decodeAll(t, got, 3)
	if err != nil || !samePackets(dec, ps) {
		t.Fatalf("decode = %v, %v", dec, err)
	}
	// A base64 string inside the binary format is accepted too.
	dec, err = decodeAll(t, []byte("\x00\x06\xffb4AQI="), 3)
	if err != nil || !samePackets(dec, []Packet{bin(1, 2)}) {
		t.Fatalf("decode b4 in xhr2 = %v, %v", dec, err)
	}
}

func TestDecodePayloadUnpaddedBase64(t *testing.T) {
	got, err := decodeAll(t, []byte("bAQID\x1ebAQ"), 4)
	if err != nil || !samePackets(got, []Packet{bin(1, 2, 3), bin(1)}) {
		t.Fatalf("got %v, %v", got, err)
	}
	got, err = decodeAll(t, []byte("4:b4AQ"), 3)
	if err != nil || !samePackets(got, []Packet{bin(1)}) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestDecodePayloadNonMessageBase64V3(t *testing.T) {
	got, err := decodeAll(t, []byte("6:b2YWI="), 3)
	if err != nil || !samePackets(got, []Packet{pkt(Ping, "ab")}) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestDecodePayloadErrors(t *testing.T) {
	tests := []struct {
		name    string
		version int
		body    string
		packet  bool // also wraps ErrBadPacket
	}{
		{"v4 empty body", 4, "", false},
		{"v4 empty packet", 4, "4a\x1e\x1e4b", true},
		{"v4 trailing separator", 4, "4a\x1e", true},
		{"v4 leading separator", 4, "\x1e4a", true},
		{"v4 bad digit", 4, "4a\x1e7", true},
		{"v4 letter type", 4, "hello", true},
		{"v4 bad base64", 4, "b!!!!", true},
		{"v4 bad base64 padding", 4, "bA===", true},
		{"v3 empty body", 3, "", false},
		{"v3 zero length", 3, "0:", true},
		{"v3 zero length after packet", 3, "2:4a0:", true},
		{"v3 missing colon", 3, "6", false},
		{"v3 missing length", 3, ":4hello", false},
		{"v3 bad length char", 3, "6x:4hello", false},
		{"v3 length past end", 3, "7:4hello", false},
		{"v3 huge length", 3, "99999999999999999999999:4", false},
		{"v3 length counts bytes not units", 3, "4:4€", false},
		{"v3 length splits emoji", 3, "2:4😀", false},
		{"v3 emoji counted as one", 3, "2:4😀x", false},
		{"v3 bad type", 3, "6:7hello", true},
		{"v3 trailing garbage", 3, "2:4ax", false},
		{"v3 lone b", 3, "1:b", true},
		{"v3 b bad type", 3, "3:b9A", true},
		{"v3 bad base64", 3, "4:b4!!", true},
		{"v3 xhr2 bad marker", 3, "\x00\x01\xff6\x02\x01\xff6", false},
		{"v3 xhr2 missing ff", 3, "\x00\x01", false},
		{"v3 xhr2 missing length", 3, "\x00\xff6", false},
		{"v3 xhr2 bad digit", 3, "\x00\x0a\xff6", false},
		{"v3 xhr2 zero length", 3, "\x00\x00\xff", true},
		{"v3 xhr2 length past end", 3, "\x00\x05\xff4ab", false},
		{"v3 xhr2 bad type", 3, "\x01\x02\xff\x07a", true},
		{"v3 xhr2 bad string type", 3, "\x00\x02\xff\x04a", true},
		{"v3 xhr2 truncated header", 3, "\x00\x03\xff4ab\x01", false},
		{"v5", 5, "4a", false},
		{"v2", 2, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			_, err := DecodePayload([]byte(tt.body), tt.version, nil, func(Packet) error { n++; return nil })
			if err == nil {
				t.Fatalf("DecodePayload(%q) succeeded with %d packets", tt.body, n)
			}
			if tt.version != 3 && tt.version != 4 {
				if !errors.Is(err, ErrUnsupportedVersion) {
					t.Fatalf("err = %v, want ErrUnsupportedVersion", err)
				}
				return
			}
			if !errors.Is(err, ErrBadPayload) {
				t.Errorf("err = %v, want ErrBadPayload", err)
			}
			if tt.packet != errors.Is(err, ErrBadPacket) {
				t.Errorf("err = %v, wraps ErrBadPacket = %v, want %v", err, !tt.packet, tt.packet)
			}
		})
	}
}

func TestDecodePayloadCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := DecodePayload([]byte("4a\x1e4b\x1e4c"), 4, nil, func(Packet) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Fatalf("err = %v after %d packets, want stop after 2", err, n)
	}
}

func TestDecodePayloadScratch(t *testing.T) {
	body := []byte("bAQID\x1e4x\x1ebBAUG")
	scratch := make([]byte, 0, 64)
	var datas [][]byte
	newScratch, err := DecodePayload(body, 4, scratch, func(p Packet) error {
		datas = append(datas, p.Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if &newScratch[:1][0] != &scratch[:1][0] {
		t.Error("scratch with enough capacity was reallocated")
	}
	if !bytes.Equal(newScratch, []byte{1, 2, 3, 4, 5, 6}) {
		t.Errorf("scratch = %x", newScratch)
	}
	if !bytes.Equal(datas[0], []byte{1, 2, 3}) || string(datas[1]) != "x" || !bytes.Equal(datas[2], []byte{4, 5, 6}) {
		t.Errorf("datas = %x", datas)
	}
	if &datas[1][0] != &body[7] {
		t.Error("text data is not a view into the body")
	}
	// Capacity is clipped: appending to a packet copies.
	for _, d := range datas {
		if cap(d) != len(d) {
			t.Errorf("cap(%x) = %d", d, cap(d))
		}
	}
}

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"€", 1},
		{"é", 1},
		{"😀", 2},
		{"a€😀b", 5},
		{"héllo wörld 😀😀 ✓ 𝄞", 21},
		{"\xff", 1},
		{"a\xffb", 3},
		{"\xe2\x82", 2},     // truncated €: two invalid bytes
		{"\xed\xa0\x80", 3}, // UTF-8 encoded surrogate: invalid
		{"\uFFFD", 1},
		{"\U0010FFFF", 2},
		{"\uFFFF", 1},
	}
	for _, tt := range tests {
		if got := UTF16Len([]byte(tt.in)); got != tt.want {
			t.Errorf("UTF16Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestPayloadRoundTrip(t *testing.T) {
	ps := []Packet{
		pkt(Open, `{"sid":"x"}`), pkt(Close, ""), pkt(Ping, "probe"), pkt(Pong, "probe"),
		msg("hello 😀 €"), pkt(Upgrade, ""), pkt(Noop, ""), bin(), bin(0, 0xFF, 0x1E, ':'),
		msg(string(make([]byte, 300))),
	}
	for _, v := range []int{3, 4} {
		for _, binaryOK := range []bool{false, true} {
			t.Run(fmt.Sprintf("v%d binary=%v", v, binaryOK), func(t *testing.T) {
				enc := AppendPayload(nil, v, binaryOK, ps)
				got, err := decodeAll(t, enc, v)
				if err != nil || !samePackets(got, ps) {
					t.Fatalf("round trip of %q = %v, %v", enc, got, err)
				}
			})
		}
	}
}

func FuzzDecodePayload(f *testing.F) {
	for _, ex := range payloadExamples {
		f.Add([]byte(ex.wire), ex.version == 3)
	}
	f.Add([]byte("2:4a0:"), true)
	f.Add([]byte("\x1e"), false)
	f.Fuzz(func(t *testing.T, body []byte, v3 bool) {
		version := 4
		if v3 {
			version = 3
		}
		var ps []Packet
		var scratch []byte
		scratch, err := DecodePayload(body, version, scratch, func(p Packet) error {
			if !p.Type.Valid() {
				t.Fatalf("invalid type %v", p.Type)
			}
			if p.Binary && p.Type != Message {
				t.Fatalf("binary %v", p.Type)
			}
			p.Data = bytes.Clone(p.Data)
			ps = append(ps, p)
			return nil
		})
		if err != nil {
			if !errors.Is(err, ErrBadPayload) {
				t.Fatalf("error %v does not wrap ErrBadPayload", err)
			}
			return
		}
		if len(ps) == 0 {
			t.Fatalf("DecodePayload(%q) gave no packets and no error", body)
		}
		for _, binaryOK := range []bool{false, true} {
			enc := AppendPayload(nil, version, binaryOK, ps)
			var again []Packet
			scratch, err = DecodePayload(enc, version, scratch, func(p Packet) error {
				p.Data = bytes.Clone(p.Data)
				again = append(again, p)
				return nil
			})
			if err != nil {
				t.Fatalf("decoding re-encoded %q (from %q): %v", enc, body, err)
			}
			if !samePackets(again, ps) {
				t.Fatalf("re-encoded %q (from %q) decodes to %v, want %v", enc, body, again, ps)
			}
		}
	})
}
