package pubsub

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter"
)

// FuzzDispatch: whatever arrives on the adapter's channels (from Node
// nodes, emitters, or anyone with access to Redis), decoding and acting on
// it never panics: it is acted on or dropped. Seeded with Node's bytes for
// every message kind (testdata/golden.json). The adapter's Redis is a
// closed port: what it publishes in answer fails and is dropped.
func FuzzDispatch(f *testing.F) {
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		f.Fatal(err)
	}
	var cases []golden
	if err := json.Unmarshal(raw, &cases); err != nil {
		f.Fatal(err)
	}
	for _, g := range cases {
		b := []byte(g.Text)
		if g.Hex != "" {
			if b, err = hex.DecodeString(g.Hex); err != nil {
				f.Fatal(err)
			}
		}
		for ch := range byte(3) {
			f.Add(ch, b)
		}
	}
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer client.Close()
	local := adapter.NewLocal(adapter.Config{Namespace: "/", Loops: 1, Poster: noLoops{},
		ServerSide: func(_ *adapter.Packet, ack func(args, atts [][]byte)) {
			if ack != nil {
				ack([][]byte{[]byte(`1`)}, nil)
			}
		}})
	a := New(client, nil, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))("/", local).(*Adapter)
	defer a.Close()
	channels := []string{a.channel, a.requestChannel, a.responseChannel}
	f.Fuzz(func(t *testing.T, ch byte, payload []byte) {
		a.dispatch(channels[int(ch)%len(channels)], payload)
	})
}

// noLoops is a server with no running loop: posts are dropped.
type noLoops struct{}

func (noLoops) Post(int, func()) bool { return false }
