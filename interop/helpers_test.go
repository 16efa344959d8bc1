package interop_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// testLogger sends the server's log to t.Log until the test ends.
func testLogger(t testing.TB) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(w.close) // registered first, so it runs after the server's Shutdown
	level := slog.LevelWarn
	if os.Getenv("INTEROP_LOG") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

type testWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log("server: " + strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testWriter) close() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
}

// Short heartbeats: the tests see pings, and dead peers go quickly.
const (
	testPingInterval = 500 * time.Millisecond
	testPingTimeout  = 1500 * time.Millisecond
)

// newUnstarted builds the server the tests here use: 4 event loops, short
// heartbeats, the test's logger; extra options come last and win. setup
// runs on it. It is not started: startServer starts it, the net/http tests
// mount it.
func newUnstarted(t testing.TB, setup func(*tornadio.Server), extra ...tornadio.Option) *tornadio.Server {
	t.Helper()
	requireNode(t) // every server here is for a Node.js client: skip or fail first
	opts := append([]tornadio.Option{
		tornadio.WithEventLoops(4),
		tornadio.WithPingInterval(testPingInterval),
		tornadio.WithPingTimeout(testPingTimeout),
		tornadio.WithLogger(testLogger(t)),
	}, extra...)
	srv := tornadio.NewServer(opts...)
	if setup != nil {
		setup(srv)
	}
	return srv
}

// startServer starts newUnstarted's server on a random loopback port and
// shuts it down when the test ends. It returns the server and its base URL.
func startServer(t testing.TB, setup func(*tornadio.Server), extra ...tornadio.Option) (*tornadio.Server, string) {
	t.Helper()
	srv := newUnstarted(t, setup, extra...)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { shutdown(t, srv) })
	return srv, "http://" + srv.Addr()
}

func shutdown(t testing.TB, srv *tornadio.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Errorf("Shutdown did not return within 15s")
	}
}

// discEvent is one OnDisconnect/OnClose call seen by the server.
type discEvent struct {
	id     string
	reason tornadio.DisconnectReason
	at     time.Time
}

type connInfo struct {
	at        time.Time
	transport string
}

type askAnswer struct {
	id      string
	answer  string
	doubled int
}

// recorder keeps what the server side observed.
type recorder struct {
	connCount atomic.Int64
	discCount atomic.Int64

	mu    sync.Mutex
	conns map[string]connInfo
	discs map[string][]discEvent

	discCh chan discEvent
	asks   chan askAnswer
}

func newRecorder() *recorder {
	return &recorder{
		conns:  map[string]connInfo{},
		discs:  map[string][]discEvent{},
		discCh: make(chan discEvent, 4096),
		asks:   make(chan askAnswer, 64),
	}
}

func (r *recorder) connected(s *tornadio.Socket) {
	r.mu.Lock()
	r.conns[s.ID()] = connInfo{at: time.Now(), transport: s.Transport()}
	r.mu.Unlock()
	r.connCount.Add(1)
}

func (r *recorder) disconnected(id string, reason tornadio.DisconnectReason) {
	ev := discEvent{id: id, reason: reason, at: time.Now()}
	r.mu.Lock()
	r.discs[id] = append(r.discs[id], ev)
	r.mu.Unlock()
	r.discCount.Add(1)
	select {
	case r.discCh <- ev:
	default:
	}
}

func (r *recorder) conn(id string) (connInfo, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.conns[id]
	return c, ok
}

func (r *recorder) disconnects(id string) []discEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]discEvent(nil), r.discs[id]...)
}

