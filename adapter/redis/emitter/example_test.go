package emitter_test

import (
	"context"
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/emitter"
)

// Emitting into a cluster whose nodes (tornadio with the pubsub adapter, or
// Node socket.io with @socket.io/redis-adapter) share this Redis.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	e := emitter.New(client) // namespace "/", key "socket.io"

	// To the sockets in room "news" that are not in room "muted"; the
	// []byte arrives as binary.
	if err := e.To("news").Except("muted").Emit(ctx, "headline", map[string]any{"id": 7}, []byte{0xca, 0xfe}); err != nil {
		log.Print(err)
	}

	// In namespace "/chat": every socket of room "lobby" joins "game-1",
	// then those of "afk" are disconnected, their connections closed.
	chat := e.Of("/chat")
	if err := chat.In("lobby").SocketsJoin(ctx, "game-1"); err != nil {
		log.Print(err)
	}
	if err := chat.In("afk").DisconnectSockets(ctx, true); err != nil {
		log.Print(err)
	}

	// To the servers themselves (Namespace.OnServerSideEmit).
	if err := e.ServerSideEmit(ctx, "reload-config", "v2"); err != nil {
		log.Print(err)
	}
}
