// Package connectwatch holds the queue behind the connect timeout: one
// event loop's sessions that have not joined a namespace yet, each with its
// deadline. With one timeout for all, the order they open in is deadline
// order, so the queue is a FIFO and one loop timer, set for its head, serves
// every session instead of a timer and a closure each (an idle server holds
// many sessions).
//
// The queue is plain data, touched by its loop only. It neither reads a
// clock nor arms timers: the caller passes the loop's time and sets the
// timer for the deadline the queue reports. It does not close sessions
// either: Sweep hands the expired ones back.
package connectwatch

// Queue is a FIFO of items with non-decreasing deadlines. The zero value
// is an empty queue.
type Queue[T any] struct {
	q     []entry[T]
	head  int
	armed bool // a timer is set for the head's deadline
}

type entry[T any] struct {
	item T
	at   int64 // deadline, on the caller's clock
}

// releaseAbove is the capacity above which an emptied queue gives its
// backing array back: a crowd has passed.
const releaseAbove = 1024

// Add appends item with deadline at, which must not be before the
// deadlines already queued. It reports whether the caller must set a timer
// for at: when no timer is set, because the queue was empty.
func (q *Queue[T]) Add(item T, at int64) (arm bool) {
	q.q = append(q.q, entry[T]{item: item, at: at})
	if q.armed {
		return false
	}
	q.armed = true
	return true
}

// Sweep removes the items whose deadline is at or before now, in order,
// calling expire for each. It returns the deadline of the next item, for
// which the caller must set the timer, or ok false when the queue is empty
// (and no timer is needed until Add says so).
func (q *Queue[T]) Sweep(now int64, expire func(T)) (next int64, ok bool) {
	for q.head < len(q.q) && q.q[q.head].at <= now {
		item := q.q[q.head].item
		q.q[q.head] = entry[T]{}
		q.head++
		expire(item)
	}
	if q.head == len(q.q) {
		q.head, q.armed = 0, false
		if cap(q.q) > releaseAbove {
			q.q = nil
		} else {
			q.q = q.q[:0]
		}
		return 0, false
	}
	if q.head > len(q.q)/2 {
		n := copy(q.q, q.q[q.head:])
		clear(q.q[n:])
		q.q, q.head = q.q[:n], 0
	}
	return q.q[q.head].at, true
}

// Len is the number of items waiting.
func (q *Queue[T]) Len() int { return len(q.q) - q.head }
