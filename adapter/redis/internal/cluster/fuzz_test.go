package cluster

import (
	"io"
	"log/slog"
	"testing"

	"github.com/tornadio/tornadio/adapter"
)

// clusterSeeds are messages as Node's nodes write them (CLUSTER-WIRE.md's
// captures), in JSON and in msgpack.
var clusterSeeds = []string{
	`{"type":3,"data":{"packet":{"type":2,"data":["warm",{"tok":"warm-N"}]},"opts":{"rooms":["r1"],"except":[],"flags":{}}},"uid":"other","nsp":"/"}`,
	`{"type":3,"data":{"packet":{"type":2,"data":["ask-N",{}]},"requestId":"req","opts":{"rooms":[],"except":[],"flags":{"timeout":3000}}},"uid":"other","nsp":"/"}`,
	`{"type":11,"data":{"requestId":"req","clientCount":3},"uid":"other","nsp":"/"}`,
	`{"type":12,"data":{"requestId":"req","packet":"A1"},"uid":"other","nsp":"/"}`,
	`{"type":7,"data":{"opts":{"rooms":[],"except":[],"flags":{}},"requestId":"req"},"uid":"other","nsp":"/"}`,
	`{"type":8,"data":{"requestId":"req","sockets":[{"id":"s","handshake":{"headers":{},"time":"t","address":"a","xdomain":false,"secure":false,"issued":1,"url":"/","query":{},"auth":{}},"rooms":["s"],"data":{}}]},"uid":"other","nsp":"/"}`,
	`{"type":4,"data":{"opts":{"rooms":["s"],"except":[],"flags":{}},"rooms":["rj-N"]},"uid":"other","nsp":"/"}`,
	`{"type":5,"data":{"opts":{"rooms":["s"],"except":[],"flags":{}},"rooms":["rj-N"]},"uid":"other","nsp":"/"}`,
	`{"type":6,"data":{"opts":{"rooms":["s"],"except":[],"flags":{}},"close":true},"uid":"other","nsp":"/"}`,
	`{"type":9,"data":{"requestId":"req","packet":["ping-node",{"x":1}]},"uid":"other","nsp":"/"}`,
	`{"type":10,"data":{"requestId":"req","packet":"node2"},"uid":"other","nsp":"/"}`,
}

// FuzzReceive: whatever another node (or anyone with access to Redis)
// publishes, decoding and acting on it never panics: a message is acted
// on or dropped.
func FuzzReceive(f *testing.F) {
	for _, s := range clusterSeeds {
		f.Add([]byte(s))
		if m, err := Decode([]byte(s)); err == nil {
			if b, err := m.EncodeMsgpack(); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Decode(raw)
		if err != nil {
			return
		}
		local := adapter.NewLocal(adapter.Config{Namespace: "/", Loops: 1, Poster: noLoops{},
			ServerSide: func(_ *adapter.Packet, ack func(args, atts [][]byte)) {
				if ack != nil {
					ack([][]byte{[]byte(`1`)}, nil)
				}
			}})
		b := newBus()
		a := New(local, transport{b}, Options{UID: "self", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		defer a.Close()
		a.Receive(m)
	})
}
