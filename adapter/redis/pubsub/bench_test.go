package pubsub

import (
	"testing"

	"github.com/tornadio/tornadio/adapter"
)

// The per-broadcast cost of the wire format on each side: the publisher
// encodes once, every other node decodes once.
var benchPacket = &adapter.Packet{Nsp: "/", Event: "chat message", Args: [][]byte{[]byte(`{"user":"alice","text":"hello, everyone in the room","ts":1733500000000}`)}}

func BenchmarkEncodeBroadcast(b *testing.B) {
	opts := &adapter.Options{Rooms: []string{"room-1"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeBroadcast("uRFA6x", benchPacket, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBroadcast(b *testing.B) {
	msg, err := encodeBroadcast("uRFA6x", benchPacket, &adapter.Options{Rooms: []string{"room-1"}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := decodeBroadcast(msg); err != nil {
			b.Fatal(err)
		}
	}
}
