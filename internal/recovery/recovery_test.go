package recovery

import (
	"slices"
	"testing"
	"time"
)

// clock is a hand-moved clock for the store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestStore(window time.Duration) (*Store, *clock) {
	c := &clock{t: time.Unix(1_000_000, 0)}
	return New(window, "p-", c.now), c
}

// offsetOf is the offset Record appended, unquoted.
func offsetOf(t *testing.T, args [][]byte) string {
	t.Helper()
	last := string(args[len(args)-1])
	if len(last) < 2 || last[0] != '"' || last[len(last)-1] != '"' {
		t.Fatalf("last argument %q is not a JSON string", last)
	}
	return last[1 : len(last)-1]
}

func events(ms []Broadcast) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Event)
	}
	return out
}

func TestRecordAppendsIncreasingOffsets(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	in := [][]byte{[]byte(`1`)}
	a := s.Record(Broadcast{Event: "a", Args: in})
	b := s.Record(Broadcast{Event: "b"})
	if len(in) != 1 || len(a) != 2 || string(a[0]) != "1" {
		t.Fatalf("Record gave %q from %q: want the arguments plus the offset, input untouched", a, in)
	}
	if oa, ob := offsetOf(t, a), offsetOf(t, b); oa != "p-1" || ob != "p-2" {
		t.Fatalf("offsets %q, %q; want p-1, p-2", oa, ob)
	}
}

// TestRestoreSelectsByRooms: a restored socket gets exactly the broadcasts
// after its offset that reached one of its rooms and skipped none of them.
func TestRestoreSelectsByRooms(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	off := offsetOf(t, s.Record(Broadcast{Event: "before", Rooms: []string{"news"}}))
	s.Persist("sid1", "pid1", []string{"sid1", "news"}, nil)
	s.Record(Broadcast{Event: "all"})
	s.Record(Broadcast{Event: "news", Rooms: []string{"news"}})
	s.Record(Broadcast{Event: "other", Rooms: []string{"other"}})
	s.Record(Broadcast{Event: "news-but-not-me", Rooms: []string{"news"}, Except: []string{"sid1"}})
	s.Record(Broadcast{Event: "all-but-news", Except: []string{"news"}})
	s.Record(Broadcast{Event: "to-me", Rooms: []string{"sid1"}})

	ps := s.Restore("pid1", off)
	if ps == nil {
		t.Fatal("not restored")
	}
	if ps.SID != "sid1" || ps.PID != "pid1" || !slices.Equal(ps.Rooms, []string{"sid1", "news"}) {
		t.Fatalf("restored %+v", ps)
	}
	if got, want := events(ps.Missed), []string{"all", "news", "to-me"}; !slices.Equal(got, want) {
		t.Fatalf("missed %v, want %v", got, want)
	}
	if last := ps.Missed[2].Args; offsetOf(t, last) != "p-7" {
		t.Fatalf("a missed broadcast keeps its offset as its last argument: %q", last)
	}
}

func TestRestoreOnce(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	off := offsetOf(t, s.Record(Broadcast{Event: "x"}))
	s.Persist("sid", "pid", nil, nil)
	if s.Restore("pid", off) == nil {
		t.Fatal("not restored")
	}
	if s.Restore("pid", off) != nil {
		t.Fatal("restored twice")
	}
}

// TestRestoreNeedsAKnownOffset: an unknown offset restores nothing (the
// client missed more than the store holds) and uses the state up.
func TestRestoreNeedsAKnownOffset(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	off := offsetOf(t, s.Record(Broadcast{Event: "x"}))
	s.Persist("sid", "pid", nil, nil)
	if ps := s.Restore("pid", "p-unknown"); ps != nil {
		t.Fatalf("restored with an unknown offset: %+v", ps)
	}
	if s.Restore("pid", off) != nil {
		t.Fatal("state kept after a failed restore")
	}
	if s.Restore("nobody", off) != nil {
		t.Fatal("restored a pid never persisted")
	}
}

// TestWindowOnGivenClock: state and broadcasts older than the window, on
// the clock the store was given, are gone.
func TestWindowOnGivenClock(t *testing.T) {
	s, c := newTestStore(time.Minute)
	off := offsetOf(t, s.Record(Broadcast{Event: "x"}))
	s.Persist("sid", "pid", nil, nil)
	c.t = c.t.Add(time.Minute)
	if s.Restore("pid", off) == nil {
		t.Fatal("not restored at the window's end")
	}

	off = offsetOf(t, s.Record(Broadcast{Event: "y"}))
	s.Persist("sid", "pid", nil, nil)
	c.t = c.t.Add(time.Minute + time.Nanosecond)
	if s.Restore("pid", off) != nil {
		t.Fatal("restored past the window")
	}

	// A broadcast that ages out takes its offset with it.
	off = offsetOf(t, s.Record(Broadcast{Event: "z"}))
	c.t = c.t.Add(2 * time.Minute)
	s.Persist("sid", "pid", nil, nil)
	s.Record(Broadcast{Event: "later"})
	if s.Restore("pid", off) != nil {
		t.Fatal("restored from an offset older than the window")
	}
}

// TestExpiredSessionsSwept: a persisted state past the window is dropped by
// later calls, not only refused when asked for.
func TestExpiredSessionsSwept(t *testing.T) {
	s, c := newTestStore(time.Minute)
	s.Persist("sid", "old", nil, nil)
	c.t = c.t.Add(2 * time.Minute)
	s.Record(Broadcast{Event: "x"})
	s.mu.Lock()
	_, kept := s.sessions["old"]
	s.mu.Unlock()
	if kept {
		t.Fatal("expired state still held")
	}
}
