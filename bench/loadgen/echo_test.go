package loadgen

import (
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// startBatchAcker starts a tornadio server that holds each socket's echoes
// and acknowledges them only once it holds batch of them, all at once: a
// client keeping fewer than batch echoes in flight never gets an ack. It
// reports the most echoes it ever held for one socket.
func startBatchAcker(t *testing.T, batch int) (addr string, most func() int) {
	t.Helper()
	var mu sync.Mutex
	peak := 0
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		var held []tornadio.Ack // touched on the socket's loop only
		s.On("echo", func(a tornadio.Args, ack tornadio.Ack) {
			held = append(held, ack)
			mu.Lock()
			peak = max(peak, len(held))
			mu.Unlock()
			if len(held) < batch {
				return
			}
			for _, f := range held {
				f(rawArgs(a)...)
			}
			held = held[:0]
		})
	})
	return serve(t, srv), func() int { mu.Lock(); defer mu.Unlock(); return peak }
}

func TestEchoWindowKeepsThatManyInFlight(t *testing.T) {
	t.Parallel()
	addr, most := startBatchAcker(t, 4)
	res := run(t, Config{Scenario: Echo, Target: addr, Clients: 5, Window: 4, Duration: time.Second})
	checkEcho(t, res)
	if got := most(); got != 4 {
		t.Errorf("the server held at most %d echoes of one socket, want the window, 4", got)
	}
	if res.Params.Window != 4 {
		t.Errorf("params report window %d", res.Params.Window)
	}
}

func TestEchoBrowserLikeKeepsOneInFlight(t *testing.T) {
	t.Parallel()
	addr, most := startBatchAcker(t, 1)
	res := run(t, Config{Scenario: Echo, Target: addr, Clients: 5, Duration: 500 * time.Millisecond})
	checkEcho(t, res)
	if got := most(); got != 1 {
		t.Errorf("the server held at most %d echoes of one socket, want 1", got)
	}
}

func TestRawEchoWindow(t *testing.T) {
	t.Parallel()
	addr := startRaw(t)
	checkEcho(t, run(t, Config{Scenario: Echo, Target: addr, Raw: true, Clients: 10, Window: 8, Duration: 500 * time.Millisecond}))
}

func TestWindowIsForEchoOnly(t *testing.T) {
	for _, sc := range []string{Broadcast, Conns, PollingEcho} {
		cfg := Config{Scenario: sc, Target: "127.0.0.1:1", Window: 2}
		if err := cfg.Normalize(); err == nil {
			t.Errorf("%s accepted a window of 2", sc)
		}
	}
	cfg := Config{Scenario: Echo, Target: "127.0.0.1:1"}
	if err := cfg.Normalize(); err != nil || cfg.Window != 1 {
		t.Errorf("default window %d, %v; want 1", cfg.Window, err)
	}
}
