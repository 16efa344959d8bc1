package msgpackparser_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/socketio/msgpackparser"
)

// FuzzDecode feeds Decode any message, seeded with what
// socket.io-msgpack-parser writes on both sides. Decode must not panic; a
// packet it accepts has a JSON payload whose placeholders name its
// attachments and split arguments that are views of that payload; written
// again by the parser (what tornadio forwards), it is accepted as the same
// packet. (The bytes need not come back: as with notepack.io, a key given
// twice keeps its last value, and an integer beyond 2^53 goes through a
// float64.)
func FuzzDecode(f *testing.F) {
	for _, c := range loadGolden(f) {
		for _, side := range []string{c.Client, c.Server} {
			b, _ := hex.DecodeString(side)
			f.Add(b)
		}
	}
	var p msgpackparser.Parser
	f.Fuzz(func(t *testing.T, msg []byte) {
		var out socketio.Decoded
		done, err := p.Decode(&socketio.DecoderState{}, msg, true, 5, &out)
		if err != nil || !done {
			return
		}
		pk := out.Packet
		if pk.Data != nil && !json.Valid(pk.Data) {
			t.Fatalf("payload is not JSON: %q", pk.Data)
		}
		if pk.Attachments != len(out.Attachments) {
			t.Fatalf("%d attachments counted, %d given", pk.Attachments, len(out.Attachments))
		}
		if out.Split {
			elems, err := socketio.SplitArray(pk.Data, nil)
			if err != nil || len(elems) != len(out.Args) {
				t.Fatalf("args %q, payload %q", out.Args, pk.Data)
			}
			for i := range elems {
				if !bytes.Equal(elems[i], out.Args[i]) {
					t.Fatalf("arg %d %q, want %q", i, out.Args[i], elems[i])
				}
			}
		}
		again := reencode(t, p, &out)
		var back socketio.Decoded
		done, err = p.Decode(&socketio.DecoderState{}, again, true, 5, &back)
		if err != nil || !done {
			t.Fatalf("re-encoded packet refused: %v %v", done, err)
		}
		if back.Packet.ID != pk.ID || back.Packet.Type != pk.Type || len(back.Attachments) > len(out.Attachments) {
			t.Fatalf("round trip: %+v, want %+v", back.Packet, pk)
		}
	})
}

// reencode writes a decoded packet again with the parser.
func reencode(t *testing.T, p msgpackparser.Parser, d *socketio.Decoded) []byte {
	t.Helper()
	b, err := p.AppendPacket(nil, d.Packet, d.Attachments)
	if err != nil {
		t.Fatalf("decoded packet not encodable: %v (payload %q)", err, d.Packet.Data)
	}
	return b
}
