package transports

import "time"

// timed is something with deadlines on a loop: a Session, a Conn, a
// LegacySession or a Timer. It embeds a timerNode, so that being in the
// loop's heap costs it no allocation and the heap holds at most one entry
// for it (a stale entry would keep a closed session alive until it fired,
// and idle sessions would pile up entries).
type timed interface {
	node() *timerNode
	// tick runs what is due at now and schedules what comes next.
	tick(now time.Time)
}

// timerNode is a timed's place in its loop's heap.
type timerNode struct {
	at  int64 // deadline, in the Server's clock (see nanos); valid while queued
	pos int32 // index in the heap plus one; 0 when not queued
	// loop is the timed's loop, for those that keep it here: it fills
	// what would be padding (Session, Timer).
	loop int32
}

// timerHeap is a binary min-heap of deadlines, one per loop. Its entries
// are the timed values themselves: 16 bytes each, kept in one array.
type timerHeap struct{ es []timed }

func (h *timerHeap) Len() int { return len(h.es) }

func (h *timerHeap) at(i int) int64 { return h.es[i].node().at }

func (h *timerHeap) place(i int, t timed) {
	h.es[i] = t
	t.node().pos = int32(i + 1)
}

// wake makes sure t is queued with a deadline no later than at. An earlier
// deadline already queued stays: the timed finds nothing due then, and
// schedules its next deadline again.
func (h *timerHeap) wake(t timed, at int64) {
	n := t.node()
	if n.pos != 0 {
		if n.at <= at {
			return
		}
		n.at = at
		h.up(int(n.pos - 1))
		return
	}
	n.at = at
	h.es = append(h.es, nil)
	h.place(len(h.es)-1, t)
	h.up(len(h.es) - 1)
}

// set queues t for deadline at exactly, earlier or later than a deadline it
// had: for a timed with one deadline, which then needs no copy of it.
func (h *timerHeap) set(t timed, at int64) {
	n := t.node()
	if n.pos == 0 {
		h.wake(t, at)
		return
	}
	n.at = at
	h.down(h.up(int(n.pos - 1)))
}

// remove takes t out of the heap, if it is queued.
func (h *timerHeap) remove(t timed) {
	n := t.node()
	if n.pos == 0 {
		return
	}
	i, last := int(n.pos-1), len(h.es)-1
	n.pos = 0
	if i != last {
		h.place(i, h.es[last])
	}
	h.es[last] = nil
	h.es = h.es[:last]
	if i != last {
		h.down(h.up(i))
	}
	h.shrink()
}

// pop removes and returns the entry with the earliest deadline.
func (h *timerHeap) pop() timed {
	t := h.es[0]
	h.remove(t)
	return t
}

// shrink gives back the array once most of it is unused (after a burst of
// connections left), so that the heap does not hold its peak size forever.
func (h *timerHeap) shrink() {
	if c := cap(h.es); c > 1024 && len(h.es) < c/4 {
		h.es = append(make([]timed, 0, c/2), h.es...)
	}
}

func (h *timerHeap) up(i int) int {
	for i > 0 {
		p := (i - 1) / 2
		if h.at(i) >= h.at(p) {
			break
		}
		h.swap(i, p)
		i = p
	}
	return i
}

func (h *timerHeap) down(i int) {
	n := len(h.es)
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && h.at(l) < h.at(m) {
			m = l
		}
		if r < n && h.at(r) < h.at(m) {
			m = r
		}
		if m == i {
			return
		}
		h.swap(i, m)
		i = m
	}
}

func (h *timerHeap) swap(i, j int) {
	a, b := h.es[i], h.es[j]
	h.place(i, b)
	h.place(j, a)
}
