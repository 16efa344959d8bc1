package tornadio_test

import (
	"context"
	"sync/atomic"
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
	got := map[string]bool{}
	for range 3 {
		select {
		case name := <-fired:
			got[name] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("only %v fired", got)
		}
	}
	if !got["early"] || !got["late"] || !got["on-loop"] {
		t.Fatalf("fired %v, want early, late and on-loop (and no stopped one)", got)
	}
}

// closeCounting is an adapter that counts its Close calls.
type closeCounting struct {
	adapter.InMemory
	closed *atomic.Int32
}

func (a closeCounting) Close() error { a.closed.Add(1); return nil }

// TestShutdownClosesAdapters: Shutdown closes every namespace's adapter,
// so that a cluster adapter leaves the cluster (Node's io.close()).
func TestShutdownClosesAdapters(t *testing.T) {
	var closed atomic.Int32
	srv := tornadio.NewServer(tornadio.WithAdapter(func(nsp string, l *adapter.Local) adapter.Adapter {
		return closeCounting{InMemory: adapter.InMemory{Local: l}, closed: &closed}
	}))
	srv.Of("/")
	srv.Of("/chat")
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := closed.Load(); n != 2 {
		t.Fatalf("%d adapters closed, want 2", n)
	}
}
