package metrics

import "github.com/tornadio/tornadio"

// Option tunes a collector made by NewCollector.
type Option func(*config)

type config struct {
	namespaces []*tornadio.Namespace
	listed     bool // WithNamespaces was given: only its namespaces count
}

// WithNamespaces restricts the adapter request counters
// (tornadio_adapter_requests_total and
// tornadio_adapter_request_timeouts_total) to the listed namespaces. By
// default a collector of a *tornadio.Server (a NamespaceWatcher) reports
// them for every namespace of the server, those made on demand included;
// list namespaces to keep the number of series down when namespaces are
// made per tenant or per room, or to name them when the Source cannot
// tell of its namespaces (it is not a NamespaceWatcher). WithNamespaces()
// with no namespace turns the adapter metrics off. A namespace listed
// twice is reported once; several WithNamespaces add up.
func WithNamespaces(namespaces ...*tornadio.Namespace) Option {
	return func(c *config) {
		c.listed = true
		c.namespaces = append(c.namespaces, namespaces...)
	}
}
