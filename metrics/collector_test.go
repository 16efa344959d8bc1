package metrics_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/metrics"
)

// fakeSource returns a fixed snapshot and counts the calls.
type fakeSource struct {
	st    tornadio.Stats
	calls atomic.Int64
}

func (f *fakeSource) Stats() tornadio.Stats {
	f.calls.Add(1)
	return f.st
}

// fullStats has a distinct value in every field.
func fullStats() tornadio.Stats {
	return tornadio.Stats{
		Sessions: []tornadio.SessionGauge{
			{Transport: "websocket", Road: tornadio.RoadCurrent, Count: 3},
			{Transport: "polling", Road: tornadio.RoadCurrent, Count: 2},
			{Transport: "xhr-polling", Road: tornadio.RoadLegacy, Count: 1},
		},
		Sockets:           map[string]int{"/": 4, "/chat": 1},
		Connects:          map[string]uint64{"/": 10, "/chat": 5},
		Disconnects:       map[tornadio.DisconnectReason]uint64{tornadio.ReasonTransportClose: 7, tornadio.ReasonSlowConsumer: 2},
		Handshakes:        20,
		HandshakesRefused: map[string]uint64{"rate": 6, "bad request": 1},
		EventsIn:          100,
		EventsOut:         200,
		BytesIn:           3000,
		BytesOut:          4000,
		Broadcasts:        11,
		Deliveries:        44,
		Dropped:           3,
		SlowConsumerCuts:  2,
		AckTimeouts:       9,
		Loops: []tornadio.LoopStats{
			{MailboxDepth: 5, TimerLag: 1500 * time.Millisecond, Connections: 6},
			{MailboxDepth: 0, TimerLag: 0, Connections: 1},
		},
	}
}

func TestCollectorReportsEveryField(t *testing.T) {
	src := &fakeSource{st: fullStats()}
	s := scrape(t, serveMetrics(t, metrics.NewCollector(src)))

	s.expect(t, "tornadio_sessions", "road=current,transport=websocket", 3)
	s.expect(t, "tornadio_sessions", "road=current,transport=polling", 2)
	s.expect(t, "tornadio_sessions", "road=legacy,transport=xhr-polling", 1)
	s.expect(t, "tornadio_sockets", "namespace=/", 4)
	s.expect(t, "tornadio_sockets", "namespace=/chat", 1)
	s.expect(t, "tornadio_connects_total", "namespace=/", 10)
	s.expect(t, "tornadio_connects_total", "namespace=/chat", 5)
	s.expect(t, "tornadio_disconnects_total", "reason=transport close", 7)
	s.expect(t, "tornadio_disconnects_total", "reason=slow consumer", 2)
	s.expect(t, "tornadio_handshakes_total", "", 20)
	s.expect(t, "tornadio_handshakes_refused_total", "reason=rate", 6)
	s.expect(t, "tornadio_handshakes_refused_total", "reason=bad request", 1)
	s.expect(t, "tornadio_events_received_total", "", 100)
	s.expect(t, "tornadio_events_sent_total", "", 200)
	s.expect(t, "tornadio_received_bytes_total", "", 3000)
	s.expect(t, "tornadio_sent_bytes_total", "", 4000)
	s.expect(t, "tornadio_broadcasts_total", "", 11)
	s.expect(t, "tornadio_deliveries_total", "", 44)
	s.expect(t, "tornadio_dropped_total", "", 3)
	s.expect(t, "tornadio_slow_consumer_cuts_total", "", 2)
	s.expect(t, "tornadio_ack_timeouts_total", "", 9)
	s.expect(t, "tornadio_loop_mailbox_depth", "loop=0", 5)
	s.expect(t, "tornadio_loop_mailbox_depth", "loop=1", 0)
	s.expect(t, "tornadio_loop_timer_lag_seconds", "loop=0", 1.5)
	s.expect(t, "tornadio_loop_connections", "loop=0", 6)
	s.expect(t, "tornadio_loop_connections", "loop=1", 1)
	if t.Failed() {
		t.Logf("scrape:\n%s", s)
	}
}

