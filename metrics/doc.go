// Package metrics exports a tornadio server's counters to Prometheus.
//
// It is a module of its own, so that the core module never depends on a
// metrics library: the server keeps plain counters (tornadio.Stats) and
// NewCollector turns one snapshot of them into Prometheus metrics at each
// scrape. Register the collector and serve the registry, for example with
// promhttp on /metrics:
//
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(metrics.NewCollector(srv))
//	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// Every metric is named tornadio_…: counters end in _total, sizes in
// _bytes, durations in _seconds (see NewCollector for the list).
// The cluster request counters of the namespaces' adapters (the Redis
// adapters count their requests to the other nodes) come for every
// namespace of the server, those made on demand by OfFunc or OfRegexp
// included; WithNamespaces restricts them to the namespaces it lists.
package metrics
