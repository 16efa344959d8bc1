// Package connectwatch holds the queue behind the connect timeout: one
// event loop's sessions that have not joined a namespace yet, each with its
// deadline. With one timeout for all, the order they open in is deadline
// order, so the queue is a FIFO and one loop timer, set for its head, serves
// every session instead of a timer and a closure each (an idle server holds
// many sessions).
//
// A session that joins a namespace or closes before its deadline leaves the
// queue at once (Remove, by the ticket Add gave it), so that a flood of
// handshakes that never connect costs memory for as long as the sessions
// live, not for the whole connect timeout.
//
// The queue is plain data, touched by its loop only. It neither reads a
// clock nor arms timers: the caller passes the loop's time and sets the
// timer for the deadline the queue reports. It does not close sessions
// either: Sweep hands the expired ones back.
package connectwatch

import "sort"

// Queue is a FIFO of items with non-decreasing deadlines. The zero value
// is an empty queue.
type Queue[T any] struct {
	q     []entry[T] // q[head] is live when the queue is not empty
	head  int
	live  int    // entries neither swept nor removed
	last  Ticket // the ticket of the last Add
	armed bool   // a timer is set for a deadline (the head's, or an earlier one)
}

// Ticket names an item's place in a Queue, for Remove. Tickets grow by
// one per Add and skip 0, which names no place (an item out of the queue).
// They wrap around after 2³² Adds: the queue compares them relative to its
// head, which is right while fewer than 2³¹ items wait.
type Ticket uint32

type entry[T any] struct {
	item   T
	at     int64 // deadline, on the caller's clock
	ticket Ticket
	gone   bool // removed: item is zero, the entry waits to be dropped
}

// releaseAbove is the capacity above which an emptied queue gives its
// backing array back: a crowd has passed.
const releaseAbove = 1024

// compactAbove is the number of entries above which removed entries that
// outnumber the live ones are dropped at once, so that what a queue holds
// stays within twice what waits (plus this constant).
const compactAbove = 32

// Add appends item with deadline at, which must not be before the
// deadlines already queued. It returns the item's ticket, for Remove, and
// whether the caller must set a timer for at: when no timer is set,
// because the queue was empty.
func (q *Queue[T]) Add(item T, at int64) (t Ticket, arm bool) {
	q.last++
	if q.last == 0 {
		q.last = 1
	}
	q.q = append(q.q, entry[T]{item: item, at: at, ticket: q.last})
	q.live++
	if q.armed {
		return q.last, false
	}
	q.armed = true
	return q.last, true
}

// Remove takes the item of ticket t out of the queue, before its deadline,
// and reports whether it was there (false once swept or removed, or for
// ticket 0). The queue holds no reference to it afterwards. The timer set
// for the queue stays: when it fires, Sweep finds nothing due and reports
// the next deadline.
func (q *Queue[T]) Remove(t Ticket) bool {
	if t == 0 || q.live == 0 {
		return false
	}
	rest := q.q[q.head:]
	first := rest[0].ticket
	i := sort.Search(len(rest), func(i int) bool { return rest[i].ticket-first >= t-first })
	if i == len(rest) || rest[i].ticket != t || rest[i].gone {
		return false
	}
	rest[i] = entry[T]{at: rest[i].at, ticket: t, gone: true}
	q.live--
	switch {
	case q.live == 0:
		q.empty()
	case i == 0:
		q.skipGone()
	case len(rest)-q.live > q.live && len(rest) > compactAbove:
		q.compact()
	}
	return true
}

// skipGone moves the head past removed entries.
func (q *Queue[T]) skipGone() {
	for q.head < len(q.q) && q.q[q.head].gone {
		q.q[q.head] = entry[T]{}
		q.head++
	}
}

// compact drops the removed entries and the swept ones before the head.
func (q *Queue[T]) compact() {
	n := 0
	for _, e := range q.q[q.head:] {
		if !e.gone {
			q.q[n] = e
			n++
		}
	}
	clear(q.q[n:])
	q.q, q.head = q.q[:n], 0
}

// empty forgets every entry; the backing array is kept for reuse unless a
// crowd made it big.
func (q *Queue[T]) empty() {
	q.head, q.live = 0, 0
	if cap(q.q) > releaseAbove {
		q.q = nil
	} else {
		clear(q.q)
		q.q = q.q[:0]
	}
}

// Sweep removes the items whose deadline is at or before now, in order,
// calling expire for each. It returns the deadline of the next item, for
// which the caller must set the timer, or ok false when the queue is empty
// (and no timer is needed until Add says so).
func (q *Queue[T]) Sweep(now int64, expire func(T)) (next int64, ok bool) {
	for q.head < len(q.q) && q.q[q.head].at <= now {
		e := q.q[q.head]
		q.q[q.head] = entry[T]{}
		q.head++
		if !e.gone {
			q.live--
			expire(e.item)
		}
	}
	q.skipGone()
	if q.live == 0 {
		q.empty()
		q.armed = false
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
func (q *Queue[T]) Len() int { return q.live }

// Held is the number of entries the queue holds, waiting or removed and
// not dropped yet: at most twice Len plus a small constant.
func (q *Queue[T]) Held() int { return len(q.q) - q.head }
