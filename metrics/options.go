package metrics

import "github.com/tornadio/tornadio"

// Option tunes a collector made by NewCollector.
type Option func(*config)

type config struct {
	namespaces []*tornadio.Namespace
}

// WithNamespaces makes the collector report the cluster requests of each
// namespace's adapter (tornadio_adapter_requests_total and
// tornadio_adapter_request_timeouts_total, labelled with the namespace),
// for the adapters that count them (adapter.RequestCounter: the Redis
// adapters do; the in-memory one has no other node to ask). A namespace
// listed twice is reported once.
func WithNamespaces(namespaces ...*tornadio.Namespace) Option {
	return func(c *config) { c.namespaces = append(c.namespaces, namespaces...) }
}
