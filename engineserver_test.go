package tornadio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

// startEngine starts an EngineServer on 127.0.0.1 with a silent logger,
// runs setup before Start, and shuts it down when the test ends.
func startEngine(t *testing.T, setup func(*tornadio.EngineServer), opts ...tornadio.Option) *tornadio.EngineServer {
	t.Helper()
	all := append([]tornadio.Option{
		tornadio.WithEventLoops(2),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}, opts...)
	srv := tornadio.NewEngineServer(all...)
	if setup != nil {
		setup(srv)
	}
	tcServe(t, srv)
	return srv
}

// engineEcho is an echo server's state as the tests see it: each session
// when it opens and each close reason.
type engineEcho struct {
	opened chan *tornadio.EngineSession
	closed chan tornadio.DisconnectReason
}

// echo sets srv to send every message back unchanged.
func echo(srv *tornadio.EngineServer) *engineEcho {
	e := &engineEcho{opened: make(chan *tornadio.EngineSession, 16), closed: make(chan tornadio.DisconnectReason, 16)}
	srv.OnConnection(func(s *tornadio.EngineSession) {
		s.OnMessage(func(data []byte, binary bool) { _ = s.Send(data, binary) })
		s.OnClose(func(r tornadio.DisconnectReason) { e.closed <- r })
		e.opened <- s
	})
	return e
}

func (e *engineEcho) session(t *testing.T) *tornadio.EngineSession {
	t.Helper()
	select {
	case s := <-e.opened:
		return s
	case <-time.After(tcIOTimeout):
		t.Fatal("no session opened")
		return nil
	}
}

func (e *engineEcho) wantClose(t *testing.T, want tornadio.DisconnectReason) {
	t.Helper()
	select {
	case r := <-e.closed:
		if r != want {
			t.Fatalf("OnClose(%q), want %q", r, want)
		}
	case <-time.After(tcIOTimeout):
		t.Fatalf("OnClose not called (want %q)", want)
	}
}

const enginePoll = "/engine.io/?EIO=4&transport=polling"

// TestEngineServerPolling: an echo over long-polling on the default path,
// text and binary, then the client's close.
func TestEngineServerPolling(t *testing.T) {
	var e *engineEcho
	srv := startEngine(t, func(s *tornadio.EngineServer) { e = echo(s) })
	h := tcDial(t, srv.Addr())
	code, body := h.roundTrip("GET", enginePoll+"&foo=bar", "")
	sid, err := tcParseOpen(body)
	if code != 200 || err != nil {
		t.Fatalf("handshake: %d %q: %v", code, body, err)
	}
	s := e.session(t)
	if s.ID() != sid || s.Transport() != "polling" {
		t.Fatalf("session %s on %s, want %s on polling", s.ID(), s.Transport(), sid)
	}
	if r := s.Request(); r.URL.Path != "/engine.io/" || r.Query().Get("foo") != "bar" || r.EIO != 4 || r.Auth != nil {
		t.Fatalf("Request %+v", r)
	}
	if code, body := h.roundTrip("POST", enginePoll+"&sid="+sid, "4hello\x1ebAQID"); code != 200 || body != "ok" {
		t.Fatalf("POST: %d %q", code, body)
	}
	if code, body := h.roundTrip("GET", enginePoll+"&sid="+sid, ""); code != 200 || body != "4hello\x1ebAQID" {
		t.Fatalf("echo: %d %q", code, body)
	}
	if code, _ := h.roundTrip("GET", "/socket.io/?EIO=4&transport=polling", ""); code != 404 {
		t.Fatalf("the Socket.IO path on an EngineServer: %d, want 404", code)
	}
	h.roundTrip("POST", enginePoll+"&sid="+sid, "1")
	e.wantClose(t, tornadio.ReasonTransportClose)
	if err := s.SendText("late"); !errors.Is(err, tornadio.ErrSessionClosed) {
		t.Fatalf("SendText after close: %v", err)
	}
}

