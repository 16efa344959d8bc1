package adapter

import (
	"sync"
	"sync/atomic"

	"github.com/tornadio/tornadio/transports"
)

// Member is one socket of this process as the rooms hold it: a Socket.IO
// socket over an Engine.IO session (the modern road) or over a Socket.IO
// 0.6 session (the legacy road). The fan-out writes broadcasts to the
// member's Target itself; it calls the member only for what needs the
// socket: outgoing listeners, broadcast acknowledgements, disconnection.
type Member interface {
	// ID is the socket's id: the name of a room that holds only it. It
	// never changes.
	ID() string
	// Loop is the index of the event loop the member lives on. It never
	// changes.
	Loop() int
	// Target is where the member's broadcasts are written (send and
	// writable); asked once, by Attach.
	Target() Target
	// Outgoing runs before a broadcast is written to a member that asked
	// for it (Local.WatchOutgoing). On the member's loop.
	Outgoing(m *Message)
	// AwaitAck runs after a broadcast with acknowledgement id was written
	// to the member: the client's answer is for ack. On the member's loop.
	AwaitAck(id int64, ack AckFunc)
	// Disconnect disconnects the member, and with close its whole session
	// (DisconnectSockets). On the member's loop.
	Disconnect(close bool)
}

// Target is the session a member's broadcasts are written to: an Engine.IO
// session, or else a 0.6 session taking ~m~ frames. It sits beside the
// member in its loop's index, so that a delivery reaches the session
// without going through the socket.
type Target struct {
	Session *transports.Session
	Legacy  FrameSender
}

// FrameSender is a 0.6 session (*transports.LegacySession): Send takes
// complete ~m~ frames. On the session's loop.
type FrameSender interface{ Send(frames []byte) }

// Ready reports whether m would be written to t now: a 0.6 session takes
// only what has a 0.6 form (see Message), and a volatile message is dropped
// for an Engine.IO session that cannot write it at once. On t's loop.
func (t *Target) Ready(m *Message) bool {
	if m.failed {
		return false
	}
	if t.Session == nil {
		return m.legacy != nil && t.Legacy != nil
	}
	return !m.Volatile || t.Session.Writable()
}

// Write writes m, which Ready accepted, and reports what it did (SendCut
// when any of its messages closed the session). On t's loop.
func (t *Target) Write(m *Message) transports.SendResult {
	s := t.Session
	if s == nil {
		return t.sendLegacy(m.legacy)
	}
	if m.shared != nil {
		return m.sendShared(s)
	}
	send := s.Send
	if m.Uncompressed {
		send = s.SendUncompressed
	}
	r := send(m.Encoded, m.Binary)
	if m.Binary {
		return r // the attachments are inside
	}
	for _, a := range m.Attachments {
		if send(a, true) == transports.SendCut {
			r = transports.SendCut
		}
	}
	return r
}

// sendLegacy sends 0.6 frames and reports what it did, as the session
// tells (a FrameSender that cannot tell reports SendQueued).
func (t *Target) sendLegacy(frames []byte) transports.SendResult {
	c, canTell := t.Legacy.(interface{ Closed() bool })
	if canTell && c.Closed() {
		return transports.SendClosed
	}
	t.Legacy.Send(frames)
	if canTell && c.Closed() {
		return transports.SendCut
	}
	return transports.SendQueued
}

// Membership is a member's room set and its place in the adapter's
// indexes. The member holds it (a socket embeds it as a field) and hands it
// to Local's methods; its zero value is ready once Bind has named the
// member.
//
// The room set changes at once, from any goroutine, under the membership's
// lock, together with the namespace-wide room index, so that Rooms and
// every selection made afterwards see the change; the member's loop brings
// its own index in line by a posted sync, in order with the broadcasts
// posted after the change.
type Membership struct {
	member Member

	mu     sync.Mutex
	rooms  map[string]struct{} // joined rooms, not the own room (implicit); nil until the first join
	closed bool                // the member is gone: Rooms lists nothing, joins are ignored
	listed bool                // attached: in the namespace's id and room indexes

	outgoing atomic.Bool // the member's Outgoing runs before each broadcast

	// On the member's loop only: its position in its loop's slots while
	// attached (see loopIndex.has), and the last walk that saw it.
	idx  int32
	mark uint32
}

// Bind names the member that holds ms. Before ms is shared, once.
func (ms *Membership) Bind(m Member) { ms.member = m }

// Attached reports whether the member is attached: between Attach and
// Detach. On the member's loop, which alone attaches and detaches it.
func (ms *Membership) Attached() bool { return ms.listed }

// WatchesOutgoing reports whether the member's Outgoing runs before each
// broadcast (Local.WatchOutgoing). Safe from any goroutine.
func (ms *Membership) WatchesOutgoing() bool { return ms.outgoing.Load() }

// Rooms lists the member's rooms, its own id first; nothing once Close
// has run. Safe from any goroutine.
func (ms *Membership) Rooms() []string {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.roomsLocked()
}

// roomsLocked is Rooms; ms.mu is held.
func (ms *Membership) roomsLocked() []string {
	if ms.closed {
		return []string{}
	}
	out := make([]string, 0, len(ms.rooms)+1)
	out = append(out, ms.member.ID())
	for r := range ms.rooms {
		out = append(out, r)
	}
	return out
}

// Close empties the room set for good, once the member is detached: Rooms
// lists nothing and later joins change nothing. Safe from any goroutine.
func (ms *Membership) Close() {
	ms.mu.Lock()
	ms.rooms, ms.closed = nil, true
	ms.mu.Unlock()
}

// inLocked reports whether the member is in room, its own included. ms.mu
// is held.
func (ms *Membership) inLocked(room string) bool {
	if room == ms.member.ID() {
		return true
	}
	_, in := ms.rooms[room]
	return in
}

// selectedLocked reports whether opts select the member: listed, in one of
// opts.Rooms (any room when none), in none of opts.Except. ms.mu is held.
func (ms *Membership) selectedLocked(opts *Options) bool {
	if !ms.listed {
		return false
	}
	for _, r := range opts.Except {
		if ms.inLocked(r) {
			return false
		}
	}
	if len(opts.Rooms) == 0 {
		return true
	}
	for _, r := range opts.Rooms {
		if ms.inLocked(r) {
			return true
		}
	}
	return false
}
