package transports

import "time"

// timed is something with deadlines on a loop: a Session or a Conn.
type timed interface {
	// slot is where the earliest deadline already in the heap is kept.
	slot() *time.Time
	// tick runs what is due at now and schedules what comes next.
	tick(now time.Time)
}

// timerEntry asks for t.tick at time at. Entries are never removed early:
// a stale one only makes tick run when nothing is due, which it tolerates.
type timerEntry struct {
	at time.Time
	t  timed
}

// timerHeap is a binary min-heap of deadlines, one per loop.
type timerHeap struct{ es []timerEntry }

func (h *timerHeap) Len() int          { return len(h.es) }
func (h *timerHeap) peek() *timerEntry { return &h.es[0] }

func (h *timerHeap) push(e timerEntry) {
	h.es = append(h.es, e)
	i := len(h.es) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.es[i].at.Before(h.es[p].at) {
			break
		}
		h.es[i], h.es[p] = h.es[p], h.es[i]
		i = p
	}
}

func (h *timerHeap) pop() timerEntry {
	top := h.es[0]
	last := len(h.es) - 1
	h.es[0] = h.es[last]
	h.es[last] = timerEntry{}
	h.es = h.es[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.es[l].at.Before(h.es[m].at) {
			m = l
		}
		if r < last && h.es[r].at.Before(h.es[m].at) {
			m = r
		}
		if m == i {
			break
		}
		h.es[i], h.es[m] = h.es[m], h.es[i]
		i = m
	}
	return top
}
