package tornadio_test

import (
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
)

// TestClusterTimers: a cluster adapter's timers (Local.AfterFunc) fire on
// the loops' clock, those armed before Start once the server runs, and a
// stopped one never fires.
func TestClusterTimers(t *testing.T) {
	var local *adapter.Local
	srv := tornadio.NewServer(tornadio.WithEventLoops(2), tornadio.WithAdapter(func(nsp string, l *adapter.Local) adapter.Adapter {
		if nsp == "/" {
			local = l
		}
		return adapter.NewInMemory(nsp, l)
	}))
	srv.Of("/")
	fired := make(chan string, 4)
	local.AfterFunc(10*time.Millisecond, func() { fired <- "early" })
	stopEarly := local.AfterFunc(10*time.Millisecond, func() { fired <- "early-stopped" })
	stopEarly()
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	stopLate := local.AfterFunc(10*time.Millisecond, func() { fired <- "late-stopped" })
	stopLate()
	local.AfterFunc(20*time.Millisecond, func() { fired <- "late" })
	// Once a loop has had a connection, the timers go on its heap.
	c := dialPolling(srv.Addr())
	c.send("40")
	c.drain(t, 1)
	local.AfterFunc(30*time.Millisecond, func() { fired <- "on-loop" })
	stopOnLoop := local.AfterFunc(10*time.Millisecond, func() { fired <- "on-loop-stopped" })
	stopOnLoop()
	for _, want := range []string{"early", "late", "on-loop"} {
		select {
		case got := <-fired:
			if got != want {
				t.Fatalf("fired %q, want %q", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s timer never fired", want)
		}
	}
}
