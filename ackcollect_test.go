package tornadio_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// goroutineID is the running goroutine's number, from its stack header.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	id, _ := strconv.ParseUint(string(b[:bytes.IndexByte(b, ' ')]), 10, 64)
	return id
}

// TestBroadcastAckCallbackThread: a broadcast's ack callback runs where
// every user callback runs — on the event loop, or on the worker with
// WithWorkers — whether every client answered or the timeout passed, never
// on a timer goroutine of its own.
func TestBroadcastAckCallbackThread(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []tornadio.Option
	}{
		{"loop", []tornadio.Option{tornadio.WithEventLoops(1)}},
		{"worker", []tornadio.Option{tornadio.WithEventLoops(1), tornadio.WithWorkers(1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := tornadio.NewServer(tc.opts...)
			sockets := make(chan *tornadio.Socket, 1)
			callbackThread := make(chan uint64, 1)
			srv.Of("/").OnConnection(func(s *tornadio.Socket) {
				callbackThread <- goroutineID()
				sockets <- s
			})
			if err := srv.Start("127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			defer stop(srv)
			cs, _ := connectN(t, srv, 1, sockets)
			want := <-callbackThread

			type result struct {
				err     error
				replies []int
				thread  uint64
			}
			done := make(chan result, 1)
			collect := func(err error, replies []int) { done <- result{err, replies, goroutineID()} }
			answer := func() {
				got := cs[0].drain(t, 1)
				if len(got) != 1 || !strings.HasSuffix(got[0], `["count"]`) {
					t.Fatalf("client got %q", got)
				}
				id := strings.TrimSuffix(strings.TrimPrefix(got[0], "42"), `["count"]`)
				cs[0].send("43" + id + "[5]")
			}
			for _, timeout := range []bool{false, true} {
				d := 5 * time.Second
				if timeout {
					d = 50 * time.Millisecond
				}
				if err := srv.Of("/").Timeout(d).Emit("count", collect); err != nil {
					t.Fatal(err)
				}
				if !timeout {
					answer()
				} else {
					cs[0].drain(t, 1) // the client stays silent
				}
				select {
				case r := <-done:
					wantErr := error(nil)
					if timeout {
						wantErr = tornadio.ErrAckTimeout
					}
					if r.err != wantErr || (!timeout && fmt.Sprint(r.replies) != "[5]") {
						t.Fatalf("timeout=%v: got %v %v", timeout, r.err, r.replies)
					}
					if r.thread != want {
						t.Errorf("timeout=%v: the callback ran on goroutine %d, the socket's callbacks on %d", timeout, r.thread, want)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("timeout=%v: the broadcast ack never completed", timeout)
				}
			}
		})
	}
}
