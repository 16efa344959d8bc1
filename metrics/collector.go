package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
)

// Source is what a collector reads at each scrape: *tornadio.Server
// satisfies it. Stats must be safe to call from any goroutine.
type Source interface{ Stats() tornadio.Stats }

// descs are the collector's metrics, made once per collector.
type descs struct {
	sessions, sockets, connects, disconnects              *prometheus.Desc
	handshakes, handshakesRefused                         *prometheus.Desc
	eventsIn, eventsOut, bytesIn, bytesOut                *prometheus.Desc
	broadcasts, deliveries, dropped, slowCuts, ackTimeout *prometheus.Desc
	mailboxDepth, timerLag, loopConnections               *prometheus.Desc
	adapterRequests, adapterTimeouts                      *prometheus.Desc
}

func newDescs() descs {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("tornadio_"+name, help, labels, nil)
	}
	return descs{
		sessions:          d("sessions", "Open sessions, by transport and protocol road (current or legacy).", "transport", "road"),
		sockets:           d("sockets", "Connected sockets, by namespace.", "namespace"),
		connects:          d("connects_total", "Sockets connected, by namespace.", "namespace"),
		disconnects:       d("disconnects_total", "Sockets disconnected, by reason.", "reason"),
		handshakes:        d("handshakes_total", "Sessions opened."),
		handshakesRefused: d("handshakes_refused_total", "Handshakes refused by admission limits or AllowRequest, by reason.", "reason"),
		eventsIn:          d("events_received_total", "Socket.IO event packets received from clients."),
		eventsOut:         d("events_sent_total", "Socket.IO event packets sent to clients."),
		bytesIn:           d("received_bytes_total", "Payload bytes of Engine.IO and legacy messages received."),
		bytesOut:          d("sent_bytes_total", "Payload bytes of Engine.IO and legacy messages sent."),
		broadcasts:        d("broadcasts_total", "Broadcasts made on this node, local or from the adapter."),
		deliveries:        d("deliveries_total", "Packets handed to a socket by broadcasts."),
		dropped:           d("dropped_total", "Volatile packets dropped because the client was not writable."),
		slowCuts:          d("slow_consumer_cuts_total", "Connections closed as slow consumers (their output passed the buffer bound)."),
		ackTimeout:        d("ack_timeouts_total", "Acknowledgements that timed out."),
		mailboxDepth:      d("loop_mailbox_depth", "Functions posted to the event loop and not run yet.", "loop"),
		timerLag:          d("loop_timer_lag_seconds", "How late the event loop's last timer ran past its due time.", "loop"),
		loopConnections:   d("loop_connections", "Connections the event loop serves.", "loop"),
		adapterRequests:   d("adapter_requests_total", "Requests the namespace's adapter sent to the other nodes of its cluster.", "namespace"),
		adapterTimeouts:   d("adapter_request_timeouts_total", "Cluster requests that timed out before every node answered.", "namespace"),
	}
}

func (d *descs) all() []*prometheus.Desc {
	return []*prometheus.Desc{
		d.sessions, d.sockets, d.connects, d.disconnects,
		d.handshakes, d.handshakesRefused,
		d.eventsIn, d.eventsOut, d.bytesIn, d.bytesOut,
		d.broadcasts, d.deliveries, d.dropped, d.slowCuts, d.ackTimeout,
		d.mailboxDepth, d.timerLag, d.loopConnections,
		d.adapterRequests, d.adapterTimeouts,
	}
}

type collector struct {
	src  Source
	d    descs
	nsps namespaceSet // the namespaces whose adapters' requests are reported
}

