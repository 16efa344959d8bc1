package tornadio_test

import (
	"testing"

	"github.com/tornadio/tornadio"
)

// TestWorkersEventBeforeOnConnection: with WithWorkers, OnConnection runs
// on the socket's worker after the client has its CONNECT answer, so an
// event may reach the loop before the handlers OnConnection registers
// exist; it is looked up on the worker, after OnConnection, and runs. The
// "/" socket (worker 0) answers a probe that shows the loop has dispatched
// the "/slow" event while that namespace's OnConnection (worker 1) was
// still held.
func TestWorkersEventBeforeOnConnection(t *testing.T) {
	release := make(chan struct{})
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			s.On("probe", func(ack tornadio.Ack) { ack("probed") })
		})
		srv.Of("/slow").OnConnection(func(s *tornadio.Socket) {
			<-release
			s.On("ev", func(ack tornadio.Ack) { ack("got") })
			s.Once("once", func(ack tornadio.Ack) { ack("once") })
		})
	}, tornadio.WithWorkers(2))
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	w.connectSIO() // "/": worker 0
	w.writeText("40/slow,")
	if p := w.mustReadPacket(); len(p) < 8 || p[:8] != "40/slow," {
		t.Fatalf("CONNECT /slow answer %q", p)
	}
	w.writeText(`42/slow,5["ev"]`)
	w.writeText(`42/slow,6["once"]`)
	w.writeText(`42/slow,7["once"]`)
	w.writeText(`421["probe"]`)
	if p := w.mustReadPacket(); p != `431["probed"]` {
		t.Fatalf("probe answer %q", p)
	}
	close(release)
	for _, want := range []string{`43/slow,5["got"]`, `43/slow,6["once"]`} {
		if p := w.mustReadPacket(); p != want {
			t.Fatalf("got %q, want %q", p, want)
		}
	}
	w.writeText(`422["probe"]`) // the second "once" found no handler: nothing before this
	if p := w.mustReadPacket(); p != `432["probed"]` {
		t.Fatalf("after the second once: %q", p)
	}
}
