package socketio

import "testing"

var (
	benchEvent = []byte(`2["chat","hello world"]`)
	benchArgs  = []byte(`["chat","hello world",{"from":"ann","at":1700000000},[1,2,3]]`)
	benchEsc   = []byte(`2["\u0063onnect\u0020and a rather long event name"]`)
	sinkPacket Packet
	sinkElems  [][]byte
	sinkBuf    []byte
)

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	for b.Loop() {
		p, err := Parse(benchEvent, 5)
		if err != nil {
			b.Fatal(err)
		}
		sinkPacket = p
	}
}

func BenchmarkSplitArray(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchArgs)))
	dst := make([][]byte, 0, 8)
	for b.Loop() {
		var err error
		dst, err = SplitArray(benchArgs, dst[:0])
		if err != nil {
			b.Fatal(err)
		}
	}
	sinkElems = dst
}

func BenchmarkAppendEvent(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 128)
	arg := []byte(`"hello world"`)
	for b.Loop() {
		buf = AppendEvent(buf[:0], "/chat", 12, 0, "chat", arg)
	}
	sinkBuf = buf
}

func BenchmarkAppendJSONString(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 128)
	s := "hello world, this is a chat message with \"quotes\" and é"
	for b.Loop() {
		buf = AppendJSONString(buf[:0], s)
	}
	sinkBuf = buf
}

func TestZeroAllocs(t *testing.T) {
	dst := make([][]byte, 0, 8)
	buf := make([]byte, 0, 128)
	arg := []byte(`"hello world"`)
	checks := map[string]func(){
		"Parse": func() { sinkPacket, _ = Parse(benchEvent, 5) },
		"ParseReservedEscaped": func() {
			sinkPacket, _ = Parse(benchEsc, 5)
		},
		"SplitArray":       func() { dst, _ = SplitArray(benchArgs, dst[:0]) },
		"AppendEvent":      func() { buf = AppendEvent(buf[:0], "/chat", 12, 0, "chat", arg) },
		"AppendAck":        func() { buf = AppendAck(buf[:0], "/chat", 12, 0, arg, arg) },
		"AppendPacket":     func() { buf = AppendPacket(buf[:0], sinkPacket) },
		"AppendJSONString": func() { buf = AppendJSONString(buf[:0], "a\"b\n\u2028\xff") },
		"IsPlaceholder":    func() { IsPlaceholder([]byte(`{"num":1,"\u005fplaceholder":true}`)) },
	}
	for name, fn := range checks {
		if n := testing.AllocsPerRun(200, fn); n != 0 {
			t.Errorf("%s: %v allocs/op, want 0", name, n)
		}
	}
}
