package legacy

import (
	"strings"
	"testing"
)

var (
	benchASCII = []byte(strings.Repeat("socket.io", 8)[:64])
	benchUTF8  = []byte(strings.Repeat("h\u00e9llo \u20ac\U0001F600 ", 4))
	benchWire  = func() []byte {
		var b []byte
		for range 4 {
			b = AppendMessage(b, benchASCII)
			b = AppendJSON(b, []byte(`{"name":"chat","args":["hello"]}`))
		}
		return AppendHeartbeat(b, 12)
	}()
)

func BenchmarkAppendMessageASCII64(b *testing.B) {
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchASCII)))
	for b.Loop() {
		dst = AppendMessage(dst[:0], benchASCII)
	}
}

func BenchmarkAppendMessageUTF8(b *testing.B) {
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchUTF8)))
	for b.Loop() {
		dst = AppendMessage(dst[:0], benchUTF8)
	}
}

func BenchmarkAppendText(b *testing.B) {
	dst := make([]byte, 0, 256)
	s := string(benchASCII)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendText(dst[:0], s)
	}
}

func BenchmarkAppendHeartbeat(b *testing.B) {
	dst := make([]byte, 0, 32)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendHeartbeat(dst[:0], 12345)
	}
}

func BenchmarkDecode(b *testing.B) {
	n := 0
	fn := func(Message) error { n++; return nil }
	b.ReportAllocs()
	b.SetBytes(int64(len(benchWire)))
	for b.Loop() {
		if err := Decode(benchWire, fn); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNextUTF8(b *testing.B) {
	wire := AppendMessage(nil, benchUTF8)
	b.ReportAllocs()
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		if _, _, err := Next(wire); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendEncodeStruct(b *testing.B) {
	v := struct {
		Name string   `json:"name"`
		Args []string `json:"args"`
	}{"chat", []string{"hello <world>"}}
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		dst, _ = AppendEncode(dst[:0], v)
	}
}

func BenchmarkAppendJSONP(b *testing.B) {
	dst := make([]byte, 0, 1024)
	idx := []byte("0")
	b.ReportAllocs()
	b.SetBytes(int64(len(benchWire)))
	for b.Loop() {
		dst = AppendJSONP(dst[:0], idx, benchWire)
	}
}

func BenchmarkAppendHTMLFileScript(b *testing.B) {
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchWire)))
	for b.Loop() {
		dst = AppendHTMLFileScript(dst[:0], benchWire)
	}
}

func BenchmarkParsePath(b *testing.B) {
	p := []byte("/socket.io/jsonp-polling/739496230402744812/1300000000000/0")
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := ParsePath(p, "socket.io"); !ok {
			b.Fatal("no route")
		}
	}
}

func BenchmarkOriginsAllowed(b *testing.B) {
	o, _ := ParseOrigins([]string{"a.test:80", "b.test:*", "example.com:443"})
	origin := []byte("https://example.com")
	b.ReportAllocs()
	for b.Loop() {
		if !o.Allowed(origin) {
			b.Fatal("refused")
		}
	}
}

func BenchmarkSessionSendFlush(b *testing.B) {
	s, _ := New(XHRPolling, &Options{Rand: &seqReader{}})
	frame := AppendMessage(nil, benchASCII)
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		s.Send(frame)
		s.Send(frame)
		dst = s.Flush(dst[:0])
	}
}

func BenchmarkSessionReceive(b *testing.B) {
	s, _ := New(WebSocket, &Options{Rand: &seqReader{}})
	s.Connect(WebSocket, t0)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchWire)))
	for b.Loop() {
		if _, err := s.Receive(benchWire, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// TestZeroAllocs pins the hot paths at zero allocations.
func TestZeroAllocs(t *testing.T) {
	dst := make([]byte, 0, 2048)
	o, _ := ParseOrigins([]string{"a.test:80", "example.com:*"})
	path := []byte("/socket.io/tok/jsonp-polling/739496230402744812/1300000000000/0")
	for name, fn := range map[string]func(){
		"AppendMessage":   func() { dst = AppendMessage(dst[:0], benchUTF8) },
		"AppendText":      func() { dst = AppendText(dst[:0], "hello") },
		"AppendJSON":      func() { dst = AppendJSON(dst[:0], []byte(`{"a":1}`)) },
		"AppendHeartbeat": func() { dst = AppendHeartbeat(dst[:0], 99) },
		"Decode":          func() { Decode(benchWire, func(Message) error { return nil }) },
		"AppendJSONP":     func() { dst = AppendJSONP(dst[:0], []byte("1"), benchWire) },
		"AppendHTMLFile":  func() { dst = AppendHTMLFileScript(dst[:0], benchWire) },
		"AppendMultipart": func() { dst = AppendMultipartPart(dst[:0], benchWire) },
		"ParsePath":       func() { ParsePath(path, "socket.io") },
		"Allowed":         func() { o.Allowed([]byte("http://example.com:8080")) },
		"CORS":            func() { dst = PollingAnswerCORS(&o, []byte("null"), true).AppendHeaders(dst[:0]) },
	} {
		if name == "Decode" && raceEnabled {
			continue
		}
		if n := testing.AllocsPerRun(100, fn); n != 0 {
			t.Errorf("%s: %v allocs", name, n)
		}
	}
}
