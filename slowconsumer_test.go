package tornadio_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestSlowConsumerBounded: a websocket client that stops reading while the
// server keeps emitting is disconnected with ReasonSlowConsumer, and the
// server's heap does not grow with what it was sent.
func TestSlowConsumerBounded(t *testing.T) {
	reasons := make(chan tornadio.DisconnectReason, 1)
	sockets := make(chan *tornadio.Socket, 1)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			s.OnDisconnect(func(r tornadio.DisconnectReason) { reasons <- r })
			sockets <- s
		})
	}, tornadio.WithMaxBufferedBytes(256<<10))

	ws := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	defer ws.close()
	ws.connectSIO()
	s := <-sockets

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	// 64 MiB of events, far more than the socket buffers of loopback hold;
	// the client reads none of it.
	payload := strings.Repeat("x", 16<<10)
	var reason tornadio.DisconnectReason
	sent := 0
	deadline := time.Now().Add(20 * time.Second)
emit:
	for sent < 4096 && time.Now().Before(deadline) {
		if err := s.Emit("flood", payload); err != nil {
			break
		}
		sent++
		select {
		case reason = <-reasons:
			break emit
		default:
		}
		if sent%64 == 0 {
			time.Sleep(time.Millisecond) // let the loop write
		}
	}
	if reason == "" {
		select {
		case reason = <-reasons:
		case <-time.After(5 * time.Second):
		}
	}
	if reason != tornadio.ReasonSlowConsumer {
		t.Fatalf("after %d events of 16 KiB: reason %q, want %q", sent, reason, tornadio.ReasonSlowConsumer)
	}

	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("disconnected after %d events (%d MiB emitted); heap grew %d KiB", sent, sent*16>>10, grown>>10)
	if grown > 16<<20 {
		t.Fatalf("heap grew %d MiB for a client that reads nothing", grown>>20)
	}
}
