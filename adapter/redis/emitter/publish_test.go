package emitter_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/emitter"
)

// A failed PUBLISH comes back as an error naming the channel, from every
// method that talks to Redis.
func TestPublishErrorsNameTheChannel(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there any more: connections are refused
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	e := emitter.New(client, emitter.WithKey("k")).Of("/n")
	for _, tc := range []struct {
		channel string
		call    func() error
	}{
		{"k#/n#", func() error { return e.Emit(ctx, "ev") }},
		{"k#/n#r#", func() error { return e.To("r").Emit(ctx, "ev", 1) }},
		{"k-request#/n#", func() error { return e.SocketsJoin(ctx, "r") }},
		{"k-request#/n#", func() error { return e.SocketsLeave(ctx, "r") }},
		{"k-request#/n#", func() error { return e.DisconnectSockets(ctx, false) }},
		{"k-request#/n#", func() error { return e.ServerSideEmit(ctx, "ev") }},
	} {
		err := tc.call()
		if err == nil || !strings.Contains(err.Error(), "emitter: publish to "+tc.channel+":") {
			t.Errorf("error %v, want one naming %s", err, tc.channel)
		}
	}
}
