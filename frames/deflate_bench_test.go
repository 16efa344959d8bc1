package frames

import (
	"compress/flate"
	"fmt"
	"strings"
	"testing"
)

// benchMessage is 4 KiB of JSON-like text, compressible as real messages
// are.
var benchMessage = func() []byte {
	var b strings.Builder
	for i := 0; b.Len() < 4096; i++ {
		fmt.Fprintf(&b, `{"id":%d,"name":"user-%d","score":%d},`, i, i*7919%1000, i*31%97)
	}
	return []byte(b.String()[:4096])
}()

// Compressing one message on its own, as every message is: the level sets
// the cost of resetting the compressor too (levels 2 to 9 clear their hash
// tables, 640 KiB, for every message; BestSpeed does not).
func BenchmarkDeflate4K(b *testing.B) {
	for _, level := range []int{flate.BestSpeed, flate.DefaultCompression, flate.BestCompression} {
		b.Run(fmt.Sprintf("level%d", level), func(b *testing.B) {
			z, err := NewDeflater(level)
			if err != nil {
				b.Fatal(err)
			}
			var out []byte
			b.ReportAllocs()
			b.SetBytes(int64(len(benchMessage)))
			for b.Loop() {
				z.Begin(out[:0])
				z.Write(benchMessage)
				out = z.Finish()
			}
			b.ReportMetric(float64(len(out)), "out-bytes")
		})
	}
}

func BenchmarkInflate4K(b *testing.B) {
	z, _ := NewDeflater(flate.DefaultCompression)
	z.Begin(nil)
	z.Write(benchMessage)
	wire := z.Finish()
	var f Inflater
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	for b.Loop() {
		if _, err := f.Inflate(Message{Op: OpText, Payload: wire, Compressed: true}, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}
