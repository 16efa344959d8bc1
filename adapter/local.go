package adapter

import (
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/socketio"
)

// Poster runs work on the event loops.
type Poster interface {
	// Post runs fn on loop i and reports true, or runs nothing and
	// reports false when loop i serves no connections (the server has not
	// started, or the loop has stopped). Safe from any goroutine; it may
	// make a goroutine that is not an event loop wait while the loop is
	// behind (backpressure), so a caller must not hold a lock a loop needs.
	Post(i int, fn func()) bool
}

// SizedPoster is a Poster that weighs the work it posts: PostSized is Post
// for work that writes about size bytes, so that the loops' backpressure
// counts bytes and not only functions. The broadcasts use it when their
// Poster has it.
type SizedPoster interface {
	PostSized(i int, fn func(), size int) bool
}

// Config is what a Local needs from its namespace.
type Config struct {
	Namespace string // the namespace's name, as packets carry it
	Loops     int    // the number of event loops
	Poster    Poster
	// Record, when set, stores a broadcast (without ack, not volatile)
	// before it is encoded and returns the arguments to encode: connection
	// state recovery appends the packet's offset. Safe from any goroutine.
	Record func(p *Packet, opts *Options) [][]byte
	// ServerSide receives the events other nodes send to the namespace
	// (ServerSideEmitted); nil drops them.
	ServerSide ServerSideHandler
	// RecoveryWindow is how long connection state recovery keeps a
	// disconnected socket's state; 0 when recovery is off.
	RecoveryWindow time.Duration
	// Timers arms the cluster adapters' request timeouts on the event
	// loops' clock; nil: they never fire.
	Timers Timers
	// Parser encodes the broadcasts, the server's parser; nil:
	// socketio.TextParser.
	Parser socketio.Parser
}

// Local is the in-process side of a namespace: its members, their rooms
// and the broadcast fan-out. Each loop has an index of its own members,
// touched only on it, which a broadcast walks without a lock; the id and
// room indexes beside them answer selections from any goroutine.
//
// A member is attached on its loop once connected (Attach) and detached
// there when it goes (Detach); between the two it receives the broadcasts
// that select it. Its rooms may change at any time from any goroutine
// (Join, Leave, AddSockets, DelSockets).
type Local struct {
	cfg     Config
	loops   []*loopIndex
	byID    *idIndex
	members *roomIndex

	memberWatch   atomic.Pointer[func(id string, attached bool)] // WatchMembers
	roomWatch     atomic.Pointer[func(RoomChange)]               // WatchRoomChanges
	ids           atomic.Int64                                   // ack ids, shared by the namespace's sockets as in Node
	legacyMembers atomic.Int64                                   // attached members over a 0.6 session

	stats localStats // stats.go
}

// NewLocal returns the local side of a namespace.
func NewLocal(cfg Config) *Local {
	l := &Local{cfg: cfg, loops: make([]*loopIndex, max(cfg.Loops, 1)), byID: newIDIndex(), members: newRoomIndex()}
	for i := range l.loops {
		l.loops[i] = newLoopIndex()
	}
	return l
}

// NextAckID draws an ack id, from the sequence broadcasts use too. Safe
// from any goroutine.
func (l *Local) NextAckID() int64 { return l.ids.Add(1) - 1 }

// Encode makes the message of p for one member's emit, as a broadcast
// selecting opts would have it (recorded, see Config.Record). Safe from any
// goroutine.
func (l *Local) Encode(p *Packet, opts *Options) *Message { return l.encode(p, opts, -1) }

// Member returns the attached member with id, or nil. Safe from any
// goroutine.
func (l *Local) Member(id string) Member {
	if ms := l.byID.load(id); ms != nil {
		return ms.member
	}
	return nil
}

// Attach lists a connected member: it gets the broadcasts that select it
// from now on, and the selections made from any goroutine find it. On the
// member's loop.
func (l *Local) Attach(ms *Membership) {
	m := ms.member
	sess := m.Target().Session
	if sess == nil {
		l.legacyMembers.Add(1)
	}
	x := l.loops[m.Loop()]
	if ms.outgoing.Load() {
		x.add(ms, nil)
	} else {
		x.add(ms, sess)
	}
	l.byID.store(m.ID(), ms)
	if w := l.memberWatch.Load(); w != nil {
		(*w)(m.ID(), true)
	}
	ms.mu.Lock()
	ms.listed = true
	for r := range ms.rooms {
		x.join(ms, r)
		l.members.add(r, ms)
	}
	ms.mu.Unlock()
}

