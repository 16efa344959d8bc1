package ackcollect

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

// fakeHome queues posted work and timers; the test runs them in turn, as
// the home loop would.
type fakeHome struct {
	posted []func()
	timers []*fakeTimer
	ran    int // callbacks handed to Run
}

type fakeTimer struct {
	d       time.Duration
	fn      func()
	stopped bool
}

func (t *fakeTimer) Stop() bool { p := !t.stopped; t.stopped = true; return p }

func (h *fakeHome) Post(fn func()) { h.posted = append(h.posted, fn) }

func (h *fakeHome) AfterFunc(d time.Duration, fn func()) Timer {
	t := &fakeTimer{d: d, fn: fn}
	h.timers = append(h.timers, t)
	return t
}

func (h *fakeHome) Run(fn func()) { h.ran++; fn() }

// drain runs what was posted, in order.
func (h *fakeHome) drain() {
	for len(h.posted) > 0 {
		fn := h.posted[0]
		h.posted = h.posted[1:]
		fn()
	}
}

var errTimeout = errors.New("timeout")

func decodeJSON(args, _ [][]byte, v any) error { return json.Unmarshal(args[0], v) }

type result struct {
	calls   int
	err     error
	replies []int
}

func newTestCollector(timeout time.Duration) (*Collector, *fakeHome, *result) {
	h := &fakeHome{}
	r := &result{}
	fn := func(err error, replies []int) { r.calls++; r.err, r.replies = err, replies }
	c := New(reflect.ValueOf(fn), Options{Home: h, Timeout: timeout, TimeoutErr: errTimeout, Decode: decodeJSON})
	return c, h, r
}

func arg(s string) [][]byte { return [][]byte{[]byte(s)} }

func TestFinishesWhenAllAnswered(t *testing.T) {
	c, h, r := newTestCollector(time.Second)
	c.Answer(arg("1"), nil) // an answer may come before the count
	c.Servers(1)
	c.Clients(3)
	c.Start()
	c.Answer(arg("2"), nil)
	h.drain()
	if r.calls != 0 {
		t.Fatalf("finished with 2 of 3 answers: %+v", r)
	}
	c.Answer(arg(`"x"`), nil) // does not decode: counts as 0
	h.drain()
	if r.calls != 1 || r.err != nil || !slices.Equal(r.replies, []int{1, 2, 0}) || h.ran != 1 {
		t.Fatalf("got %+v (ran %d)", r, h.ran)
	}
	if len(h.timers) != 1 || !h.timers[0].stopped || h.timers[0].d != time.Second {
		t.Fatalf("the timeout was not armed for 1s and stopped: %+v", h.timers)
	}
	c.Answer(arg("4"), nil)
	h.drain()
	if r.calls != 1 || len(r.replies) != 3 {
		t.Fatalf("a late answer changed the result: %+v", r)
	}
}

func TestNobodyAsked(t *testing.T) {
	c, h, r := newTestCollector(0)
	c.Servers(1)
	c.Clients(0)
	c.Start()
	h.drain()
	if r.calls != 1 || r.err != nil || len(r.replies) != 0 || len(h.timers) != 0 {
		t.Fatalf("got %+v, timers %d", r, len(h.timers))
	}
}

func TestTimeoutKeepsAnswersSoFar(t *testing.T) {
	c, h, r := newTestCollector(time.Second)
	c.Servers(1)
	c.Clients(2)
	c.Start()
	c.Answer(arg("7"), nil)
	h.drain()
	h.timers[0].fn()
	if r.calls != 1 || r.err != errTimeout || !slices.Equal(r.replies, []int{7}) {
		t.Fatalf("got %+v", r)
	}
	c.Answer(arg("8"), nil)
	h.drain()
	if r.calls != 1 {
		t.Fatalf("called again after the timeout: %+v", r)
	}
}

// TestCancel: Cancel finishes at once with its error and the answers so
// far, stops the timer, and drops later answers; after the end it does
// nothing.
func TestCancel(t *testing.T) {
	c, h, r := newTestCollector(time.Second)
	c.Servers(1)
	c.Clients(3)
	c.Start()
	c.Answer(arg("5"), nil)
	h.drain()
	cancelled := errors.New("cancelled")
	c.Cancel(cancelled)
	h.drain()
	if r.calls != 1 || r.err != cancelled || !slices.Equal(r.replies, []int{5}) || !h.timers[0].stopped {
		t.Fatalf("got %+v, timer stopped %v", r, h.timers[0].stopped)
	}
	c.Answer(arg("6"), nil)
	c.Cancel(cancelled)
	h.drain()
	if r.calls != 1 {
		t.Fatalf("called again after Cancel: %+v", r)
	}
}

// TestNoTimerOnceDone: a collector finished before Start posts its timer
// arms none.
func TestNoTimerOnceDone(t *testing.T) {
	c, h, r := newTestCollector(time.Second)
	c.Servers(1)
	c.Clients(0)
	h.drain()
	c.Start()
	h.drain()
	if r.calls != 1 || len(h.timers) != 0 {
		t.Fatalf("calls %d, timers %d", r.calls, len(h.timers))
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		fn   any
		want bool
	}{
		{func(error, []int) {}, true},
		{func(error, []any) {}, true},
		{func([]int) {}, false},
		{func(error, int) {}, false},
		{func(int, []int) {}, false},
		{"not a func", false},
	} {
		if got := Check(reflect.TypeOf(tc.fn)); got != tc.want {
			t.Errorf("Check(%T) = %v", tc.fn, got)
		}
	}
}

// TestWaitsForEveryNode: with three nodes, the collector finishes only
// when all three reported their counts and every client asked answered,
// whatever order the counts, the server count and the answers come in.
func TestWaitsForEveryNode(t *testing.T) {
	c, h, r := newTestCollector(time.Second)
	c.Clients(1) // this node, before the server count is known
	c.Answer(arg("1"), nil)
	c.Servers(3)
	c.Clients(0)
	h.drain()
	if r.calls != 0 {
		t.Fatalf("finished with 2 of 3 nodes reported: %+v", r)
	}
	c.Answer(arg("2"), nil) // an answer from the third node, before its count
	h.drain()
	if r.calls != 0 {
		t.Fatalf("finished before the third node's count: %+v", r)
	}
	c.Clients(2)
	c.Answer(arg("3"), nil)
	h.drain()
	if r.calls != 1 || r.err != nil || !slices.Equal(r.replies, []int{1, 2, 3}) {
		t.Fatalf("got %+v", r)
	}
}
