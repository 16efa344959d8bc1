package engineio

import (
	"bytes"
	"errors"
	"testing"
)

func TestPacketTypeString(t *testing.T) {
	want := []string{"open", "close", "ping", "pong", "message", "upgrade", "noop"}
	for i, w := range want {
		if got := PacketType(i).String(); got != w {
			t.Errorf("PacketType(%d) = %q, want %q", i, got, w)
		}
		if !PacketType(i).Valid() {
			t.Errorf("PacketType(%d) not valid", i)
		}
	}
	if got := PacketType(7).String(); got != "PacketType(7)" {
		t.Errorf("PacketType(7) = %q", got)
	}
	if PacketType(7).Valid() {
		t.Error("PacketType(7) valid")
	}
}

func TestParseTextPacket(t *testing.T) {
	tests := []struct {
		in   string
		typ  PacketType
		data string
	}{
		{"4hello", Message, "hello"},
		{"2probe", Ping, "probe"},
		{"3probe", Pong, "probe"},
		{"6", Noop, ""},
		{"5", Upgrade, ""},
		{"1", Close, ""},
		{`0{"sid":"x"}`, Open, `{"sid":"x"}`},
		{"4€", Message, "€"},
		{"44", Message, "4"},
	}
	for _, tt := range tests {
		in := []byte(tt.in)
		p, err := ParseText(in)
		if err != nil {
			t.Fatalf("ParseText(%q): %v", tt.in, err)
		}
		if p.Type != tt.typ || string(p.Data) != tt.data || p.Binary {
			t.Errorf("ParseText(%q) = %v, want %v %q", tt.in, p, tt.typ, tt.data)
		}
		if len(p.Data) > 0 && &p.Data[0] != &in[1] {
			t.Errorf("ParseText(%q): Data is not a view into the input", tt.in)
		}
		if got := AppendText(nil, p); string(got) != tt.in {
			t.Errorf("AppendText(ParseText(%q)) = %q", tt.in, got)
		}
	}
}

func TestParseTextPacketErrors(t *testing.T) {
	for _, in := range []string{"", "7", "9hello", "a", "b4AQID", "/", ":", "\x1e", "\x00"} {
		if p, err := ParseText([]byte(in)); !errors.Is(err, ErrBadPacket) {
			t.Errorf("ParseText(%q) = %v, %v; want ErrBadPacket", in, p, err)
		}
	}
}

func TestBinaryFramePacket(t *testing.T) {
	data := []byte{1, 2, 3, 4}

	// v4: the frame is the data.
	p, err := ParseBinaryFrame(data, 4)
	if err != nil || p.Type != Message || !p.Binary || !bytes.Equal(p.Data, data) {
		t.Fatalf("ParseBinaryFrame v4 = %v, %v", p, err)
	}
	if got := AppendBinaryFrame(nil, p, 4); !bytes.Equal(got, data) {
		t.Errorf("AppendBinaryFrame v4 = %x", got)
	}
	if p, err := ParseBinaryFrame(nil, 4); err != nil || !p.Binary || len(p.Data) != 0 {
		t.Errorf("empty v4 frame = %v, %v", p, err)
	}

	// v3: type byte first.
	frame := []byte{4, 1, 2, 3, 4}
	p, err = ParseBinaryFrame(frame, 3)
	if err != nil || p.Type != Message || !p.Binary || !bytes.Equal(p.Data, data) {
		t.Fatalf("ParseBinaryFrame v3 = %v, %v", p, err)
	}
	if got := AppendBinaryFrame(nil, Packet{Type: Message, Data: data, Binary: true}, 3); !bytes.Equal(got, frame) {
		t.Errorf("AppendBinaryFrame v3 = %x, want %x", got, frame)
	}
	if p, err := ParseBinaryFrame([]byte{2, 'x'}, 3); err != nil || p.Type != Ping || p.Binary || string(p.Data) != "x" {
		t.Errorf("v3 binary ping = %v, %v", p, err)
	}

	for _, in := range [][]byte{nil, {7}, {'4', 'a'}, {0xFF}} {
		if _, err := ParseBinaryFrame(in, 3); !errors.Is(err, ErrBadPacket) {
			t.Errorf("ParseBinaryFrame(%x, 3) err = %v, want ErrBadPacket", in, err)
		}
	}
	if _, err := ParseBinaryFrame(data, 5); !errors.Is(err, ErrUnsupportedVersion) {
		t.Errorf("ParseBinaryFrame v5 err = %v", err)
	}
}

