package httpparse

import "testing"

func benchParse(b *testing.B, in string) {
	buf := []byte(in)
	var p Parser
	var r Request
	if n, err := p.Parse(buf, &r); err != nil || n != len(buf) {
		b.Fatalf("n=%d err=%v", n, err)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Parse(buf, &r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePollingGET(b *testing.B)  { benchParse(b, pollingGET) }
func BenchmarkParsePollingPOST(b *testing.B) { benchParse(b, pollingPOST) }
func BenchmarkParseUpgrade(b *testing.B)     { benchParse(b, wsUpgrade) }
func BenchmarkParseChunked(b *testing.B)     { benchParse(b, chunkedPOST) }

// BenchmarkParseByteAtATime is the worst case of a peer trickling a polling
// GET one byte per read: one Parse call per byte.
func BenchmarkParseByteAtATime(b *testing.B) {
	buf := []byte(pollingGET)
	var p Parser
	var r Request
	b.ReportAllocs()
	for b.Loop() {
		for i := 1; i <= len(buf); i++ {
			_, _ = p.Parse(buf[:i], &r)
		}
	}
}

func BenchmarkQueryValue(b *testing.B) {
	q := []byte("EIO=4&transport=polling&t=PcXa1&sid=Qx3mZ9_aQ8AAAB")
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := QueryValue(q, "sid"); !ok {
			b.Fatal("not found")
		}
	}
}

func TestParseZeroAllocs(t *testing.T) {
	for _, tt := range []struct{ name, in string }{
		{"polling GET", pollingGET},
		{"polling POST", pollingPOST},
		{"websocket upgrade", wsUpgrade},
		{"chunked", chunkedPOST},
	} {
		buf := []byte(tt.in)
		var p Parser
		var r Request
		allocs := testing.AllocsPerRun(200, func() {
			if _, err := p.Parse(buf, &r); err != nil {
				t.Fatal(err)
			}
			_ = r.Header("Sec-WebSocket-Key")
			_, _ = QueryValue(r.RawQuery, "transport")
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocs per Parse, want 0", tt.name, allocs)
		}
	}
	// Refusals do not allocate either.
	var p Parser
	var r Request
	bad := []byte("GET / HTTP/1.1\r\nX: a\x00\r\n\r\n")
	if allocs := testing.AllocsPerRun(100, func() { _, _ = p.Parse(bad, &r) }); allocs != 0 {
		t.Errorf("refusal: %v allocs", allocs)
	}
}
