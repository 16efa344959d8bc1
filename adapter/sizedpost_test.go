package adapter_test

import (
	"strings"
	"testing"

	"github.com/tornadio/tornadio/adapter"
)

// sizedPoster is the rig's poster that also weighs its posts.
type sizedPoster struct {
	*poster
	sizes []int
}

func (p *sizedPoster) PostSized(i int, fn func(), size int) bool {
	p.sizes = append(p.sizes, size)
	return p.Post(i, fn)
}

// TestBroadcastPostsItsSize: a broadcast weighs what it posts to each loop
// by its message (packet and attachments), for the loops' backpressure,
// when its Poster can take a weight.
func TestBroadcastPostsItsSize(t *testing.T) {
	r := newRig(t, 2)
	sp := &sizedPoster{poster: &r.poster}
	r.local = adapter.NewLocal(adapter.Config{Namespace: "/", Loops: 2, Poster: sp})
	a, b := r.connect(0, "a"), r.connect(1, "b")
	big := []byte(`"` + strings.Repeat("x", 5000) + `"`)
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: "big", Args: [][]byte{big}}, &adapter.Options{})
	r.run()
	for _, m := range []*fakeMember{a, b} {
		if got := m.received(t); len(got) != 1 {
			t.Fatalf("%s got %q", m.id, got)
		}
	}
	r.local.Broadcast(&adapter.Packet{Nsp: "/", Event: "bin", Args: [][]byte{[]byte(`{"_placeholder":true,"num":0}`)},
		Attachments: [][]byte{make([]byte, 3000)}}, &adapter.Options{})
	r.run()
	want := len(`2["big",`) + len(big) + len(`]`)
	if len(sp.sizes) != 4 || sp.sizes[0] != want || sp.sizes[1] != want || sp.sizes[2] < 3000 || sp.sizes[2] != sp.sizes[3] {
		t.Fatalf("sizes posted %v; want %d for each loop, then the binary event with its 3000-byte attachment", sp.sizes, want)
	}
}