// Detach takes an attached member out of every index; its room set stays
// as it is (see Membership.Close). On the member's loop.
func (l *Local) Detach(ms *Membership) {
	m := ms.member
	x := l.loops[m.Loop()]
	if x.has(ms) && m.Target().Session == nil {
		l.legacyMembers.Add(-1)
	}
	x.remove(ms)
	ms.mu.Lock()
	ms.listed = false
	left := l.leavingLocked(ms)
	for r := range ms.rooms {
		x.leave(ms, r)
		l.members.remove(r, ms)
	}
	ms.mu.Unlock()
	l.reportRooms(ms, left, false)
	l.byID.delete(m.ID(), ms)
	if w := l.memberWatch.Load(); w != nil {
		(*w)(m.ID(), false)
	}
}

// WatchOutgoing has the member's Outgoing run before each broadcast
// written to it, from the broadcasts issued after the call. Safe from any
// goroutine.
func (l *Local) WatchOutgoing(ms *Membership) {
	if ms.outgoing.Swap(true) {
		return
	}
	loop := ms.member.Loop()
	l.cfg.Poster.Post(loop, func() {
		if x := l.loops[loop]; x.has(ms) {
			x.slots[ms.idx].sess = nil // the member's way from now on
		}
	})
}

// Join adds the member to rooms (its own id is always one), unless it is
// closed. Rooms shows them when Join returns; broadcasts see them in order
// with everything posted to the member's loop after the call. Safe from any
// goroutine.
func (l *Local) Join(ms *Membership, rooms ...string) { l.change(ms, rooms, true) }

// Leave removes the member from rooms, as Join adds.
func (l *Local) Leave(ms *Membership, rooms ...string) { l.change(ms, rooms, false) }

func (l *Local) change(ms *Membership, rooms []string, join bool) {
	ms.mu.Lock()
	report := l.pendingLocked(ms, rooms, join)
	changed := !ms.closed && l.changeLocked(ms, rooms, join)
	ms.mu.Unlock()
	if changed {
		l.postSync(ms, rooms)
	}
	l.reportRooms(ms, report, join)
}

// changeLocked adds or removes rooms, in the room index too once the
// member is listed there; it reports whether anything changed. ms.mu is
// held.
func (l *Local) changeLocked(ms *Membership, rooms []string, join bool) bool {
	changed := false
	for _, r := range rooms {
		_, in := ms.rooms[r]
		switch {
		case join && !in && r != ms.member.ID(): // the own room is implicit
			if ms.rooms == nil {
				ms.rooms = make(map[string]struct{}, 1)
			}
			ms.rooms[r] = struct{}{}
			if ms.listed {
				l.members.add(r, ms)
			}
			changed = true
		case !join && in:
			delete(ms.rooms, r)
			if ms.listed {
				l.members.remove(r, ms)
			}
			changed = true
		}
	}
	return changed
}

// postSync has the member's loop bring its index in line with the room
// set, after a change to rooms. It is posted after every change, so the
// last one to run sees the last change, whatever the order of the changes'
// goroutines; and a broadcast posted after the change runs after it.
func (l *Local) postSync(ms *Membership, rooms []string) {
	rooms = append([]string(nil), rooms...)
	loop := ms.member.Loop()
	l.cfg.Poster.Post(loop, func() { l.sync(l.loops[loop], ms, rooms) })
}

// sync sets the loop's index for rooms from the member's room set: in a
// room it joined, out of one it left, and out of every one once detached
// (a change may reach the loop after the Detach). On the member's loop.
func (l *Local) sync(x *loopIndex, ms *Membership, rooms []string) {
	ms.mu.Lock()
	attached := x.has(ms)
	for _, r := range rooms {
		if _, in := ms.rooms[r]; in && attached {
			x.join(ms, r)
		} else {
			x.leave(ms, r)
		}
	}
	ms.mu.Unlock()
}

// eachLoop runs fn on every loop that serves connections; it returns how
// many it reached.
func (l *Local) eachLoop(fn func(x *loopIndex)) int { return l.eachLoopSized(fn, 0) }

// eachLoopSized is eachLoop for fn that writes about size bytes to each
// member it reaches (SizedPoster).
func (l *Local) eachLoopSized(fn func(x *loopIndex), size int) int {
	sized, _ := l.cfg.Poster.(SizedPoster)
	n := 0
	for i, x := range l.loops {
		var ok bool
		if sized != nil {
			ok = sized.PostSized(i, func() { fn(x) }, size)
		} else {
			ok = l.cfg.Poster.Post(i, func() { fn(x) })
		}
		if ok {
			n++
		}
	}
	return n
}
