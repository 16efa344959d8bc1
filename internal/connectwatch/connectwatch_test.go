package connectwatch

import (
	"slices"
	"testing"
)

func TestArmOnlyWhenIdle(t *testing.T) {
	var q Queue[string]
	if !q.Add("a", 10) {
		t.Fatal("the first Add did not ask for a timer")
	}
	if q.Add("b", 20) {
		t.Fatal("a second Add asked for a second timer")
	}
	next, ok := q.Sweep(10, func(string) {})
	if !ok || next != 20 {
		t.Fatalf("next %d %v, want 20", next, ok)
	}
	if q.Add("c", 30) {
		t.Fatal("Add asked for a timer while one is set for b")
	}
	if _, ok := q.Sweep(30, func(string) {}); ok || q.Len() != 0 {
		t.Fatalf("swept all, still %d waiting (ok %v)", q.Len(), ok)
	}
	if !q.Add("d", 40) {
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
