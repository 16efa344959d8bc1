package sharded_test

import (
	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/sharded"
)

// A tornadio node joining a cluster of Node nodes that run
// createShardedAdapter(pub, sub) with its defaults.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	srv := tornadio.NewServer(tornadio.WithAdapter(sharded.New(client,
		sharded.WithChannelPrefix("socket.io"),        // Node's channelPrefix
		sharded.WithSubscriptionMode(sharded.Dynamic), // Node's subscriptionMode
	)))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.Join("room1")
		srv.Of("/").To("room1").Emit("hello", "world") // reaches room1 on every node
	})
	_ = srv.ListenAndServe("127.0.0.1:3000")
}
