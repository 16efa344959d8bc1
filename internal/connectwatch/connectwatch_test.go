package connectwatch

import (
	"slices"
	"testing"
)

func TestArmOnlyWhenIdle(t *testing.T) {
	var q Queue[string]
	if _, arm := q.Add("a", 10); !arm {
		t.Fatal("the first Add did not ask for a timer")
	}
	if _, arm := q.Add("b", 20); arm {
		t.Fatal("a second Add asked for a second timer")
	}
	next, ok := q.Sweep(10, func(string) {})
	if !ok || next != 20 {
		t.Fatalf("next %d %v, want 20", next, ok)
	}
	if _, arm := q.Add("c", 30); arm {
		t.Fatal("Add asked for a timer while one is set for b")
	}
	if _, ok := q.Sweep(30, func(string) {}); ok || q.Len() != 0 {
		t.Fatalf("swept all, still %d waiting (ok %v)", q.Len(), ok)
	}
	if _, arm := q.Add("d", 40); !arm {
		t.Fatal("Add on an emptied queue did not ask for a timer")
	}
}

// TestSweepInOrder: a late sweep expires every passed deadline, in order,
// and leaves the rest.
func TestSweepInOrder(t *testing.T) {
	var q Queue[int]
	q.Add(1, 10)
	for i := 2; i <= 5; i++ {
		q.Add(i, int64(i*10))
	}
	var got []int
	next, ok := q.Sweep(35, func(i int) { got = append(got, i) })
	if !slices.Equal(got, []int{1, 2, 3}) || !ok || next != 40 || q.Len() != 2 {
		t.Fatalf("expired %v, next %d %v, %d left", got, next, ok, q.Len())
	}
	next, ok = q.Sweep(39, func(i int) { got = append(got, i) })
	if len(got) != 3 || !ok || next != 40 {
		t.Fatalf("an early sweep expired %v, next %d", got[3:], next)
	}
	q.Sweep(50, func(i int) { got = append(got, i) })
	if !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
		t.Fatalf("expired %v", got)
	}
}

// TestCompactsAndReleases: swept entries are dropped (the queue holds no
// reference to them), and a crowd's backing array is given back once the
// queue empties.
func TestCompactsAndReleases(t *testing.T) {
	var q Queue[*int]
	for i := range 3000 {
		v := i
		q.Add(&v, int64(i))
	}
	q.Sweep(2000, func(*int) {})
	if q.head != 0 || len(q.q) != 999 {
		t.Fatalf("after sweeping more than half: head %d, len %d", q.head, len(q.q))
	}
	for _, e := range q.q[:cap(q.q)][len(q.q):] {
		if e.item != nil {
			t.Fatal("a swept item is still referenced")
		}
	}
	q.Sweep(3000, func(*int) {})
	if q.q != nil || q.Len() != 0 {
		t.Fatalf("a crowd's array is kept: cap %d", cap(q.q))
	}

	q.Add(new(int), 1)
	q.Sweep(1, func(*int) {})
	if q.q == nil || cap(q.q) == 0 {
		t.Fatal("a small array was given back; it is reused")
	}
}

// TestRemove: a removed item leaves at once (the queue holds no reference
// to it), is not expired, and its ticket removes nothing twice; the
// deadline reported next is a waiting item's.
func TestRemove(t *testing.T) {
	var q Queue[*int]
	items := make([]*int, 5)
	tickets := make([]Ticket, 5)
	for i := range items {
		items[i] = new(int)
		*items[i] = i
		tickets[i], _ = q.Add(items[i], int64(10*(i+1)))
	}
	if !q.Remove(tickets[2]) || q.Remove(tickets[2]) || q.Remove(0) {
		t.Fatal("Remove of a waiting ticket failed, or a second Remove succeeded")
	}
	if !q.Remove(tickets[0]) {
		t.Fatal("Remove of the head failed")
	}
	for _, e := range q.q {
		if e.item == items[0] || e.item == items[2] {
			t.Fatal("a removed item is still referenced")
		}
	}
	if q.Len() != 3 {
		t.Fatalf("Len %d, want 3", q.Len())
	}
	var got []int
	next, ok := q.Sweep(30, func(p *int) { got = append(got, *p) })
	if !slices.Equal(got, []int{1}) || !ok || next != 40 {
		t.Fatalf("expired %v, next %d %v; want [1], 40", got, next, ok)
	}
	if q.Remove(tickets[1]) {
		t.Fatal("Remove of a swept ticket succeeded")
	}
	q.Remove(tickets[3])
	q.Remove(tickets[4])
	if q.Len() != 0 || q.Held() != 0 {
		t.Fatalf("all removed: Len %d, Held %d", q.Len(), q.Held())
	}
	if _, ok := q.Sweep(100, func(*int) { t.Fatal("a removed item expired") }); ok {
		t.Fatal("an emptied queue asked for a timer")
	}
	if _, arm := q.Add(new(int), 200); !arm {
		t.Fatal("Add on an emptied queue did not ask for a timer")
	}
}

// TestRemoveBounded: under a flood where nearly every item is removed
// before its deadline (and one at the head stays), what the queue holds
// stays within twice what waits plus a constant, and a crowd's array is
// given back once the queue empties.
func TestRemoveBounded(t *testing.T) {
	var q Queue[int]
	head, _ := q.Add(-1, 0)
	for i := range 100_000 {
		tk, _ := q.Add(i, int64(i))
		if i%10 == 0 {
			continue // every tenth stays
		}
		if !q.Remove(tk) {
			t.Fatalf("Remove %d failed", i)
		}
		if held, live := q.Held(), q.Len(); held > 2*live+compactAbove {
			t.Fatalf("after %d: %d entries held for %d waiting", i, held, live)
		}
	}
	if q.Len() != 10_001 {
		t.Fatalf("Len %d, want 10001", q.Len())
	}
	var expired []int
	q.Sweep(50, func(i int) { expired = append(expired, i) })
	if !slices.Equal(expired, []int{-1, 0, 10, 20, 30, 40, 50}) {
		t.Fatalf("expired %v", expired)
	}
	if q.Remove(head) {
		t.Fatal("Remove of a swept ticket succeeded")
	}
	q.Sweep(1<<40, func(int) {})
	if q.q != nil || q.Len() != 0 {
		t.Fatalf("a crowd's array is kept: cap %d", cap(q.q))
	}
}

// TestTicketsWrap: tickets compare relative to the head, so a queue whose
// tickets wrap around past 2³² still finds them, and 0 is never given.
func TestTicketsWrap(t *testing.T) {
	var q Queue[int]
	q.last = ^Ticket(0) - 2
	var tickets []Ticket
	for i := range 6 {
		tk, _ := q.Add(i, int64(i))
		if tk == 0 {
			t.Fatal("ticket 0 given")
		}
		tickets = append(tickets, tk)
	}
	for _, i := range []int{4, 1, 3, 5} {
		if !q.Remove(tickets[i]) {
			t.Fatalf("Remove of ticket %d (item %d) failed", tickets[i], i)
		}
	}
	var expired []int
	q.Sweep(10, func(i int) { expired = append(expired, i) })
	if !slices.Equal(expired, []int{0, 2}) {
		t.Fatalf("expired %v, want [0 2]", expired)
	}
}
