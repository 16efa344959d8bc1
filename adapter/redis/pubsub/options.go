package pubsub

import (
	"log/slog"
	"time"
)

// Defaults, as Node's createAdapter has them.
const (
	DefaultKey             = "socket.io"
	DefaultRequestsTimeout = 5 * time.Second
	DefaultQueueSize       = 16384
)

// Option configures the adapters a New factory makes.
type Option func(*config)

type config struct {
	key             string
	requestsTimeout time.Duration
	specificChannel bool
	logger          *slog.Logger
	queueSize       int
}

func newConfig(opts []Option) config {
	c := config{key: DefaultKey, requestsTimeout: DefaultRequestsTimeout, logger: slog.Default(), queueSize: DefaultQueueSize}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithKey sets the prefix of every channel (Node's key option, default
// "socket.io"). Every node of a cluster must use the same.
func WithKey(key string) Option {
	return func(c *config) {
		if key != "" {
			c.key = key
		}
	}
}

// WithRequestsTimeout sets how long a request to the other nodes
// (FetchSockets, AllRooms, ServerSideEmit with an answer) waits for their
// answers (Node's requestsTimeout, default 5 s).
func WithRequestsTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.requestsTimeout = d
		}
	}
}

// WithPublishOnSpecificResponseChannel makes this node answer a request on
// the requester's own response channel ({key}-response#{nsp}#{uid}#)
// instead of the shared one (Node's publishOnSpecificResponseChannel,
// default false). Every node, Node or tornadio, listens on both.
func WithPublishOnSpecificResponseChannel(on bool) Option {
	return func(c *config) { c.specificChannel = on }
}

// WithLogger sets where the adapters report Redis errors and dropped
// messages (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithQueueSize bounds each adapter's queue of messages waiting to be
// published (default 16384). While Redis is unreachable the queue fills up;
// once it is full, new messages are dropped (and logged) rather than
// blocking the caller, which may be an event loop. A message whose PUBLISH
// fails is dropped too: Redis pub/sub does not keep messages for absent
// subscribers either.
func WithQueueSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.queueSize = n
		}
	}
}
