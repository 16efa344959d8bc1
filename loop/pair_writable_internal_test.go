package loop

import (
	"bufio"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// A goroutine-pair connection (TLS, say) whose client stops reading holds
// at most a handoff in its writer's queue: the rest waits in the outbox,
// shared frames by reference, until the session is cut as a slow
// consumer.
func TestPairHoldsAHandoff(t *testing.T) {
	const bound = 256 << 10
	e := New(Options{Loops: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	app := sessionsApp{opened: make(chan *transports.Session, 1)}
	srv := transports.NewServer(transports.Config{WebSocket: true, MaxBuffered: bound}, app, e, e.Loops())
	e.Bind(srv)
	if err := e.StartLoops(); err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, e)
	client, server := tcpPair(t)
	if err := e.ServeConn(opaque{server}, []byte(wsUpgrade)); err != nil {
		t.Fatal(err)
	}
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(client)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 101 {
		t.Fatalf("upgrade answer: %v %v", resp, err)
	}
	var s *transports.Session
	select {
	case s = <-app.opened:
	case <-time.After(5 * time.Second):
		t.Fatal("no session")
	}
	var x *pairConn
	e.pairs.mu.Lock()
	for p := range e.pairs.m {
		x = p
	}
	e.pairs.mu.Unlock()

	// The client reads nothing from now on.
	const handoff = bound / 8 // what the machine hands an edge at most for this bound
	maxQueued, cut := int64(0), false
	for i := 0; i < 10_000 && !cut; i++ {
		done := make(chan struct{})
		e.Post(0, func() {
			defer close(done)
			m := transports.NewShared(make([]byte, 16500))
			for range 8 {
				if s.SendShared(m) == transports.SendCut {
					cut = true
					return
				}
				if held := s.Buffered(); held > bound {
					t.Errorf("%d bytes held, bound %d", held, bound)
				}
			}
			maxQueued = max(maxQueued, x.buffered.Load())
		})
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the loop runs nothing")
		}
	}
	if !cut {
		t.Fatal("never cut")
	}
	if maxQueued > handoff {
		t.Fatalf("the writer held %d bytes, handoff %d", maxQueued, handoff)
	}
}
