package tornadio_test

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

// ewaConnect starts a server (opts added) whose sockets are handed to the
// test, and connects n websocket clients.
func ewaConnect(t *testing.T, n int, setup func(*tornadio.Server), opts ...tornadio.Option) (*tornadio.Server, []*tcWS, []*tornadio.Socket) {
	t.Helper()
	socks := make(chan *tornadio.Socket, n)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) { socks <- s })
		if setup != nil {
			setup(srv)
		}
	}, opts...)
	var ws []*tcWS
	var ss []*tornadio.Socket
	for range n {
		w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
		w.connectSIO()
		ws = append(ws, w)
		select {
		case s := <-socks:
			ss = append(ss, s)
		case <-time.After(tcIOTimeout):
			t.Fatal("no connection")
		}
	}
	return srv, ws, ss
}

var ewaAsk = regexp.MustCompile(`^42(\d+)\["([^"]*)"`)

// ewaReadAsk reads an EVENT with an ack id and returns the id.
func ewaReadAsk(t *testing.T, w *tcWS, event string) string {
	t.Helper()
	p := w.mustReadPacket()
	m := ewaAsk.FindStringSubmatch(p)
	if m == nil || m[2] != event {
		t.Fatalf("got %q, want %q with an ack id", p, event)
	}
	return m[1]
}

type ewaResult struct {
	args tornadio.Args
	err  error
}

func ewaGo(fn func() (tornadio.Args, error)) chan ewaResult {
	ch := make(chan ewaResult, 1)
	go func() {
		a, err := fn()
		ch <- ewaResult{a, err}
	}()
	return ch
}

func ewaWait(t *testing.T, ch chan ewaResult) ewaResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(2 * tcIOTimeout):
		t.Fatal("EmitWithAck did not return")
	}
	return ewaResult{}
}

// TestSocketEmitWithAck: EmitWithAck returns the client's answer (binary
// attachments included, the Args the caller's to keep); it ends with
// ErrAckTimeout on a Timeout emitter, with ctx's error when ctx ends (the
// late answer then goes nowhere), and with ErrDisconnected when the
// client goes away.
func TestSocketEmitWithAck(t *testing.T) {
	_, ws, ss := ewaConnect(t, 1, nil)
	w, s := ws[0], ss[0]
	ctx := context.Background()

	ch := ewaGo(func() (tornadio.Args, error) { return s.EmitWithAck(ctx, "sum", 1, 2) })
	id := ewaReadAsk(t, w, "sum")
	w.writeText(`461-` + id + `[3,{"_placeholder":true,"num":0}]`)
	w.writeFrame(frames.OpBinary, true, []byte{0xff})
	r := ewaWait(t, ch)
	var n int
	var b []byte
	if r.err != nil || r.args.Len() != 2 || r.args.Decode(0, &n) != nil || n != 3 || r.args.Decode(1, &b) != nil || len(b) != 1 || b[0] != 0xff {
		t.Fatalf("got %d args, err %v (n %d, b %v)", r.args.Len(), r.err, n, b)
	}

	ch = ewaGo(func() (tornadio.Args, error) {
		return s.Timeout(50*time.Millisecond).EmitWithAck(ctx, "never")
	})
	ewaReadAsk(t, w, "never")
	if r := ewaWait(t, ch); !errors.Is(r.err, tornadio.ErrAckTimeout) {
		t.Fatalf("timeout: err %v", r.err)
	}

	cctx, cancel := context.WithCancel(ctx)
	ch = ewaGo(func() (tornadio.Args, error) { return s.EmitWithAck(cctx, "cancel") })
	id = ewaReadAsk(t, w, "cancel")
	cancel()
	if r := ewaWait(t, ch); !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancel: err %v", r.err)
	}
	w.writeText(`43` + id + `["late"]`) // waited for by nobody: dropped

	ch = ewaGo(func() (tornadio.Args, error) { return s.EmitWithAck(ctx, "then") })
	id = ewaReadAsk(t, w, "then")
	w.writeText(`43` + id + `["ok"]`)
	if r := ewaWait(t, ch); r.err != nil || string(r.args.Raw(0)) != `"ok"` {
		t.Fatalf("after a cancel: %v %v", r.args, r.err)
	}

	ch = ewaGo(func() (tornadio.Args, error) { return s.EmitWithAck(ctx, "bye") })
	ewaReadAsk(t, w, "bye")
	w.close()
	if r := ewaWait(t, ch); !errors.Is(r.err, tornadio.ErrDisconnected) {
		t.Fatalf("disconnect: err %v", r.err)
	}
	if _, err := s.EmitWithAck(ctx, "gone"); !errors.Is(err, tornadio.ErrDisconnected) {
		t.Fatalf("on a gone socket: err %v", err)
	}
}

// TestEmitWithAckFromHandler: without workers, a handler (on the event
// loop) gets ErrOnEventLoop at once instead of blocking the loop; with
// WithWorkers, a handler waits for the answer, which arrives though the
// worker is busy waiting.
func TestEmitWithAckFromHandler(t *testing.T) {
	for _, workers := range []int{0, 1} {
		got := make(chan ewaResult, 1)
		_, ws, _ := ewaConnect(t, 1, func(srv *tornadio.Server) {
			srv.Of("/").OnConnection(func(s *tornadio.Socket) {
				s.On("go", func() {
					a, err := s.Timeout(time.Minute).EmitWithAck(context.Background(), "question")
					if err == nil {
						a = a.Clone() // kept past the handler
					}
					got <- ewaResult{a, err}
				})
			})
		}, tornadio.WithWorkers(workers))
		w := ws[0]
		w.writeText(`42["go"]`)
		if workers == 0 {
			if r := ewaWait(t, got); !errors.Is(r.err, tornadio.ErrOnEventLoop) {
				t.Fatalf("on the loop: err %v", r.err)
			}
			continue
		}
		id := ewaReadAsk(t, w, "question")
		w.writeText(`43` + id + `["answer"]`)
		if r := ewaWait(t, got); r.err != nil || string(r.args.Raw(0)) != `"answer"` {
			t.Fatalf("on a worker: %v, %v", r.args, r.err)
		}
	}
}

