package adapter

import "sync/atomic"

// The operations a namespace's Adapter forwards to its Local: each selects
// members by Options. Broadcasts and disconnections select on the loops,
// from the loops' indexes, in order with the room changes posted before
// them; room changes and fetches select from the calling goroutine, from
// the members' room sets, so that they see every change made before them.

// Broadcast encodes p once and writes it to the matching members, each
// loop to its own. Safe from any goroutine.
func (l *Local) Broadcast(p *Packet, opts *Options) {
	l.counted()
	m := l.encode(p, opts, -1)
	tally := newDeliveryTally(opts.Delivered, len(l.loops))
	reached := l.eachLoopSized(func(x *loopIndex) {
		var d Delivery
		x.fanOut(l, m, opts, -1, nil, &d)
		tally.add(&d)
	}, m.size())
	tally.skip(len(l.loops) - reached)
}

// BroadcastWithAck is Broadcast with an acknowledgement: acks.Clients is
// called once, with the number of this node's recipients, when every loop
// has delivered; acks.Ack for each answer, on the answering member's loop.
// acks.Servers is left to the Adapter. Safe from any goroutine.
func (l *Local) BroadcastWithAck(p *Packet, opts *Options, acks BroadcastAcks) {
	l.counted()
	id := l.NextAckID()
	m := l.encode(p, opts, id)
	var remaining atomic.Int32
	var sum atomic.Int64
	remaining.Store(int32(len(l.loops)))
	report := func(n int) {
		sum.Add(int64(n))
		if remaining.Add(-1) == 0 {
			acks.Clients(int(sum.Load()))
		}
	}
	reached := l.eachLoopSized(func(x *loopIndex) {
		var d Delivery
		report(x.fanOut(l, m, opts, id, acks.Ack, &d))
	}, m.size())
	for i := reached; i < len(l.loops); i++ {
		report(0)
	}
}

// AddSockets makes the matching members join rooms: when it returns, their
// Rooms and FetchSockets show the rooms, and a broadcast issued after it
// reaches them. Safe from any goroutine.
func (l *Local) AddSockets(opts *Options, rooms []string) { l.changeSelected(opts, rooms, true) }

// DelSockets makes the matching members leave rooms, as AddSockets.
func (l *Local) DelSockets(opts *Options, rooms []string) { l.changeSelected(opts, rooms, false) }

func (l *Local) changeSelected(opts *Options, rooms []string, join bool) {
	for _, ms := range l.candidates(opts) {
		ms.mu.Lock()
		var report []string
		selected := ms.selectedLocked(opts)
		if selected {
			report = l.pendingLocked(ms, rooms, join)
		}
		changed := selected && l.changeLocked(ms, rooms, join)
		ms.mu.Unlock()
		if changed {
			l.postSync(ms, rooms)
		}
		l.reportRooms(ms, report, join)
	}
}

// DisconnectSockets disconnects the matching members, each on its loop
// (Member.Disconnect). Safe from any goroutine.
func (l *Local) DisconnectSockets(opts *Options, close bool) {
	l.eachLoop(func(x *loopIndex) {
		var victims []Member
		x.walk(l, opts, func(i int) { victims = append(victims, x.slots[i].ms.member) })
		for _, m := range victims {
			m.Disconnect(close)
		}
	})
}

// FetchSockets returns the matching members, each with its rooms as they
// are when it is read. Safe from any goroutine.
func (l *Local) FetchSockets(opts *Options) []SocketInfo {
	var out []SocketInfo
	for _, ms := range l.candidates(opts) {
		ms.mu.Lock()
		var rooms []string
		if ms.selectedLocked(opts) {
			rooms = ms.roomsLocked()
		}
		ms.mu.Unlock()
		if rooms != nil {
			out = append(out, SocketInfo{ID: ms.member.ID(), Rooms: rooms, Local: ms.member})
		}
	}
	return out
}

// candidates returns the members opts may select, each once: every
// member, or the members of opts.Rooms (an id names its member's own
// room). The caller checks each under its lock.
func (l *Local) candidates(opts *Options) []*Membership {
	if len(opts.Rooms) == 0 {
		return l.byID.snapshot()
	}
	var out []*Membership
	for _, r := range opts.Rooms {
		if ms := l.byID.load(r); ms != nil {
			out = append(out, ms)
		}
		out = l.members.appendMembers(out, r)
	}
	if len(opts.Rooms) == 1 {
		return out // a member's own room is never in its room set
	}
	seen := make(map[*Membership]struct{}, len(out))
	uniq := out[:0]
	for _, ms := range out {
		if _, dup := seen[ms]; !dup {
			seen[ms] = struct{}{}
			uniq = append(uniq, ms)
		}
	}
	return uniq
}

// Rooms lists the rooms that have a local member, each member's own id
// included (Node's allRooms). Safe from any goroutine.
func (l *Local) Rooms() []string {
	rooms := l.members.names()
	for _, ms := range l.byID.snapshot() {
		rooms = append(rooms, ms.member.ID())
	}
	return rooms
}