func TestCollectorReadsOneSnapshotPerScrape(t *testing.T) {
	src := &fakeSource{st: fullStats()}
	url := serveMetrics(t, metrics.NewCollector(src))
	scrape(t, url)
	if n := src.calls.Load(); n != 1 {
		t.Fatalf("one scrape called Stats %d times, want 1", n)
	}
	scrape(t, url)
	if n := src.calls.Load(); n != 2 {
		t.Fatalf("two scrapes called Stats %d times, want 2", n)
	}
}

// A snapshot that lists a transport and road twice must still scrape
// (a registry refuses duplicate samples): the counts add up.
func TestCollectorSumsRepeatedSessionGauges(t *testing.T) {
	src := &fakeSource{st: tornadio.Stats{Sessions: []tornadio.SessionGauge{
		{Transport: "websocket", Road: tornadio.RoadCurrent, Count: 2},
		{Transport: "websocket", Road: tornadio.RoadLegacy, Count: 5},
		{Transport: "websocket", Road: tornadio.RoadCurrent, Count: 3},
	}}}
	s := scrape(t, serveMetrics(t, metrics.NewCollector(src)))
	s.expect(t, "tornadio_sessions", "road=current,transport=websocket", 5)
	s.expect(t, "tornadio_sessions", "road=legacy,transport=websocket", 5)
}

// The metric names follow Prometheus' conventions, as its linter checks
// them (counters end in _total, units are base units, help on each).
func TestCollectorPassesPromLint(t *testing.T) {
	problems, err := testutil.CollectAndLint(metrics.NewCollector(&fakeSource{st: fullStats()}))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

// countingAdapter is an in-memory adapter that reports fixed request
// counters, as a cluster adapter would.
type countingAdapter struct {
	adapter.InMemory
	stats adapter.RequestStats
}

func (a countingAdapter) RequestStats() adapter.RequestStats { return a.stats }

func TestCollectorReportsAdapterRequests(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithAdapter(func(nsp string, local *adapter.Local) adapter.Adapter {
		if nsp == "/plain" {
			return adapter.NewInMemory(nsp, local)
		}
		return countingAdapter{InMemory: adapter.InMemory{Local: local}, stats: adapter.RequestStats{Requests: uint64(len(nsp)) * 10, Timeouts: uint64(len(nsp))}}
	}))
	chat, plain := srv.Of("/chat"), srv.Of("/plain")
	c := metrics.NewCollector(&fakeSource{}, metrics.WithNamespaces(srv.Of("/"), chat, plain, chat))
	s := scrape(t, serveMetrics(t, c))

	s.expect(t, "tornadio_adapter_requests_total", "namespace=/", 10)
	s.expect(t, "tornadio_adapter_request_timeouts_total", "namespace=/", 1)
	s.expect(t, "tornadio_adapter_requests_total", "namespace=/chat", 50)
	s.expect(t, "tornadio_adapter_request_timeouts_total", "namespace=/chat", 5)
	if _, ok := s.value("tornadio_adapter_requests_total", "namespace=/plain"); ok {
		t.Errorf("the in-memory adapter, which counts no request, has a sample:\n%s", s)
	}
	if n := len(s["tornadio_adapter_requests_total"]); n != 2 {
		t.Errorf("%d adapter request samples, want 2 (a namespace listed twice counts once):\n%s", n, s)
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", s)
	}
}

// A source that cannot tell of its namespaces (not a NamespaceWatcher)
// and no WithNamespaces: the collector reports no adapter metric.
func TestCollectorWithoutNamespacesHasNoAdapterMetrics(t *testing.T) {
	s := scrape(t, serveMetrics(t, metrics.NewCollector(&fakeSource{st: fullStats()})))
	for name := range s {
		if strings.HasPrefix(name, "tornadio_adapter_") {
			t.Errorf("%s reported without WithNamespaces", name)
		}
	}
}
