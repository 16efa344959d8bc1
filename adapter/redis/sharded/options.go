package sharded

import (
	"log/slog"
	"time"
)

// SubscriptionMode says which channels a node listens on (Node's
// subscriptionMode).
type SubscriptionMode string

// The subscription modes.
const (
	// Dynamic: a channel per public room with a member on this node, and
	// single-room broadcasts to rooms not named like a socket id go to the
	// room's channel. Node's default.
	Dynamic SubscriptionMode = "dynamic"
	// DynamicPrivate: a channel per room, socket ids included.
	DynamicPrivate SubscriptionMode = "dynamic-private"
	// Static: the base channel and the response channel only.
	Static SubscriptionMode = "static"
)

// Option configures the adapter.
type Option func(*options)

type options struct {
	channelPrefix   string
	mode            SubscriptionMode
	requestsTimeout time.Duration
	logger          *slog.Logger
}

func defaultOptions() options {
	return options{channelPrefix: "socket.io", mode: Dynamic, logger: slog.Default()}
}

// WithChannelPrefix sets the prefix of the channels (Node's channelPrefix,
// "socket.io" by default).
func WithChannelPrefix(prefix string) Option { return func(o *options) { o.channelPrefix = prefix } }

// WithSubscriptionMode sets the subscription mode (Dynamic by default).
func WithSubscriptionMode(m SubscriptionMode) Option { return func(o *options) { o.mode = m } }

// WithRequestsTimeout sets how long FetchSockets and ServerSideEmit with
// answers wait for the other nodes (5 s by default, Node's fixed
// DEFAULT_TIMEOUT; FetchSockets with its own timeout uses that one).
func WithRequestsTimeout(d time.Duration) Option { return func(o *options) { o.requestsTimeout = d } }

// WithLogger sets where the adapters report their failures (a publication
// Redis refused, a message that does not decode, a lost subscription), with
// the namespace and the adapter's uid as attributes (default
// slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}
