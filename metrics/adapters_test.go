package metrics_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/metrics"
)

// withCountingAdapters gives every namespace an adapter that reports ten
// requests and one timeout per byte of the namespace's name.
func withCountingAdapters() tornadio.Option {
	return tornadio.WithAdapter(func(nsp string, local *adapter.Local) adapter.Adapter {
		n := uint64(len(nsp))
		return countingAdapter{InMemory: adapter.InMemory{Local: local}, stats: adapter.RequestStats{Requests: n * 10, Timeouts: n}}
	})
}

// A collector of a server reports the adapters of all its namespaces
// without being told of them: those made before it, after it, and on
// demand by an OfRegexp parent when a client first connects.
func TestCollectorOfAServerReportsEveryNamespacesAdapter(t *testing.T) {
	srv := startServer(t, withCountingAdapters())
	srv.Of("/before")
	srv.OfRegexp(regexp.MustCompile(`^/room-\d+$`))
	url := serveMetrics(t, metrics.NewCollector(srv))
	srv.Of("/after")

	s := scrape(t, url)
	s.expect(t, "tornadio_adapter_requests_total", "namespace=/", 10)
	s.expect(t, "tornadio_adapter_requests_total", "namespace=/before", 70)
	s.expect(t, "tornadio_adapter_requests_total", "namespace=/after", 60)
	if _, ok := s.value("tornadio_adapter_requests_total", "namespace=/room-42"); ok {
		t.Errorf("a namespace no client asked for yet has a sample:\n%s", s)
	}

	wsc := dialWebSocket(t, srv.Addr())
	wsc.write("40/room-42,")
	if p := wsc.read(); !strings.HasPrefix(p, "40/room-42,{") {
		t.Fatalf("CONNECT answer for /room-42: %q", p)
	}
	scrapeUntil(t, url, "the dynamic namespace's adapter", func(s scraped) error {
		c := checks{s: s}
		c.eq("tornadio_adapter_requests_total", "namespace=/room-42", 80)
		c.eq("tornadio_adapter_request_timeouts_total", "namespace=/room-42", 8)
		c.eq("tornadio_adapter_requests_total", "namespace=/", 10)
		return c.err()
	})
	if t.Failed() {
		t.Logf("scrape:\n%s", scrape(t, url))
	}
}

// WithNamespaces restricts a server's collector to the namespaces listed;
// listing none turns the adapter metrics off.
func TestWithNamespacesRestrictsAServersCollector(t *testing.T) {
	srv := startServer(t, withCountingAdapters())
	chat := srv.Of("/chat")
	srv.Of("/other")

	s := scrape(t, serveMetrics(t, metrics.NewCollector(srv, metrics.WithNamespaces(chat))))
	s.expect(t, "tornadio_adapter_requests_total", "namespace=/chat", 50)
	if n := len(s["tornadio_adapter_requests_total"]); n != 1 {
		t.Errorf("%d adapter request samples, want only /chat's:\n%s", n, s)
	}

	s = scrape(t, serveMetrics(t, metrics.NewCollector(srv, metrics.WithNamespaces())))
	for name := range s {
		if strings.HasPrefix(name, "tornadio_adapter_") {
			t.Errorf("%s reported with WithNamespaces()", name)
		}
	}
}
