package transports

// timed is something with deadlines on a loop: a Session, a Conn, a
// LegacySession or a Timer. It embeds a timerNode, so that being in the
// loop's heap costs it no allocation and the heap holds at most one entry
// for it (a stale entry would keep a closed session alive until it fired,
// and idle sessions would pile up entries).
type timed interface {
	node() *timerNode
	// tick runs what is due at due, the deadline it was queued for, and
	// schedules what comes next. Deadlines that follow from one it serves
	// count from due, not from when the pass ran (Server.Tick), so that a
	// chain of them does not drift by the loop's lateness.
	tick(due int64)
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
//
// The heap asks the edge for a timer pass (Loops.Wake, through ask) when its
// earliest deadline becomes earlier than the one it last asked for: a
// deadline that moves later, the common case (a pong moves the next ping
// later), costs no call, and the pass at the old time finds nothing due and
// asks again for the new earliest (see Server.Tick).
type timerHeap struct {
	es []timed
	// asked is the deadline of the pass last asked of the edge, 0 when none
	// is awaited; outside a pass, it is never later than the earliest
	// deadline queued.
	asked int64
	// passing is set while Server.Tick runs the due timeds: what they
	// queue is asked for once, after the pass.
	passing bool
	// due is the deadline of the timed being run by the pass, 0 outside
	// one (see Server.clock).
	due int64
	ask func(at int64) // Loops.Wake for this heap's loop; nil in tests
}

func (h *timerHeap) Len() int { return len(h.es) }

func (h *timerHeap) at(i int) int64 { return h.es[i].node().at }

// earlier asks the edge for a pass at at, the heap's new earliest
// deadline, unless one at or before it is awaited already.
func (h *timerHeap) earlier(at int64) {
	if h.passing || (h.asked != 0 && h.asked <= at) {
		return
	}
	h.asked = at
	if h.ask != nil {
		h.ask(at)
	}
}

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
		if h.up(int(n.pos-1)) == 0 {
			h.earlier(at)
		}
		return
	}
	n.at = at
	h.es = append(h.es, nil)
	h.place(len(h.es)-1, t)
	if h.up(len(h.es)-1) == 0 {
		h.earlier(at)
	}
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
	if n.pos == 1 {
		h.earlier(at)
	}
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
