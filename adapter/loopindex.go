package adapter

// loopIndex is one event loop's share of a namespace: its members, each in
// a slot beside its write target, and the rooms they joined. Only its loop
// touches it, so a broadcast takes no lock.
type loopIndex struct {
	// slots lists the loop's members; Membership.idx is each one's
	// position. A broadcast to everyone walks it from end to start and
	// reaches each session from its slot, without going through the
	// member.
	slots []slot
	// rooms indexes joined rooms; a member's own room (its id) is not
	// indexed: each finds it through Local.byID.
	rooms map[string]map[*Membership]struct{}
	mark  uint64 // broadcast generation, to skip excluded or visited slots

	_ [64]byte // keep loops' indexes on separate cache lines
}

// slot is one member of a loop and what a delivery needs of it.
type slot struct {
	Target
	ms       *Membership
	mark     uint64 // see loopIndex.mark
	outgoing bool   // the member's Outgoing runs before each broadcast
}

func newLoopIndex() *loopIndex {
	return &loopIndex{rooms: make(map[string]map[*Membership]struct{})}
}

// has reports whether ms is in the loop's slots.
func (x *loopIndex) has(ms *Membership) bool {
	i := int(ms.idx)
	return i >= 0 && i < len(x.slots) && x.slots[i].ms == ms
}

// add appends ms's slot.
func (x *loopIndex) add(ms *Membership, t Target) {
	ms.idx = int32(len(x.slots))
	x.slots = append(x.slots, slot{Target: t, ms: ms, outgoing: ms.outgoing.Load()})
}

// remove takes ms's slot out: the last slot takes its place.
func (x *loopIndex) remove(ms *Membership) {
	if !x.has(ms) {
		return
	}
	i, last := int(ms.idx), len(x.slots)-1
	x.slots[i] = x.slots[last]
	x.slots[i].ms.idx = int32(i)
	x.slots[last] = slot{}
	x.slots = x.slots[:last]
	ms.idx = -1
	if cap(x.slots) > 64 && len(x.slots) < cap(x.slots)/4 {
		x.slots = append([]slot(nil), x.slots...) // give back what a crowd left
	}
}

func (x *loopIndex) join(ms *Membership, room string) {
	set := x.rooms[room]
	if set == nil {
		set = make(map[*Membership]struct{}, 1)
		x.rooms[room] = set
	}
	set[ms] = struct{}{}
}

func (x *loopIndex) leave(ms *Membership, room string) {
	if set := x.rooms[room]; set != nil {
		delete(set, ms)
		if len(set) == 0 {
			delete(x.rooms, room)
		}
	}
}

// fanOut writes m to the loop's members that opts select, each once, and
// returns how many it wrote to. ack, when not nil, waits for each
// recipient's answer to ack id. A delivery may end a member (a slow
// consumer's session closes at once), which takes its slot out: the walks
// below stay correct when the last slot moves into the current one.
func (x *loopIndex) fanOut(l *Local, m *Message, opts *Options, id int64, ack AckFunc) int {
	n := 0
	if len(opts.Rooms) == 0 && len(opts.Except) == 0 {
		for i := len(x.slots) - 1; i >= 0; i-- {
			if i < len(x.slots) && x.deliver(i, m, id, ack) {
				n++
			}
		}
		return n
	}
	x.walk(l, opts, func(i int) {
		if x.deliver(i, m, id, ack) {
			n++
		}
	})
	return n
}

// deliver writes m to slot i's member, unless its target refuses it now.
func (x *loopIndex) deliver(i int, m *Message, id int64, ack AckFunc) bool {
	s := &x.slots[i]
	if s.Session != nil && !m.Volatile && !s.outgoing && ack == nil && m.shared != nil {
		s.Session.SendShared(m.shared) // the common case, in one test
		return true
	}
	if !s.Ready(m) {
		return false
	}
	t, member := s.Target, s.ms.member // the slot may move during the calls
	if s.outgoing {
		member.Outgoing(m)
	}
	t.Write(m)
	if ack != nil {
		member.AwaitAck(id, ack)
	}
	return true
}

// walk calls visit with the slot of each member opts select, once. visit
// may take the slot out (see fanOut).
func (x *loopIndex) walk(l *Local, opts *Options, visit func(i int)) {
	x.mark++
	m := x.mark
	for _, r := range opts.Except {
		for ms := range x.rooms[r] {
			x.slots[ms.idx].mark = m
		}
		if i := x.own(l, r); i >= 0 {
			x.slots[i].mark = m
		}
	}
	if len(opts.Rooms) == 0 {
		for i := len(x.slots) - 1; i >= 0; i-- {
			if i < len(x.slots) && x.slots[i].mark != m {
				x.slots[i].mark = m
				visit(i)
			}
		}
		return
	}
	for _, r := range opts.Rooms {
		for ms := range x.rooms[r] {
			if i := ms.idx; x.slots[i].mark != m {
				x.slots[i].mark = m
				visit(int(i))
			}
		}
		if i := x.own(l, r); i >= 0 && x.slots[i].mark != m {
			x.slots[i].mark = m
			visit(i)
		}
	}
}

// own returns the slot of the member of this loop whose own room (its id)
// is r, or -1.
func (x *loopIndex) own(l *Local, r string) int {
	ms := l.byID.load(r)
	if ms == nil || l.loops[ms.member.Loop()] != x || !x.has(ms) {
		return -1
	}
	return int(ms.idx)
}
