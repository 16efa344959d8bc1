package sharded

import (
	"testing"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
)

func TestComputeChannel(t *testing.T) {
	const sid = "Xb2_xQk9d1Zr-AAAAB12" // 20 characters, like a socket id
	broadcast := func(rooms ...string) *cluster.Message {
		return &cluster.Message{Type: cluster.Broadcast, Opts: &adapter.Options{Rooms: rooms}}
	}
	withAck := broadcast("r1")
	withAck.RequestID = "0123456789abcdef"
	join := &cluster.Message{Type: cluster.SocketsJoin, Opts: &adapter.Options{Rooms: []string{"r1"}}}
	cases := []struct {
		name string
		m    *cluster.Message
		want map[SubscriptionMode]string
	}{
		{"one room", broadcast("r1"), map[SubscriptionMode]string{Dynamic: "p#/#r1#", DynamicPrivate: "p#/#r1#", Static: "p#/#"}},
		{"a socket id", broadcast(sid), map[SubscriptionMode]string{Dynamic: "p#/#", DynamicPrivate: "p#/#" + sid + "#", Static: "p#/#"}},
		{"20 UTF-16 units", broadcast("ééééééééééééééééééé😀"[2:]), map[SubscriptionMode]string{Dynamic: "p#/#"}},
		{"two rooms", broadcast("r1", "r2"), map[SubscriptionMode]string{Dynamic: "p#/#", DynamicPrivate: "p#/#"}},
		{"everyone", broadcast(), map[SubscriptionMode]string{Dynamic: "p#/#", DynamicPrivate: "p#/#"}},
		{"with ack", withAck, map[SubscriptionMode]string{Dynamic: "p#/#", DynamicPrivate: "p#/#"}},
		{"not a broadcast", join, map[SubscriptionMode]string{Dynamic: "p#/#", DynamicPrivate: "p#/#"}},
	}
	for _, c := range cases {
		for mode, want := range c.want {
			a := &Adapter{opts: options{channelPrefix: "p", mode: mode}, channel: "p#/#"}
			if got := a.computeChannel(c.m); got != want {
				t.Errorf("%s, %s: channel %q, want %q", c.name, mode, got, want)
			}
		}
	}
}

func TestLooksLikeSocketID(t *testing.T) {
	for room, want := range map[string]bool{
		"Xb2_xQk9d1Zr-AAAAB12":     true,
		"Xb2_xQk9d1Zr-AAAAB1":      false,
		"ééééééééééééééééééé😀"[2:]: true, // 18 × é + 😀 (2 units)
		"éééééééééééééééééééé":     true, // 20 × é, 40 bytes
		"": false,
	} {
		if got := looksLikeSocketID(room); got != want {
			t.Errorf("looksLikeSocketID(%q) = %v", room, got)
		}
	}
}

func TestHashSlot(t *testing.T) {
	// As CLUSTER KEYSLOT answers (redis-server 7.0, cluster mode).
	for key, want := range map[string]uint16{"foo": 12182, "bar": 5061, "{user1000}.following": 3443, "user1000": 3443, "foo{}{bar}": 8363, "a{}": 6082} {
		if got := hashSlot(key); got != want {
			t.Errorf("hashSlot(%q) = %d, want %d", key, got, want)
		}
	}
}
