package tornadio_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/loop"
)

// Emit's backpressure never waits where waiting could stop a loop: on the
// loop itself, on a worker (a loop may be waiting to hand it a callback),
// or once the server shuts down.

// burst is more broadcasts than a loop's mailbox takes before a poster
// that may wait waits.
const burst = 3 * loop.MailboxHighWater

// TestEmitOnLoopNeverWaits: a handler on an event loop that broadcasts far
// past the mailbox's high-water mark does not wait for the loop it runs on
// (each such wait would last loop.MailboxStall).
func TestEmitOnLoopNeverWaits(t *testing.T) {
	done := make(chan time.Duration, 1)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.OnConnection(func(s *tornadio.Socket) {
			s.On("burst", func(*tornadio.Socket, tornadio.Args) {
				start := time.Now()
				for range burst {
					srv.Emit("tick")
				}
				done <- time.Since(start)
			})
		})
	}, tornadio.WithEventLoops(1))
	ws, _ := mainClients(t, srv, 1)
	ws[0].writeText(`42["burst"]`)
	select {
	case d := <-done:
		t.Logf("%d broadcasts from a handler on the loop in %v", burst, d)
	case <-time.After(60 * time.Second):
		t.Fatal("a handler on the event loop waited for its own mailbox")
	}
}

// TestEmitOnWorkerNeverWaits: with workers, a loop whose worker's queue is
// full waits for the worker; the worker, broadcasting past the loop's
// high-water mark meanwhile, must not wait for that loop.
func TestEmitOnWorkerNeverWaits(t *testing.T) {
	release := make(chan struct{})
	var handled atomic.Int64
	const events = 3000 // more than a worker's queue holds: the loop blocks
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.OnConnection(func(s *tornadio.Socket) {
			s.On("e", func(*tornadio.Socket, tornadio.Args) {
				if handled.Add(1) == 1 {
					<-release // the loop fills this worker's queue meanwhile
					for range burst {
						srv.Emit("tick")
					}
				}
			})
		})
	}, tornadio.WithEventLoops(1), tornadio.WithWorkers(1))
	ws, _ := mainClients(t, srv, 1)
	go func() {
		for range events {
			if err := ws[0].writeFrame(1, true, []byte(`42["e"]`)); err != nil {
				return
			}
		}
	}()
	time.Sleep(100 * time.Millisecond) // not a synchronisation: gives the loop time to fill the queue
	close(release)
	if !tcWaitFor(60*time.Second, func() bool { return handled.Load() == events }) {
		t.Fatalf("%d of %d events handled: the worker waited for a loop that waits for it", handled.Load(), events)
	}
}

// TestShutdownReleasesEmitters: goroutines broadcasting in a tight loop to
// clients that never read do not hold Shutdown up, and stop waiting once
// the server is down.
func TestShutdownReleasesEmitters(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(2), tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	mainClients(t, srv, 4)
	var stop atomic.Bool
	ended := make(chan struct{}, 4)
	for range 4 {
		go func() {
			defer func() { ended <- struct{}{} }()
			for !stop.Load() {
				srv.Emit("flood", "0123456789012345678901234567890123456789")
			}
		}()
	}
	time.Sleep(200 * time.Millisecond) // not a synchronisation: lets the mailboxes fill
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with emitters waiting: %v", err)
	}
	stop.Store(true)
	for range 4 {
		select {
		case <-ended:
		case <-time.After(30 * time.Second):
			t.Fatal("an emitter still waits after Shutdown")
		}
	}
}
