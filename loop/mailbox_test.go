package loop

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// fakeLoop runs Execute'd runnables one at a time on its own goroutine, the
// way a gnet event loop does.
type fakeLoop struct {
	ch      chan gnet.Runnable
	running atomic.Int32
	overlap atomic.Bool
}

func (f *fakeLoop) Register(context.Context, net.Addr) (<-chan gnet.RegisteredResult, error) {
	return nil, nil
}
func (f *fakeLoop) Enroll(context.Context, net.Conn) (<-chan gnet.RegisteredResult, error) {
	return nil, nil
}
func (f *fakeLoop) Schedule(context.Context, gnet.Runnable, time.Duration) error { return nil }
func (f *fakeLoop) Close(gnet.Conn) error                                        { return nil }
func (f *fakeLoop) Execute(ctx context.Context, r gnet.Runnable) error {
	f.ch <- r
	return nil
}

func (f *fakeLoop) run(done <-chan struct{}) {
	MarkNoWait() // as a real loop's goroutine is
	for {
		select {
		case r := <-f.ch:
			if f.running.Add(1) != 1 {
				f.overlap.Store(true)
			}
			_ = r.Run(context.Background())
			f.running.Add(-1)
		case <-done:
			return
		}
	}
}

// TestMailboxOrderAndCompleteness posts from many goroutines (and from the
// loop itself) and checks every function runs once, on the loop, in each
// poster's order, with few Execute calls.
func TestMailboxOrderAndCompleteness(t *testing.T) {
	fl := &fakeLoop{ch: make(chan gnet.Runnable, 1<<16)}
	done := make(chan struct{})
	defer close(done)
	go fl.run(done)
	m := newMailbox(fl)

	const posters, each = 8, 5000
	last := make([]int, posters) // touched only on the loop
	for i := range last {
		last[i] = -1
	}
	var ran atomic.Int64
	var bad atomic.Bool
	var wg sync.WaitGroup
	for p := 0; p < posters; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				i := i
				m.post(func() {
					if last[p] != i-1 {
						bad.Store(true)
					}
					last[p] = i
					ran.Add(1)
					if i%1000 == 0 {
						m.post(func() { ran.Add(1) }) // re-entrant post from the loop
					}
				})
			}
		}(p)
	}
	wg.Wait()
	want := int64(posters*each + posters*(each/1000))
	deadline := time.Now().Add(10 * time.Second)
	for ran.Load() != want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := ran.Load(); got != want {
		t.Fatalf("ran %d functions, want %d", got, want)
	}
	if bad.Load() {
		t.Fatal("a poster's functions ran out of order")
	}
	if fl.overlap.Load() {
		t.Fatal("two drains ran at once")
	}
}
