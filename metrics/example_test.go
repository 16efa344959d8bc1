package metrics_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/metrics"
)

// A server's metrics on /metrics for Prometheus to scrape. Here the
// metrics are served on a port of their own, as they usually are, and
// scraped after one client's handshake.
func ExampleNewCollector() {
	srv := tornadio.NewServer(tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer srv.Shutdown(context.Background())

	// prometheus.MustRegister and promhttp.Handler() (the default
	// registry, with the Go runtime's metrics) do as well.
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.NewCollector(srv))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	ln, err := net.Listen("tcp", "127.0.0.1:0") // e.g. ":9090" in production
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	go http.Serve(ln, mux)

	// What socket.io-client asks first: an Engine.IO handshake.
	get("http://" + srv.Addr() + "/socket.io/?EIO=4&transport=polling")

	for _, line := range strings.Split(get("http://"+ln.Addr().String()+"/metrics"), "\n") {
		if strings.HasPrefix(line, "tornadio_handshakes_total ") || strings.HasPrefix(line, `tornadio_sessions{road="current",transport="polling"}`) {
			fmt.Println(line)
		}
	}
	// Output:
	// tornadio_handshakes_total 1
	// tornadio_sessions{road="current",transport="polling"} 1
}

func get(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		panic(err)
	}
	return string(body)
}