// TestEngineServerWebSocket: an echo over a websocket, then messages sent
// from other goroutines, in order per goroutine, and Close.
func TestEngineServerWebSocket(t *testing.T) {
	var e *engineEcho
	srv := startEngine(t, func(s *tornadio.EngineServer) { e = echo(s) }, tornadio.WithPath("/socket.io/"))
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	if _, err := tcParseOpen(w.mustReadPacket()); err != nil {
		t.Fatal(err)
	}
	s := e.session(t)
	if s.Transport() != "websocket" {
		t.Fatalf("transport %s", s.Transport())
	}
	w.writeText("4hi")
	if p := w.mustReadPacket(); p != "4hi" {
		t.Fatalf("text echo %q", p)
	}
	if err := w.writeFrame(frames.OpBinary, true, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if p := w.mustReadPacket(); p != "b\x01\x02\x03" {
		t.Fatalf("binary echo %q", p)
	}

	const senders, each = 4, 50
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := s.SendText(fmt.Sprintf("%d:%d", g, i)); err != nil {
					t.Errorf("SendText: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, senders)
	for range senders * each {
		p := w.mustReadPacket()
		var g, i int
		if _, err := fmt.Sscanf(p, "4%d:%d", &g, &i); err != nil || g >= senders || i != next[g] {
			t.Fatalf("packet %q, want sender %d's message %d", p, g, next[g])
		}
		next[g]++
	}
	if p := w.mustReadPacket(); p != "1" {
		t.Fatalf("after the messages: %q, want the close packet", p)
	}
	e.wantClose(t, tornadio.ReasonForcedClose)
	if err := s.Close(); !errors.Is(err, tornadio.ErrSessionClosed) {
		t.Fatalf("second Close: %v", err)
	}
}

// TestEngineServerWorkers: with WithWorkers, a callback that blocks holds
// neither the loop nor other sessions, and keeps its message (the loop's
// buffer is reused meanwhile).
func TestEngineServerWorkers(t *testing.T) {
	release := make(chan struct{})
	srv := startEngine(t, func(srv *tornadio.EngineServer) {
		srv.OnConnection(func(s *tornadio.EngineSession) {
			s.OnMessage(func(data []byte, binary bool) {
				if string(data) == "block" {
					<-release
				}
				_ = s.Send(data, binary)
			})
		})
	}, tornadio.WithEventLoops(1), tornadio.WithWorkers(2))
	a, b := tcDial(t, srv.Addr()), tcDial(t, srv.Addr())
	sidA, sidB := a.engineHandshake(), b.engineHandshake()
	a.roundTrip("POST", enginePoll+"&sid="+sidA, "4block")
	b.roundTrip("POST", enginePoll+"&sid="+sidB, "4other message, longer")
	if code, body := b.roundTrip("GET", enginePoll+"&sid="+sidB, ""); code != 200 || body != "4other message, longer" {
		t.Fatalf("B's echo while A's callback blocks: %d %q", code, body)
	}
	close(release)
	if code, body := a.roundTrip("GET", enginePoll+"&sid="+sidA, ""); code != 200 || body != "4block" {
		t.Fatalf("A's echo: %d %q", code, body)
	}
}

// handshake opens a polling session on an EngineServer's default path.
func (h *tcHTTP) engineHandshake() string {
	h.t.Helper()
	code, body := h.roundTrip("GET", enginePoll, "")
	sid, err := tcParseOpen(body)
	if code != 200 || err != nil {
		h.t.Fatalf("handshake: %d %q: %v", code, body, err)
	}
	return sid
}

// TestEngineServerAllowRequest: WithAllowRequest refuses handshakes with
// 403, and an accepted session's Request is the one it saw.
func TestEngineServerAllowRequest(t *testing.T) {
	seen := make(chan *tornadio.Request, 4)
	var e *engineEcho
	srv := startEngine(t, func(s *tornadio.EngineServer) { e = echo(s) }, tornadio.WithAllowRequest(func(r *tornadio.Request) error {
		if r.Query().Get("deny") != "" {
			return errors.New("denied")
		}
		seen <- r
		return nil
	}))
	h := tcDial(t, srv.Addr())
	if code, body := h.roundTrip("GET", enginePoll+"&deny=1", ""); code != 403 || !strings.Contains(body, `"code":4`) {
		t.Fatalf("refused handshake: %d %q", code, body)
	}
	h.engineHandshake()
	if s := e.session(t); s.Request() != <-seen {
		t.Fatal("Request is not the one AllowRequest saw")
	}
}

// TestEngineServerShutdown: Shutdown closes every session with
// ReasonServerShuttingDown.
func TestEngineServerShutdown(t *testing.T) {
	var e *engineEcho
	srv := startEngine(t, func(s *tornadio.EngineServer) { e = echo(s) })
	tcDial(t, srv.Addr()).engineHandshake()
	e.session(t)
	if n := srv.SessionCount(); n != 1 {
		t.Fatalf("SessionCount %d", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	e.wantClose(t, tornadio.ReasonServerShuttingDown)
}

// TestAllowEIO3: both servers serve Engine.IO v3 by default and refuse it
// with Node's answer under WithAllowEIO3(false), v4 unaffected.
func TestAllowEIO3(t *testing.T) {
	type server interface {
		Start(addr string) error
		Addr() string
		Shutdown(ctx context.Context) error
	}
	for _, tc := range []struct {
		name string
		path string
		make func(...tornadio.Option) server
	}{
		{"Server", "/socket.io/", func(o ...tornadio.Option) server { return tornadio.NewServer(o...) }},
		{"EngineServer", "/engine.io/", func(o ...tornadio.Option) server { return tornadio.NewEngineServer(o...) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, allow := range []bool{true, false} {
				opts := []tornadio.Option{
					tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
					tornadio.WithEventLoops(1),
					tornadio.WithTransports("polling", "websocket"),
				}
				if !allow {
					opts = append(opts, tornadio.WithAllowEIO3(false))
				}
				srv := tc.make(opts...)
				tcServe(t, srv)
				h := tcDial(t, srv.Addr())
				code, body := h.roundTrip("GET", tc.path+"?EIO=3&transport=polling", "")
				if allow && (code != 200 || !strings.Contains(body, `"sid"`)) {
					t.Errorf("EIO=3 by default: %d %q", code, body)
				}
				if !allow {
					tcCheckEIOError(t, code, body, 5, "Unsupported protocol version")
				}
				if code, _ := h.roundTrip("GET", tc.path+"?EIO=4&transport=polling", ""); code != 200 {
					t.Errorf("EIO=4 (allow %v): %d", allow, code)
				}
			}
		})
	}
}
