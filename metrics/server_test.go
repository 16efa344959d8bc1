package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/metrics"
)

// startServer starts a tornadio server on a loopback port whose main
// namespace answers "ping" with "pong"; it shuts down when the test ends.
// opts come after the test's own.
func startServer(t *testing.T, opts ...tornadio.Option) *tornadio.Server {
	t.Helper()
	opts = append([]tornadio.Option{tornadio.WithEventLoops(2), tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}, opts...)
	srv := tornadio.NewServer(opts...)
	srv.Of("/").OnConnection(func(so *tornadio.Socket) {
		so.On("ping", func() { so.Emit("pong", 1) })
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv
}

// scrapeUntil scrapes url until cond holds (the server counts on its
// event loops, after what a client sees), failing after a generous
// deadline with what was still missing.
func scrapeUntil(t *testing.T, url, what string, cond func(s scraped) error) scraped {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := scrape(t, url)
		err := cond(s)
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v\nscrape:\n%s", what, err, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checks gathers the mismatches of one scrape.
type checks struct {
	s    scraped
	errs []string
}

func (c *checks) eq(name, labels string, want float64) {
	if got, ok := c.s.value(name, labels); !ok || got != want {
		c.errs = append(c.errs, fmt.Sprintf("%s{%s} = %v (present %v), want %v", name, labels, got, ok, want))
	}
}

func (c *checks) above(name, labels string, floor float64) {
	if got, ok := c.s.value(name, labels); !ok || got <= floor {
		c.errs = append(c.errs, fmt.Sprintf("%s{%s} = %v (present %v), want above %v", name, labels, got, ok, floor))
	}
}

func (c *checks) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(c.errs, "; "))
}

// TestCollectorOfARealServer drives a websocket and a polling client
// through a real server and scrapes promhttp's /metrics between steps.
func TestCollectorOfARealServer(t *testing.T) {
	srv := startServer(t)
	url := serveMetrics(t, metrics.NewCollector(srv))

	before := scrape(t, url)
	for _, name := range []string{"tornadio_handshakes_total", "tornadio_events_received_total", "tornadio_broadcasts_total"} {
		before.expect(t, name, "", 0)
	}
	before.expect(t, "tornadio_loop_connections", "loop=0", 0)
	before.expect(t, "tornadio_loop_connections", "loop=1", 0)
	if _, ok := before["tornadio_adapter_requests_total"]; ok {
		t.Errorf("the in-memory adapter reported cluster requests")
	}

	wsc := dialWebSocket(t, srv.Addr())
	wsc.write("40")
	if p := wsc.read(); !strings.HasPrefix(p, "40{") {
		t.Fatalf("websocket CONNECT answer %q", p)
	}
	wsc.write(`42["ping"]`)
	wsc.expect(`42["pong",1]`)

	pc := dialPolling(t, srv.Addr())
	pc.post("40")
	if packets := pc.get(); len(packets) != 1 || !strings.HasPrefix(packets[0], "40{") {
		t.Fatalf("polling CONNECT answer %q", packets)
	}
	pc.post(`42["ping"]`)
	pc.expect(`42["pong",1]`)

	connected := scrapeUntil(t, url, "two clients connected", func(s scraped) error {
		c := checks{s: s}
		c.eq("tornadio_handshakes_total", "", 2)
		c.eq("tornadio_sessions", "road=current,transport=websocket", 1)
		c.eq("tornadio_sessions", "road=current,transport=polling", 1)
		c.eq("tornadio_sockets", "namespace=/", 2)
		c.eq("tornadio_connects_total", "namespace=/", 2)
		c.eq("tornadio_events_received_total", "", 2)
		c.eq("tornadio_events_sent_total", "", 2)
		c.above("tornadio_received_bytes_total", "", 0)
		c.above("tornadio_sent_bytes_total", "", 0)
		if s["tornadio_loop_connections"]["loop=0"]+s["tornadio_loop_connections"]["loop=1"] < 1 {
			c.errs = append(c.errs, "no event loop serves a connection")
		}
		return c.err()
	})

	if err := srv.Emit("news", "x"); err != nil {
		t.Fatal(err)
	}
	wsc.expect(`42["news","x"]`)
	pc.expect(`42["news","x"]`)
	scrapeUntil(t, url, "a broadcast", func(s scraped) error {
		c := checks{s: s}
		c.eq("tornadio_broadcasts_total", "", 1)
		c.eq("tornadio_deliveries_total", "", 2)
		c.eq("tornadio_events_sent_total", "", 4)
		c.above("tornadio_sent_bytes_total", "", connected["tornadio_sent_bytes_total"][""])
		return c.err()
	})

	wsc.close()
	scrapeUntil(t, url, "the websocket client gone", func(s scraped) error {
		c := checks{s: s}
		c.eq("tornadio_disconnects_total", "reason=transport close", 1)
		c.eq("tornadio_sessions", "road=current,transport=websocket", 0)
		c.eq("tornadio_sessions", "road=current,transport=polling", 1)
		c.eq("tornadio_sockets", "namespace=/", 1)
		c.eq("tornadio_connects_total", "namespace=/", 2)
		c.eq("tornadio_handshakes_total", "", 2)
		return c.err()
	})
}
