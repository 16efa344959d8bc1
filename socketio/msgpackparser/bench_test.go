package msgpackparser_test

import (
	"testing"

	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/socketio/msgpackparser"
)

// The same event as socketio's benchmarks: ["chat","hello world",
// {"from":"ann","at":1700000000},[1,2,3]], here as msgpack.
var (
	benchArgs = [][]byte{[]byte(`"hello world"`), []byte(`{"from":"ann","at":1700000000}`), []byte(`[1,2,3]`)}
	sinkBuf   []byte
)

// BenchmarkDecode: one event transcoded to JSON with its arguments split.
func BenchmarkDecode(b *testing.B) {
	var p msgpackparser.Parser
	msg, _ := p.AppendEvent(nil, "/", -1, "chat", benchArgs, nil)
	var out socketio.Decoded
	var st socketio.DecoderState
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if done, err := p.Decode(&st, msg, true, 5, &out); !done || err != nil {
			b.Fatal(done, err)
		}
	}
}

// BenchmarkAppendEvent: the same event transcoded from JSON to msgpack.
func BenchmarkAppendEvent(b *testing.B) {
	var p msgpackparser.Parser
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = p.AppendEvent(buf[:0], "/", -1, "chat", benchArgs, nil)
	}
	sinkBuf = buf
}
