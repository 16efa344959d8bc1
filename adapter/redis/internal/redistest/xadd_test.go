package redistest

import "github.com/redis/go-redis/v9"

// redisXAdd builds an XADD shaped like the streams adapter's.
type redisXAdd struct{ data string }

func (x redisXAdd) args() *redis.XAddArgs {
	return &redis.XAddArgs{Stream: "socket.io", MaxLen: 10000, Approx: true, Values: []any{"uid", "u", "nsp", "/", "type", "3", "data", x.data}}
}
