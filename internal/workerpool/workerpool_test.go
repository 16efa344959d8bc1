package workerpool

import (
	"slices"
	"sync"
	"testing"
)

// TestRunKeepsOrderPerWorker: what is queued on one worker runs in the order
// queued, whichever goroutines run the other workers.
func TestRunKeepsOrderPerWorker(t *testing.T) {
	p := New(3)
	defer p.Stop()
	const n = 500
	var (
		mu  sync.Mutex
		got = make([][]int, p.Size())
		wg  sync.WaitGroup
	)
	wg.Add(n * p.Size())
	for i := range n {
		for w := range p.Size() {
			p.Run(w, func() {
				defer wg.Done()
				mu.Lock()
				got[w] = append(got[w], i)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	for w, seq := range got {
		if len(seq) != n || !slices.IsSorted(seq) {
			t.Fatalf("worker %d ran %d callbacks, in order %v", w, len(seq), slices.IsSorted(seq))
		}
	}
}

// TestPickTakesTurns: new sockets are spread over the workers in turn.
func TestPickTakesTurns(t *testing.T) {
	p := New(3)
	defer p.Stop()
	var got []int
	for range 7 {
		got = append(got, p.Pick())
	}
	if want := []int{0, 1, 2, 0, 1, 2, 0}; !slices.Equal(got, want) {
		t.Fatalf("Pick gave %v, want %v", got, want)
	}
}

// TestRunWrapsIndex: an index past the pool's size names worker i mod size,
// so a caller may pass any turn counter.
func TestRunWrapsIndex(t *testing.T) {
	p := New(2)
	defer p.Stop()
	block := make(chan struct{})
	p.Run(1, func() { <-block })
	ran := make(chan int, 2)
	p.Run(3, func() { ran <- 3 }) // behind the blocked function on worker 1
	p.Run(4, func() { ran <- 4 }) // worker 0: free
	if got := <-ran; got != 4 {
		t.Fatalf("ran %d first; index 3 should have waited behind worker 1", got)
	}
	close(block)
	if got := <-ran; got != 3 {
		t.Fatalf("ran %d, want 3", got)
	}
}

// TestStopDrains: Stop lets queued work finish.
func TestStopDrains(t *testing.T) {
	p := New(1)
	var wg sync.WaitGroup
	wg.Add(10)
	for range 10 {
		p.Run(0, wg.Done)
	}
	p.Stop()
	wg.Wait()
}