// NewCollector returns a Prometheus collector of src's counters. Each
// scrape reads src.Stats() once, so every metric of a scrape comes from
// the same snapshot. The metrics:
//
//	tornadio_sessions{transport,road}            gauge
//	tornadio_sockets{namespace}                  gauge
//	tornadio_connects_total{namespace}           counter
//	tornadio_disconnects_total{reason}           counter
//	tornadio_handshakes_total                    counter
//	tornadio_handshakes_refused_total{reason}    counter
//	tornadio_events_received_total               counter
//	tornadio_events_sent_total                   counter
//	tornadio_received_bytes_total                counter
//	tornadio_sent_bytes_total                    counter
//	tornadio_broadcasts_total                    counter
//	tornadio_deliveries_total                    counter
//	tornadio_dropped_total                       counter
//	tornadio_slow_consumer_cuts_total            counter
//	tornadio_ack_timeouts_total                  counter
//	tornadio_loop_mailbox_depth{loop}            gauge
//	tornadio_loop_timer_lag_seconds{loop}        gauge
//	tornadio_loop_connections{loop}              gauge
//
// and, per namespace whose adapter counts its requests to the other nodes
// of its cluster (adapter.RequestCounter: the Redis adapters do; the
// in-memory one has no other node to ask):
//
//	tornadio_adapter_requests_total{namespace}          counter
//	tornadio_adapter_request_timeouts_total{namespace}  counter
//
// The namespaces are every namespace of src when src is a
// NamespaceWatcher (a *tornadio.Server), learnt through OnNamespace as
// they are made, or those WithNamespaces lists. The collector stays
// registered with the server's OnNamespace for the server's life: make
// one collector per server, not one per scrape.
//
// The loop label is the event loop's index, from "0".
func NewCollector(src Source, opts ...Option) prometheus.Collector {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	c := &collector{src: src, d: newDescs()}
	if cfg.listed {
		for _, ns := range cfg.namespaces {
			c.nsps.add(ns)
		}
	} else if w, ok := src.(NamespaceWatcher); ok {
		w.OnNamespace(c.nsps.add)
	}
	return c
}

// Describe sends every metric's description, adapters' included: a
// collector's set of metrics does not change between scrapes.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.d.all() {
		ch <- d
	}
}

// Collect sends the metrics of one Stats snapshot.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	st := c.src.Stats()
	d := &c.d
	counter := func(desc *prometheus.Desc, v uint64, labels ...string) {
		ch <- constMetric(desc, prometheus.CounterValue, float64(v), labels)
	}
	gauge := func(desc *prometheus.Desc, v float64, labels ...string) {
		ch <- constMetric(desc, prometheus.GaugeValue, v, labels)
	}

	for k, n := range sessionCounts(st.Sessions) {
		gauge(d.sessions, float64(n), k.transport, k.road)
	}
	for nsp, n := range st.Sockets {
		gauge(d.sockets, float64(n), nsp)
	}
	for nsp, n := range st.Connects {
		counter(d.connects, n, nsp)
	}
	for reason, n := range st.Disconnects {
		counter(d.disconnects, n, string(reason))
	}
	counter(d.handshakes, st.Handshakes)
	for reason, n := range st.HandshakesRefused {
		counter(d.handshakesRefused, n, reason)
	}
	counter(d.eventsIn, st.EventsIn)
	counter(d.eventsOut, st.EventsOut)
	counter(d.bytesIn, st.BytesIn)
	counter(d.bytesOut, st.BytesOut)
	counter(d.broadcasts, st.Broadcasts)
	counter(d.deliveries, st.Deliveries)
	counter(d.dropped, st.Dropped)
	counter(d.slowCuts, st.SlowConsumerCuts)
	counter(d.ackTimeout, st.AckTimeouts)
	for i, l := range st.Loops {
		loop := strconv.Itoa(i)
		gauge(d.mailboxDepth, float64(l.MailboxDepth), loop)
		gauge(d.timerLag, l.TimerLag.Seconds(), loop)
		gauge(d.loopConnections, float64(l.Connections), loop)
	}
	c.collectAdapters(ch)
}

// collectAdapters sends the request counters of the namespaces' adapters
// that keep them.
func (c *collector) collectAdapters(ch chan<- prometheus.Metric) {
	for _, ns := range c.nsps.snapshot() {
		rc, ok := ns.Adapter().(adapter.RequestCounter)
		if !ok {
			continue
		}
		rs := rc.RequestStats()
		labels := []string{ns.Name()}
		ch <- constMetric(c.d.adapterRequests, prometheus.CounterValue, float64(rs.Requests), labels)
		ch <- constMetric(c.d.adapterTimeouts, prometheus.CounterValue, float64(rs.Timeouts), labels)
	}
}

// constMetric makes one sample; a label count that does not fit desc (a
// bug here) shows as an error of the scrape rather than a panic.
func constMetric(desc *prometheus.Desc, t prometheus.ValueType, v float64, labels []string) prometheus.Metric {
	m, err := prometheus.NewConstMetric(desc, t, v, labels...)
	if err != nil {
		return prometheus.NewInvalidMetric(desc, err)
	}
	return m
}

type sessionKey struct{ transport, road string }

// sessionCounts sums the session gauges per transport and road: a
// registry refuses two samples with the same labels.
func sessionCounts(gauges []tornadio.SessionGauge) map[sessionKey]int {
	out := make(map[sessionKey]int, len(gauges))
	for _, g := range gauges {
		out[sessionKey{g.Transport, g.Road}] += g.Count
	}
	return out
}
