package engineio

import "testing"

var (
	benchText     = []byte(`442["chat message","hello world, this is a typical socket.io event"]`)
	benchPayload4 = []byte("2\x1e" + `42["chat message","hello world"]` + "\x1ebAQIDBAUGBwgJCgsMDQ4PEA==")
	benchPayload3 = []byte("1:2" + `32:42["chat message","hello world"]` + "26:b4AQIDBAUGBwgJCgsMDQ4PEA==")
	benchPackets  = []Packet{
		{Type: Ping},
		{Type: Message, Data: []byte(`2["chat message","hello world"]`)},
		{Type: Message, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, Binary: true},
	}
	benchFrame3 = []byte{4, 1, 2, 3, 4, 5, 6, 7, 8}
	benchB64    = []byte("bAQIDBAUGBwgJCgsMDQ4PEA==")
	sinkPacket  Packet
	sinkInt     int
)

func countPacket(p Packet) error {
	sinkInt += len(p.Data)
	return nil
}

func TestCodecZeroAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	scratch := make([]byte, 0, 256)
	dst := make([]byte, 0, 256)
	n := 0
	count := func(p Packet) error { n += len(p.Data); return nil }
	cases := []struct {
		name string
		fn   func()
	}{
		{"ParseText", func() { sinkPacket, _ = ParseText(benchText) }},
		{"ParseBinaryFrame", func() { sinkPacket, _ = ParseBinaryFrame(benchFrame3, 3) }},
		{"AppendText", func() { dst = AppendText(dst[:0], benchPackets[1]) }},
		{"AppendBinaryFrame", func() { dst = AppendBinaryFrame(dst[:0], benchPackets[2], 3) }},
		{"DecodePayload v4", func() { scratch, _ = DecodePayload(benchPayload4, 4, scratch, countPacket) }},
		{"DecodePayload v4 closure", func() { scratch, _ = DecodePayload(benchPayload4, 4, scratch, count) }},
		{"DecodePayload v3", func() { scratch, _ = DecodePayload(benchPayload3, 3, scratch, countPacket) }},
		{"AppendPayload v4", func() { dst = AppendPayload(dst[:0], 4, true, benchPackets) }},
		{"AppendPayload v3 text", func() { dst = AppendPayload(dst[:0], 3, false, benchPackets) }},
		{"AppendPayload v3 binary", func() { dst = AppendPayload(dst[:0], 3, true, benchPackets) }},
		{"AppendOpen", func() {
			dst = AppendOpen(dst[:0], 4, OpenInfo{SID: "lV3bTPrtHuomGoqBAAAA", Upgrades: []string{"websocket"}, PingInterval: 25000, PingTimeout: 20000, MaxPayload: 1e6})
		}},
		{"AppendErrorJSON", func() { dst = AppendErrorJSON(dst[:0], UnknownSID) }},
		{"ParseTextFrame base64", func() { _, scratch, _ = ParseTextFrame(benchB64, 4, scratch[:0]) }},
		{"AppendBase64Text", func() { dst = AppendBase64Text(dst[:0], benchPackets[2], 3) }},
		{"UTF16Len", func() { sinkInt = UTF16Len(benchText) }},
	}
	for _, c := range cases {
		if a := testing.AllocsPerRun(100, c.fn); a != 0 {
			t.Errorf("%s: %v allocs/op, want 0", c.name, a)
		}
	}
	if got, _ := DecodePayload(benchPayload4, 4, nil, func(p Packet) error { return nil }); len(got) != 16 {
		t.Errorf("bench payload decodes to %d scratch bytes", len(got))
	}
	if string(AppendPayload(nil, 4, true, benchPackets)) != string(benchPayload4) ||
		string(AppendPayload(nil, 3, false, benchPackets)) != string(benchPayload3) {
		t.Error("bench payloads do not match bench packets")
	}
}

func BenchmarkParseText(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		sinkPacket, _ = ParseText(benchText)
	}
}

func BenchmarkDecodePayloadV4(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPayload4)))
	scratch := make([]byte, 0, 64)
	for b.Loop() {
		scratch, _ = DecodePayload(benchPayload4, 4, scratch, countPacket)
	}
}

func BenchmarkDecodePayloadV3(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPayload3)))
	scratch := make([]byte, 0, 64)
	for b.Loop() {
		scratch, _ = DecodePayload(benchPayload3, 3, scratch, countPacket)
	}
}

func BenchmarkAppendPayloadV4(b *testing.B) {
	b.ReportAllocs()
	dst := make([]byte, 0, 256)
	for b.Loop() {
		dst = AppendPayload(dst[:0], 4, true, benchPackets)
	}
	b.SetBytes(int64(len(dst)))
}

func BenchmarkAppendPayloadV3Binary(b *testing.B) {
	b.ReportAllocs()
	dst := make([]byte, 0, 256)
	for b.Loop() {
		dst = AppendPayload(dst[:0], 3, true, benchPackets)
	}
	b.SetBytes(int64(len(dst)))
}

func BenchmarkUTF16Len(b *testing.B) {
	text := []byte("héllo wörld 😀😀 ✓ 𝄞 " + string(benchText))
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		sinkInt = UTF16Len(text)
	}
}
