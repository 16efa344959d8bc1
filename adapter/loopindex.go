package adapter

import "github.com/tornadio/tornadio/transports"

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
	mark  uint32 // broadcast generation, to skip excluded or visited members (Membership.mark)
	// pos is the slot a broadcast to everyone is at, -1 between them: the
	// walk goes from the last slot to the first, and remove keeps the
	// slots below pos those not yet visited.
	pos int

	stats indexStats // stats.go

	_ [64]byte // keep loops' indexes on separate cache lines
}

// slot is one member of a loop beside its session. It is two words, as
// every connected socket has one.
type slot struct {
	// sess is the member's Engine.IO session when a broadcast needs
	// nothing else: nil for a 0.6 session and for a member whose Outgoing
	// runs before each broadcast, which take the member's way (deliverVia).
	sess *transports.Session
	ms   *Membership
}

func newLoopIndex() *loopIndex {
	return &loopIndex{rooms: make(map[string]map[*Membership]struct{}), pos: -1}
}

// has reports whether ms is in the loop's slots.
func (x *loopIndex) has(ms *Membership) bool {
	i := int(ms.idx)
	return i >= 0 && i < len(x.slots) && x.slots[i].ms == ms
}

// add appends ms's slot; sess is its session, nil to send it the
// member's way.
func (x *loopIndex) add(ms *Membership, sess *transports.Session) {
	ms.idx = int32(len(x.slots))
	x.slots = append(x.slots, slot{sess: sess, ms: ms})
	x.stats.attached.Add(1)
}

// remove takes ms's slot out: the last slot takes its place, unless a
// broadcast to everyone is under way and has yet to visit ms's slot: then
// the last slot not yet visited takes it, and the last slot (visited)
// takes that one's, so that the walk visits each slot once.
func (x *loopIndex) remove(ms *Membership) {
	if !x.has(ms) {
		return
	}
	x.stats.detached.Add(1)
	i, last := int(ms.idx), len(x.slots)-1
	if p := x.pos; i < p {
		x.move(p-1, i)
		i = p - 1
		x.pos = p - 1
	}
	x.move(last, i)
	x.slots[last] = slot{}
	x.slots = x.slots[:last]
	ms.idx = -1
	if cap(x.slots) > 64 && len(x.slots) < cap(x.slots)/4 {
		x.slots = append([]slot(nil), x.slots...) // give back what a crowd left
	}
}

// move puts slot from at position to.
func (x *loopIndex) move(from, to int) {
	x.slots[to] = x.slots[from]
	x.slots[to].ms.idx = int32(to)
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
// below stay correct when the last slot moves into the current one. A
// message the parser refused reaches no one.
func (x *loopIndex) fanOut(l *Local, m *Message, opts *Options, id int64, ack AckFunc) int {
	if m.failed {
		return 0
	}
	n := 0
	if len(opts.Rooms) == 0 && len(opts.Except) == 0 {
		plain := !m.Volatile && ack == nil && m.shared != nil
		for x.pos = len(x.slots) - 1; x.pos >= 0; x.pos-- {
			if s := &x.slots[x.pos]; plain && s.sess != nil {
				m.sendShared(s.sess) // the common case
				n++
			} else if x.deliver(x.pos, m, id, ack) {
				n++
			}
		}
		return x.delivered(n)
	}
	x.walk(l, opts, func(i int) {
		if x.deliver(i, m, id, ack) {
			n++
		}
	})
	return x.delivered(n)
}

// deliver writes m to slot i's member, unless its target refuses it now.
func (x *loopIndex) deliver(i int, m *Message, id int64, ack AckFunc) bool {
	sess, ms := x.slots[i].sess, x.slots[i].ms // a write may end the member and move the slots
	if sess == nil {
		return x.undelivered(m, deliverVia(ms.member, m, id, ack))
	}
	if m.Volatile && !sess.Writable() {
		return x.droppedVolatile()
	}
	if m.shared != nil {
		m.sendShared(sess)
	} else {
		(&Target{Session: sess}).Write(m)
	}
	if ack != nil {
		ms.member.AwaitAck(id, ack)
	}
	return true
}

// deliverVia writes m to a member that takes more than its session: a 0.6
// session, or outgoing listeners to run first.
func deliverVia(member Member, m *Message, id int64, ack AckFunc) bool {
	t := member.Target()
	if !t.Ready(m) {
		return false
	}
	if t.Session != nil {
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
	m := x.nextMark()
	for _, r := range opts.Except {
		for ms := range x.rooms[r] {
			ms.mark = m
		}
		if ms := x.own(l, r); ms != nil {
			ms.mark = m
		}
	}
	if len(opts.Rooms) == 0 {
		for i := len(x.slots) - 1; i >= 0; i-- {
			if i < len(x.slots) && x.slots[i].ms.mark != m {
				x.slots[i].ms.mark = m
				visit(i)
			}
		}
		return
	}
	for _, r := range opts.Rooms {
		for ms := range x.rooms[r] {
			if ms.mark != m {
				ms.mark = m
				visit(int(ms.idx))
			}
		}
		if ms := x.own(l, r); ms != nil && ms.mark != m {
			ms.mark = m
			visit(int(ms.idx))
		}
	}
}

// nextMark starts a walk: a mark no member of the loop carries.
func (x *loopIndex) nextMark() uint32 {
	x.mark++
	if x.mark == 0 { // wrapped: old marks could match again
		for _, s := range x.slots {
			s.ms.mark = 0
		}
		x.mark = 1
	}
	return x.mark
}

// own returns the member of this loop whose own room (its id) is r, or
// nil.
func (x *loopIndex) own(l *Local, r string) *Membership {
	ms := l.byID.load(r)
	if ms == nil || l.loops[ms.member.Loop()] != x || !x.has(ms) {
		return nil
	}
	return ms
}
