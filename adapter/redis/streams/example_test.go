package streams_test

import (
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/streams"
)

// A node of a cluster that Node servers using
// @socket.io/redis-streams-adapter may join too; with connection state
// recovery, a client that loses its connection may come back on any node.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	srv := tornadio.NewServer(
		tornadio.WithAdapter(streams.New(client, streams.WithMaxLen(10000))),
		tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{MaxDisconnection: 2 * time.Minute}),
	)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		if !s.Recovered() {
			s.Join("news")
		}
	})
	_ = srv.Start("127.0.0.1:3000")
}
