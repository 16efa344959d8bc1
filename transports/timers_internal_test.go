package transports

import (
	"math/rand/v2"
	"testing"
)

type fakeTimed struct {
	tn   timerNode
	want int64 // the deadline it asked for, 0 if none
}

func (f *fakeTimed) node() *timerNode { return &f.tn }
func (f *fakeTimed) tick(int64)       {}

// checkHeap verifies the heap order, every entry's position, and that a
// pass no later than the earliest deadline has been asked for.
func checkHeap(t *testing.T, h *timerHeap) {
	t.Helper()
	if h.Len() > 0 && (h.asked == 0 || h.asked > h.at(0)) {
		t.Fatalf("pass asked for %d, earliest deadline %d", h.asked, h.at(0))
	}
	for i, e := range h.es {
		if int(e.node().pos) != i+1 {
			t.Fatalf("entry %d records position %d", i, e.node().pos-1)
		}
		if i > 0 && h.at((i-1)/2) > h.at(i) {
			t.Fatalf("entry %d is earlier than its parent", i)
		}
	}
}

// Random wakes, sets and removals keep the heap ordered, each timed in it
// at most once with its earliest (wake) or last (set) deadline, and pops
// come out in order.
func TestTimerHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h timerHeap
	ts := make([]*fakeTimed, 200)
	for i := range ts {
		ts[i] = &fakeTimed{}
	}
	for range 20000 {
		f := ts[rng.IntN(len(ts))]
		switch rng.IntN(4) {
		case 0:
			h.remove(f)
			f.want = 0
		case 1:
			f.want = 1 + rng.Int64N(1000)
			h.set(f, f.want)
		default:
			at := 1 + rng.Int64N(1000)
			h.wake(f, at)
			if f.want == 0 || at < f.want {
				f.want = at
			}
		}
		checkHeap(t, &h)
	}
	queued := 0
	for _, f := range ts {
		if f.want != 0 {
			queued++
			if f.tn.pos == 0 || f.tn.at != f.want {
				t.Fatalf("deadline %d queued as %d (pos %d)", f.want, f.tn.at, f.tn.pos)
			}
		} else if f.tn.pos != 0 {
			t.Fatal("a removed timed is still queued")
		}
	}
	if h.Len() != queued {
		t.Fatalf("%d entries for %d queued", h.Len(), queued)
	}
	last := int64(0)
	for h.Len() > 0 {
		at := h.at(0)
		f := h.pop().(*fakeTimed)
		if at < last || f.tn.pos != 0 {
			t.Fatalf("pop out of order or still queued")
		}
		last = at
		checkHeap(t, &h)
	}
}

// The heap gives back its array after a burst has left.
func TestTimerHeapShrinks(t *testing.T) {
	var h timerHeap
	ts := make([]*fakeTimed, 10000)
	for i := range ts {
		ts[i] = &fakeTimed{}
		h.wake(ts[i], int64(i+1))
	}
	peak := cap(h.es)
	for _, f := range ts[:9990] {
		h.remove(f)
	}
	checkHeap(t, &h)
	if cap(h.es) >= peak/4 {
		t.Errorf("cap %d after the burst left (peak %d)", cap(h.es), peak)
	}
}
