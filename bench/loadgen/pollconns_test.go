package loadgen

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// holdPolling opens n idle polling sessions against a fresh tornadio
// server, holds them for hold, and returns the result with the server's
// session count taken at the end of the hold, before the sockets close.
func holdPolling(t *testing.T, n int, hold time.Duration, opts ...tornadio.Option) (*Result, int) {
	t.Helper()
	base := []tornadio.Option{tornadio.WithEventLoops(1), tornadio.WithTransports(tornadio.TransportPolling)}
	srv := tornadio.NewServer(append(base, opts...)...)
	srv.Of("/").OnConnection(func(*tornadio.Socket) {})
	addr := serve(t, srv)
	cfg := Config{Scenario: Conns, Transport: Polling, Target: addr, Clients: n, Rate: 2000, Hold: hold, SrcIPs: 3}
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	cfg.Procs = 1
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	s, err := NewSession(cfg, Share{Count: n})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(ctx); err != nil {
		s.Close()
		t.Fatal(err)
	}
	err = s.Run(ctx)
	live := srv.SessionCount()
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	res := Merge(cfg, start, []*Part{s.Part()}, cpuTimes{})
	b, _ := json.Marshal(res)
	t.Logf("%s", b)
	if res.Transport != Polling {
		t.Errorf("transport %q", res.Transport)
	}
	if res.Connect.Connected != int64(n) || res.Connect.Failed != 0 || res.Results.Dropped != 0 || res.Results.Alive != int64(n) {
		t.Errorf("connected %d of %d, failed %d, dropped %d, alive %d, errors %v",
			res.Connect.Connected, n, res.Connect.Failed, res.Results.Dropped, res.Results.Alive, res.Errors)
	}
	if l := res.Connect.LatencyUS; l.Count != uint64(n) || l.P50 <= 0 || l.P99 < l.P50 {
		t.Errorf("connect latency %+v", l)
	}
	if live != n {
		t.Errorf("server holds %d sessions at the end of the hold, want %d", live, n)
	}
	return res, live
}

// Pings every 200 ms with a 300 ms timeout: the sessions survive the 2 s
// hold only if every ping's GET is re-parked and its pong posted.
func TestPollingConns(t *testing.T) {
	t.Parallel()
	res, _ := holdPolling(t, 200, 2*time.Second, tornadio.WithPingInterval(200*time.Millisecond), tornadio.WithPingTimeout(300*time.Millisecond))
	if res.Results.PingsAnswered < 200*5 {
		t.Errorf("pings answered %d, want ≥ %d", res.Results.PingsAnswered, 200*5)
	}
}

// A server closing idle keep-alive connections well within the ping
// interval (as Node does after 5 s): the POST connection is reopened for
// each pong, not as soon as it closes, and the sessions survive.
func TestPollingConnsIdleClose(t *testing.T) {
	t.Parallel()
	res, _ := holdPolling(t, 20, 1500*time.Millisecond,
		tornadio.WithPingInterval(400*time.Millisecond), tornadio.WithPingTimeout(500*time.Millisecond),
		tornadio.WithHTTPIdleTimeout(100*time.Millisecond))
	if res.Results.PingsAnswered < 20*2 {
		t.Errorf("pings answered %d", res.Results.PingsAnswered)
	}
	if res.Errors["polling: idle POST connection closed by the server (reopened on demand)"] == 0 {
		t.Errorf("the server never closed an idle POST connection: %v", res.Errors)
	}
	// Each reopening is for a pong: at most one per ping, plus the CONNECT.
	if r := res.Errors["polling: reconnects (keep-alive closed by the server)"]; r > res.Results.PingsAnswered {
		t.Errorf("%d immediate reconnects for %d pings", r, res.Results.PingsAnswered)
	}
}

func TestTransportConfig(t *testing.T) {
	for _, c := range []struct {
		cfg     Config
		ok      bool
		sockets int
	}{
		{Config{Scenario: Conns, Clients: 10}, true, 10},
		{Config{Scenario: Conns, Clients: 10, Transport: Polling}, true, 20},
		{Config{Scenario: PollingEcho, Clients: 10}, true, 20},
		{Config{Scenario: Conns, Transport: Polling, Raw: true}, false, 0},
		{Config{Scenario: Echo, Transport: Polling}, false, 0},
		{Config{Scenario: Conns, Transport: "carrier-pigeon"}, false, 0},
	} {
		cfg := c.cfg
		cfg.Target = "127.0.0.1:1"
		err := cfg.Normalize()
		if (err == nil) != c.ok {
			t.Errorf("%+v: err %v", c.cfg, err)
			continue
		}
		if err == nil && cfg.Sockets() != c.sockets {
			t.Errorf("%+v: %d sockets, want %d", c.cfg, cfg.Sockets(), c.sockets)
		}
	}
	cfg := Config{Scenario: Conns, Transport: Polling, Target: "127.0.0.1:1", Clients: 19000}
	if cfg.Normalize(); cfg.Procs != 2 {
		t.Errorf("19000 polling sessions (38000 sockets) in %d processes, want 2", cfg.Procs)
	}
}
