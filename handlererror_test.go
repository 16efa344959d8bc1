package tornadio_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// argErrRecorder collects what the server's error handler receives.
type argErrRecorder struct {
	mu   sync.Mutex
	errs []error
	evs  []string
	got  chan struct{}
}

func newArgErrRecorder() *argErrRecorder { return &argErrRecorder{got: make(chan struct{}, 16)} }

func (r *argErrRecorder) handle(s *tornadio.Socket, event string, err error) {
	if s == nil {
		panic("error handler without a socket")
	}
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.evs = append(r.evs, event)
	r.mu.Unlock()
	r.got <- struct{}{}
}

func (r *argErrRecorder) wait(t *testing.T) (string, error) {
	t.Helper()
	select {
	case <-r.got:
	case <-time.After(tcIOTimeout):
		t.Fatal("the error handler was not called")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.evs[len(r.evs)-1], r.errs[len(r.errs)-1]
}

// TestArgumentErrorAnswersAck: an event whose arguments do not fit the
// handler is reported to the error handler as an *ArgumentError, the
// handler is not called, and a client that asked for an ack gets the
// AckError answer instead of silence; without an ack nothing is written.
// Both where handlers run: on the loop and on workers.
func TestArgumentErrorAnswersAck(t *testing.T) {
	for _, workers := range []int{0, 2} {
		rec := newArgErrRecorder()
		var called sync.Mutex
		calls := 0
		srv := tcStartServer(t, func(srv *tornadio.Server) {
			srv.Of("/").OnConnection(func(s *tornadio.Socket) {
				s.On("add", func(a, b int, ack tornadio.Ack) {
					called.Lock()
					calls++
					called.Unlock()
					ack(a + b)
				})
			})
		}, tornadio.WithWorkers(workers), tornadio.WithErrorHandler(rec.handle))
		w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
		w.connectSIO()

		w.writeText(`427["add",1,"two"]`)
		want := `437[{"error":"tornadio: event \"add\": argument 1: json: cannot unmarshal string into Go value of type int"}]`
		if got := w.mustReadPacket(); got != want {
			t.Fatalf("workers %d: answer %s, want %s", workers, got, want)
		}
		ev, err := rec.wait(t)
		var ae *tornadio.ArgumentError
		if ev != "add" || !errors.As(err, &ae) || ae.Event != "add" || ae.Index != 1 || ae.Answer {
			t.Fatalf("workers %d: error handler got %q, %#v", workers, ev, err)
		}

		// No ack asked: reported, nothing written; the next event is answered.
		w.writeText(`42["add","one",2]`)
		if _, err := rec.wait(t); err == nil {
			t.Fatal("nil error")
		}
		w.writeText(`428["add",20,22]`)
		if got := w.mustReadPacket(); got != `438[42]` {
			t.Fatalf("workers %d: after the errors, answer %s", workers, got)
		}
		called.Lock()
		if calls != 1 {
			t.Fatalf("workers %d: handler called %d times, want only for the good event", workers, calls)
		}
		called.Unlock()
	}
}

// TestArgumentErrorLoggedByDefault: without WithErrorHandler the error is
// logged at Warn level, with the event's name.
func TestArgumentErrorLoggedByDefault(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, nil))
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			s.On("n", func(n int, ack tornadio.Ack) { ack(n) })
		})
	}, tornadio.WithLogger(logger))
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	w.connectSIO()
	w.writeText(`421["n",{}]`)
	if got := w.mustReadPacket(); !strings.HasPrefix(got, `431[{"error":"tornadio: event \"n\": argument 0: `) {
		t.Fatalf("answer %s", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if out := buf.String(); !strings.Contains(out, "level=WARN") || !strings.Contains(out, "event=n") {
		t.Fatalf("log: %q", out)
	}
}

type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// TestAnswerArgumentError: a client's answer to an emit that does not fit
// the ack callback is reported (Answer set, the emit's event name), and a
// callback with an error parameter is called with it.
func TestAnswerArgumentError(t *testing.T) {
	rec := newArgErrRecorder()
	gotErr := make(chan error, 1)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			s.Timeout(time.Minute).Emit("ask", func(err error, n int) { gotErr <- err })
		})
	}, tornadio.WithErrorHandler(rec.handle))
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	w.connectSIO()
	ask := w.mustReadPacket()
	if !strings.HasPrefix(ask, `42`) || !strings.HasSuffix(ask, `["ask"]`) {
		t.Fatalf("emit %s", ask)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(ask, "42"), `["ask"]`)
	w.writeText(`43` + id + `["not a number"]`)
	ev, err := rec.wait(t)
	var ae *tornadio.ArgumentError
	if ev != "ask" || !errors.As(err, &ae) || !ae.Answer || ae.Event != "ask" {
		t.Fatalf("error handler got %q, %v", ev, err)
	}
	select {
	case err := <-gotErr:
		if !errors.As(err, &ae) {
			t.Fatalf("callback got %v", err)
		}
	case <-time.After(tcIOTimeout):
		t.Fatal("the ack callback was not called")
	}
}

// TestAckRequested: a handler can tell whether the client asked for an
// acknowledgement, in both handler shapes; calling an Ack nobody asked for
// does nothing (and does not panic).
func TestAckRequested(t *testing.T) {
	type seen struct {
		shape     string
		requested bool
	}
	got := make(chan seen, 8)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			s.On("raw", func(args tornadio.Args, ack tornadio.Ack) {
				got <- seen{"raw", ack.Requested()}
				ack("raw answer")
			})
			s.On("typed", func(v string, ack tornadio.Ack) {
				got <- seen{"typed", ack.Requested()}
				if ack.Requested() {
					ack("by ack")
					return
				}
				s.Emit("by emit", v)
			})
		})
	})
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	w.connectSIO()
	for _, tc := range []struct {
		send, shape string
		requested   bool
		answer      string
	}{
		{`42["typed","x"]`, "typed", false, `42["by emit","x"]`},
		{`425["typed","x"]`, "typed", true, `435["by ack"]`},
		{`42["raw"]`, "raw", false, ""},
		{`426["raw"]`, "raw", true, `436["raw answer"]`},
	} {
		w.writeText(tc.send)
		select {
		case s := <-got:
			if s.shape != tc.shape || s.requested != tc.requested {
				t.Fatalf("%s: handler saw %+v", tc.send, s)
			}
		case <-time.After(tcIOTimeout):
			t.Fatalf("%s: handler not called", tc.send)
		}
		if tc.answer != "" {
			if p := w.mustReadPacket(); p != tc.answer {
				t.Fatalf("%s: got %s, want %s", tc.send, p, tc.answer)
			}
		}
	}
	// The unrequested raw ack wrote nothing: the next packet is this answer.
	w.writeText(`429["typed","y"]`)
	<-got
	if p := w.mustReadPacket(); p != `439["by ack"]` {
		t.Fatalf("got %s after an unrequested ack", p)
	}
	var none tornadio.Ack
	if none.Requested() {
		t.Fatal("a nil Ack reports a request")
	}
}