// TestBroadcastEmitWithAck: the namespace's and a broadcast operator's
// EmitWithAck return every client's answer; with a Timeout, the answers so
// far and ErrAckTimeout; nothing selected returns at once; ctx ends it.
func TestBroadcastEmitWithAck(t *testing.T) {
	srv, ws, _ := ewaConnect(t, 2, nil)
	ns := srv.Of("/")
	ctx := context.Background()
	type res struct {
		replies []tornadio.Args
		err     error
	}
	run := func(fn func() ([]tornadio.Args, error)) chan res {
		ch := make(chan res, 1)
		go func() {
			r, err := fn()
			ch <- res{r, err}
		}()
		return ch
	}
	wait := func(ch chan res) res {
		t.Helper()
		select {
		case r := <-ch:
			return r
		case <-time.After(2 * tcIOTimeout):
			t.Fatal("EmitWithAck did not return")
		}
		return res{}
	}
	firsts := func(rs []tornadio.Args) []string {
		var out []string
		for _, a := range rs {
			out = append(out, string(a.Raw(0)))
		}
		sort.Strings(out)
		return out
	}

	// The Server's is the main namespace's (Node's io.emitWithAck).
	ch := run(func() ([]tornadio.Args, error) { return srv.EmitWithAck(ctx, "poll", "q") })
	for i, w := range ws {
		id := ewaReadAsk(t, w, "poll")
		w.writeText(`43` + id + `[` + string(rune('1'+i)) + `]`)
	}
	if r := wait(ch); r.err != nil || len(r.replies) != 2 || firsts(r.replies)[0] != "1" || firsts(r.replies)[1] != "2" {
		t.Fatalf("namespace: %v, %v", firsts(r.replies), r.err)
	}

	ch = run(func() ([]tornadio.Args, error) {
		return ns.Timeout(100*time.Millisecond).EmitWithAck(ctx, "poll")
	})
	id := ewaReadAsk(t, ws[0], "poll")
	ewaReadAsk(t, ws[1], "poll") // never answered
	ws[0].writeText(`43` + id + `["only"]`)
	if r := wait(ch); !errors.Is(r.err, tornadio.ErrAckTimeout) || len(r.replies) != 1 || string(r.replies[0].Raw(0)) != `"only"` {
		t.Fatalf("timeout: %v, %v", firsts(r.replies), r.err)
	}

	if r, err := ns.To("nobody").EmitWithAck(ctx, "poll"); err != nil || len(r) != 0 {
		t.Fatalf("nothing selected: %v, %v", r, err)
	}

	cctx, cancel := context.WithCancel(ctx)
	ch = run(func() ([]tornadio.Args, error) { return ns.EmitWithAck(cctx, "poll") })
	ewaReadAsk(t, ws[0], "poll")
	ewaReadAsk(t, ws[1], "poll")
	cancel()
	if r := wait(ch); !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancel: %v", r.err)
	}
}

// TestRawAckCallbacks: an ack callback func(error, Args) gets the client's
// whole answer (and the error of a timeout), a broadcast's func(error,
// []Args) every client's.
func TestRawAckCallbacks(t *testing.T) {
	srv, ws, ss := ewaConnect(t, 1, nil)
	w, s := ws[0], ss[0]
	got := make(chan ewaResult, 2)
	if err := s.Timeout(time.Minute).Emit("one", func(err error, a tornadio.Args) {
		got <- ewaResult{a.Clone(), err}
	}); err != nil {
		t.Fatal(err)
	}
	id := ewaReadAsk(t, w, "one")
	w.writeText(`43` + id + `[1,"two"]`)
	if r := ewaWait(t, got); r.err != nil || r.args.Len() != 2 || string(r.args.Raw(1)) != `"two"` {
		t.Fatalf("socket: %d args, err %v", r.args.Len(), r.err)
	}
	if err := s.Timeout(20*time.Millisecond).Emit("late", func(err error, a tornadio.Args) {
		got <- ewaResult{a, err}
	}); err != nil {
		t.Fatal(err)
	}
	ewaReadAsk(t, w, "late")
	if r := ewaWait(t, got); !errors.Is(r.err, tornadio.ErrAckTimeout) || r.args.Len() != 0 {
		t.Fatalf("timeout: %d args, err %v", r.args.Len(), r.err)
	}

	all := make(chan []tornadio.Args, 1)
	if err := srv.Of("/").Emit("many", func(err error, replies []tornadio.Args) { all <- replies }); err != nil {
		t.Fatal(err)
	}
	id = ewaReadAsk(t, w, "many")
	w.writeText(`43` + id + `[3,4]`)
	select {
	case rs := <-all:
		if len(rs) != 1 || rs[0].Len() != 2 || string(rs[0].Raw(1)) != "4" {
			t.Fatalf("broadcast: %v", rs)
		}
	case <-time.After(2 * tcIOTimeout):
		t.Fatal("broadcast callback not called")
	}
}
