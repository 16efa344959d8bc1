package loadgen

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// startCounting starts a tornadio server with the benchmark contract that
// counts the sessions connected to it.
func startCounting(t *testing.T) (addr string, sessions *atomic.Int64) {
	t.Helper()
	sessions = new(atomic.Int64)
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	root := srv.Of("/")
	root.OnConnection(func(s *tornadio.Socket) {
		sessions.Add(1)
		s.On("broadcast", func(a tornadio.Args) {
			root.Emit("broadcast", rawArgs(a)...)
		})
	})
	return serve(t, srv), sessions
}

func TestTargetsDealClientsInTurn(t *testing.T) {
	t.Parallel()
	a, onA := startCounting(t)
	b, onB := startCounting(t)
	run(t, Config{Scenario: Conns, Target: a + "," + b, Clients: 11, Rate: 500, Hold: 300 * time.Millisecond, Loops: 2})
	if onA.Load() != 6 || onB.Load() != 5 {
		t.Errorf("sessions on the first server %d, on the second %d; want 6 and 5", onA.Load(), onB.Load())
	}
}

// Two servers that share nothing: the sender's broadcasts reach only the
// receivers of the first, which is where the sender connects.
func TestTargetsSenderOnFirst(t *testing.T) {
	t.Parallel()
	a, onA := startCounting(t)
	b, onB := startCounting(t)
	res := run(t, Config{Scenario: Broadcast, Target: a + "," + b, Clients: 10, Rate: 50, Duration: 500 * time.Millisecond})
	r := res.Results
	if onA.Load() != 6 || onB.Load() != 5 { // the sender is the sixth on the first
		t.Errorf("sessions on the first server %d, on the second %d; want 6 and 5", onA.Load(), onB.Load())
	}
	if r.Sent < 10 || r.Delivered != r.Sent*5 {
		t.Errorf("sent %d, delivered %d; want 5 deliveries a broadcast", r.Sent, r.Delivered)
	}
}

func TestTargetsAllLoopback(t *testing.T) {
	cfg := Config{Scenario: Echo, Target: "127.0.0.1:1,10.0.0.1:80"}
	if err := cfg.Normalize(); err == nil {
		t.Error("a non-loopback second target was accepted")
	}
	cfg = Config{Scenario: Echo, Target: "127.0.0.1:1,127.0.0.1:2"}
	if err := cfg.Normalize(); err != nil {
		t.Error(err)
	}
	if got := cfg.Targets(); len(got) != 2 || got[1] != "127.0.0.1:2" {
		t.Errorf("targets %q", got)
	}
}

// The max-rate sender is paced by the deliveries, not by Rate: it sends far
// more than the default 10 per second, and loses none.
func TestMaxRateBroadcast(t *testing.T) {
	t.Parallel()
	addr := startTornadio(t)
	res := run(t, Config{Scenario: Broadcast, Target: addr, Clients: 20, MaxRate: true, Window: 1, Duration: 500 * time.Millisecond, Loops: 2})
	r := res.Results
	if r.Sent < 50 || r.DeliveryRatio != 1 || !res.Params.MaxRate || res.Params.Window != 1 {
		t.Errorf("sent %d, delivered %d, ratio %v, params %+v", r.Sent, r.Delivered, r.DeliveryRatio, res.Params)
	}
}

func TestMaxRateConfig(t *testing.T) {
	cfg := Config{Scenario: Broadcast, Target: "127.0.0.1:1", MaxRate: true}
	if err := cfg.Normalize(); err != nil || cfg.Window != DefaultBroadcastWindow {
		t.Errorf("window %d, %v; want the default %d", cfg.Window, err, DefaultBroadcastWindow)
	}
	cfg = Config{Scenario: Echo, Target: "127.0.0.1:1", MaxRate: true}
	if cfg.Normalize() == nil {
		t.Error("max rate accepted for echo")
	}
	cfg = Config{Scenario: Broadcast, Target: "127.0.0.1:1", MaxRate: true, Clients: 30000}
	if cfg.Normalize() == nil {
		t.Error("max rate accepted over two processes")
	}
}