func FuzzParseText(f *testing.F) {
	for _, s := range []string{"4hello", "2probe", "6", "", "7", "4€", `0{"sid":"abc"}`, "b4AQID"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseText(b)
		if err != nil {
			if !errors.Is(err, ErrBadPacket) {
				t.Fatalf("error %v does not wrap ErrBadPacket", err)
			}
			if len(b) > 0 && b[0] >= '0' && b[0] <= '6' {
				t.Fatalf("valid packet %q rejected: %v", b, err)
			}
			return
		}
		if !p.Type.Valid() || p.Binary {
			t.Fatalf("ParseText(%q) = %v", b, p)
		}
		if got := AppendText(nil, p); !bytes.Equal(got, b) {
			t.Fatalf("AppendText(ParseText(%q)) = %q", b, got)
		}
	})
}

func TestTextFrameBase64(t *testing.T) {
	tests := []struct {
		in      string
		version int
		want    Packet
	}{
		{"bAQIDBA==", 4, Packet{Type: Message, Data: []byte{1, 2, 3, 4}, Binary: true}},
		{"b", 4, Packet{Type: Message, Data: []byte{}, Binary: true}},
		{"b4AQIDBA==", 3, Packet{Type: Message, Data: []byte{1, 2, 3, 4}, Binary: true}},
		{"4hello", 4, Packet{Type: Message, Data: []byte("hello")}},
		{"2probe", 3, Packet{Type: Ping, Data: []byte("probe")}},
	}
	for _, tt := range tests {
		p, scratch, err := ParseTextFrame([]byte(tt.in), tt.version, nil)
		if err != nil || p.Type != tt.want.Type || p.Binary != tt.want.Binary || !bytes.Equal(p.Data, tt.want.Data) {
			t.Errorf("ParseTextFrame(%q, %d) = %v, %v; want %v", tt.in, tt.version, p, err, tt.want)
		}
		if p.Binary {
			if !bytes.Equal(scratch, tt.want.Data) {
				t.Errorf("scratch = %x", scratch)
			}
			if got := AppendBase64Text(nil, p, tt.version); string(got) != tt.in {
				t.Errorf("AppendBase64Text = %q, want %q", got, tt.in)
			}
		}
	}
	for _, tt := range []struct {
		in      string
		version int
	}{{"b!", 4}, {"b", 3}, {"b9AA==", 3}, {"b4!", 3}, {"", 4}, {"7", 3}, {"bAA==", 5}} {
		if _, _, err := ParseTextFrame([]byte(tt.in), tt.version, nil); err == nil {
			t.Errorf("ParseTextFrame(%q, %d) succeeded", tt.in, tt.version)
		} else if !errors.Is(err, ErrBadPacket) && !errors.Is(err, ErrUnsupportedVersion) {
			t.Errorf("ParseTextFrame(%q, %d) err = %v", tt.in, tt.version, err)
		}
	}
}

func TestPacketString(t *testing.T) {
	if got := (Packet{Type: Message, Data: []byte("hi")}).String(); got != `message "hi"` {
		t.Errorf("String = %s", got)
	}
	if got := (Packet{Type: Message, Data: []byte{1, 0xab}, Binary: true}).String(); got != "message binary 01ab" {
		t.Errorf("String = %s", got)
	}
}