// waitDisconnect waits for the first disconnect of socket id.
func (r *recorder) waitDisconnect(t testing.TB, id string, within time.Duration) discEvent {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if d := r.disconnects(id); len(d) > 0 {
			return d[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("server saw no disconnect of socket %q within %v (connections seen: %v)", id, within, r.ids())
	return discEvent{}
}

// expectSingleDisconnect waits for socket id's disconnect, then makes sure no
// second one follows, and checks the reason.
func (r *recorder) expectSingleDisconnect(t testing.TB, id string, want tornadio.DisconnectReason) discEvent {
	t.Helper()
	ev := r.waitDisconnect(t, id, 5*time.Second)
	time.Sleep(500 * time.Millisecond)
	all := r.disconnects(id)
	if len(all) != 1 {
		t.Errorf("socket %s: OnDisconnect called %d times: %v", id, len(all), all)
	}
	if ev.reason != want {
		t.Errorf("socket %s: server-side disconnect reason = %q, want %q", id, ev.reason, want)
	}
	return ev
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for id := range r.conns {
		ids = append(ids, id)
	}
	return ids
}

// installTestNamespace wires the events every scenario of scenario.js uses
// on namespace "/".
func installTestNamespace(srv *tornadio.Server, rec *recorder) {
	ns := srv.Of("/")
	ns.OnConnection(func(s *tornadio.Socket) {
		rec.connected(s)
		id := s.ID()
		s.OnDisconnect(func(reason tornadio.DisconnectReason) { rec.disconnected(id, reason) })

		// echo answers the ack with what it got.
		s.On("echo", func(v any, ack tornadio.Ack) {
			if ack != nil {
				ack(v)
			}
		})
		// whoami tells the client how the server sees it.
		s.On("whoami", func(ack tornadio.Ack) {
			if ack != nil {
				ack(map[string]any{"id": s.ID(), "transport": s.Transport()})
			}
		})
		// ask-me makes the server emit "ask" with an ack callback; the
		// answer is recorded and sent back as "ask-result".
		s.On("ask-me", func(n int) {
			err := s.Emit("ask", "life", n, func(answer string, doubled int) {
				rec.asks <- askAnswer{id: id, answer: answer, doubled: doubled}
				_ = s.Emit("ask-result", map[string]any{"answer": answer, "doubled": doubled})
			})
			if err != nil {
				_ = s.Emit("ask-result", map[string]any{"error": err.Error()})
			}
		})
		// bin sends the bytes back both as the ack and as an event.
		s.On("bin", func(b []byte, ack tornadio.Ack) {
			if ack != nil {
				ack(b)
			}
			_ = s.Emit("bin-back", fmt.Sprintf("len:%d", len(b)), b)
		})
		// kick makes the server disconnect the socket.
		s.On("kick", func() {
			_ = s.Disconnect()
		})
		// burst emits "tick" (g, i) from several goroutines at once, then
		// "burst-done" once every Emit has returned.
		s.On("burst", func(spec burstSpec, ack tornadio.Ack) {
			if ack != nil {
				ack(true)
			}
			go func() {
				var wg sync.WaitGroup
				var errs atomic.Int64
				for g := range spec.Goroutines {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range spec.Count {
							if err := s.Emit("tick", g, i); err != nil {
								errs.Add(1)
							}
							if spec.PauseMs > 0 {
								time.Sleep(time.Duration(spec.PauseMs) * time.Millisecond)
							}
						}
					}()
				}
				wg.Wait()
				_ = s.Emit("burst-done", map[string]any{"errors": errs.Load(), "sent": spec.Goroutines * spec.Count})
			}()
		})
	})

	admin := srv.Of("/admin")
	admin.OnConnection(func(s *tornadio.Socket) {
		rec.connected(s)
		id := s.ID()
		s.OnDisconnect(func(reason tornadio.DisconnectReason) { rec.disconnected(id, reason) })
		s.On("whoami", func(ack tornadio.Ack) {
			if ack != nil {
				ack(map[string]any{"id": s.ID(), "nsp": "/admin", "transport": s.Transport()})
			}
		})
	})
}

type burstSpec struct {
	Goroutines int `json:"goroutines"`
	Count      int `json:"count"`
	PauseMs    int `json:"pauseMs"` // between two emits of one goroutine
}

// fetched is FetchSockets' result, which on a single node never fails.
func fetched(list []*tornadio.RemoteSocket, err error) []*tornadio.RemoteSocket {
	if err != nil {
		panic(err)
	}
	return list
}
