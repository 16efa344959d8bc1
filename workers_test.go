package tornadio_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestWorkersKeepLoopFree: with WithWorkers, a handler that blocks holds up
// only its own socket; another socket on the same loop is still answered.
func TestWorkersKeepLoopFree(t *testing.T) {
	release := make(chan struct{})
	blocked := make(chan struct{}, 1)
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithWorkers(2))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("block", func() {
			blocked <- struct{}{}
			<-release
		})
		s.On("echo", func(v string, ack tornadio.Ack) { ack(v) })
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)

	a := dialPolling(srv.Addr())
	a.send("40")
	a.poll()
	b := dialPolling(srv.Addr())
	b.send("40")
	b.poll()

	a.send(`42["block"]`)
	select {
	case <-blocked:
	case <-time.After(5 * time.Second):
		t.Fatal("blocking handler never ran")
	}
	b.send(`421["echo","still here"]`)
	if got := b.poll(); got != `431["still here"]` {
		t.Fatalf("other socket got %q while a handler blocked", got)
	}
	close(release)
	// a's later events still run, in order, after the blocked one.
	a.send(`422["echo","one"]` + "\x1e" + `423["echo","two"]`)
	got := a.poll()
	for !strings.Contains(got, "433") {
		got += "\x1e" + a.poll()
	}
	if got != `432["one"]`+"\x1e"+`433["two"]` {
		t.Fatalf("acks after unblocking: %q", got)
	}
}
