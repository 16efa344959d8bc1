package streams

import (
	"log/slog"
	"time"
)

// Option sets one of the adapter's options; the defaults are the Node
// adapter's.
type Option func(*config)

type config struct {
	streamName       string
	streamCount      int
	channelPrefix    string
	useShardedPubSub bool
	maxLen           int64
	readCount        int64
	blockTime        time.Duration
	sessionKeyPrefix string
	onlyPlaintext    bool
	requestsTimeout  time.Duration
	logger           *slog.Logger
}

func defaultConfig() config {
	return config{
		streamName:       "socket.io",
		streamCount:      1,
		channelPrefix:    "socket.io",
		maxLen:           10000,
		readCount:        100,
		blockTime:        5 * time.Second,
		sessionKeyPrefix: "sio:session:",
		requestsTimeout:  5 * time.Second,
		logger:           slog.Default(),
	}
}

// WithStreamName names the stream (Node's streamName, default "socket.io").
func WithStreamName(name string) Option { return func(c *config) { c.streamName = name } }

// WithStreamCount spreads the namespaces over n streams, name-0 … name-(n-1)
// by the hash of the namespace's name (Node's streamCount, default 1).
func WithStreamCount(n int) Option { return func(c *config) { c.streamCount = max(n, 1) } }

// WithChannelPrefix sets the prefix of the pub/sub channels (Node's
// channelPrefix, default "socket.io").
func WithChannelPrefix(prefix string) Option { return func(c *config) { c.channelPrefix = prefix } }

// WithShardedPubSub sends the ephemeral messages with SPUBLISH and
// SSUBSCRIBE (Redis 7; Node's useShardedPubSub, default false).
func WithShardedPubSub(on bool) Option { return func(c *config) { c.useShardedPubSub = on } }

// WithMaxLen caps the stream at about n entries (XADD MAXLEN ~ n; Node's
// maxLen, default 10000).
func WithMaxLen(n int64) Option { return func(c *config) { c.maxLen = n } }

// WithReadCount is the number of entries one XREAD returns at most (Node's
// readCount, default 100).
func WithReadCount(n int64) Option { return func(c *config) { c.readCount = n } }

// WithBlockTime is how long one XREAD waits for entries (Node's
// blockTimeInMs, default 5 seconds). Closing the adapter does not wait for
// it.
func WithBlockTime(d time.Duration) Option { return func(c *config) { c.blockTime = d } }

// WithSessionKeyPrefix sets the prefix of the keys that hold disconnected
// sockets' state for connection state recovery (Node's sessionKeyPrefix,
// default "sio:session:").
func WithSessionKeyPrefix(prefix string) Option {
	return func(c *config) { c.sessionKeyPrefix = prefix }
}

// WithOnlyPlaintext writes every stream entry's data as JSON, binary as
// Node's Buffer JSON, never as msgpack (Node's onlyPlaintext, default
// false).
func WithOnlyPlaintext(on bool) Option { return func(c *config) { c.onlyPlaintext = on } }

// WithRequestsTimeout is how long a fetch or a server-side emit waits for
// the other nodes' answers (Node's ClusterAdapter uses 5 seconds and has no
// option; a fetch's own timeout wins).
func WithRequestsTimeout(d time.Duration) Option { return func(c *config) { c.requestsTimeout = d } }

// WithLogger sets where the adapters report their failures (a publication
// or a session Redis refused, a stream that cannot be read, a message that
// does not decode), with the namespace and the adapter's uid as attributes
// where they apply (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}
