package adapter

import "time"

// What a cluster adapter needs of its Local besides the rooms: the
// namespace's name, its server-side listeners and the event loops' timers.

// Timers arms timers on the event loops' clock.
type Timers interface {
	// AfterFunc runs fn once d has passed, on an event loop, unless stop is
	// called first (a timer armed before the server starts counts from
	// Start). Both are safe from any goroutine; fn must not block.
	AfterFunc(d time.Duration, fn func()) (stop func())
}

// ServerSideHandler runs the namespace's listeners for an event another
// node sent with ServerSideEmit. ack is nil when the sender wants no
// answer; otherwise it must be called at most once, from any goroutine,
// with the listener's answer.
type ServerSideHandler func(p *Packet, ack func(args, attachments [][]byte))

// Namespace is the name of the namespace whose sockets l holds.
func (l *Local) Namespace() string { return l.cfg.Namespace }

// ServerSideEmitted hands an event from another node to the namespace's
// listeners (Config.ServerSide). Safe from any goroutine.
func (l *Local) ServerSideEmitted(p *Packet, ack func(args, attachments [][]byte)) {
	if l.cfg.ServerSide != nil {
		l.cfg.ServerSide(p, ack)
	}
}

// AfterFunc runs fn once d has passed on the event loops' clock
// (Config.Timers); stop cancels it. Without Timers (a Local made outside a
// server) the timer never fires. Safe from any goroutine; fn must not
// block.
func (l *Local) AfterFunc(d time.Duration, fn func()) (stop func()) {
	if l.cfg.Timers != nil {
		return l.cfg.Timers.AfterFunc(d, fn)
	}
	return func() {}
}

// WatchRooms has fn told when a room gets its first local member (exists
// true) or loses its last (false), for the rooms members join, not the
// rooms named by socket ids (Node's create-room and delete-room, which the
// sharded adapter's dynamic subscriptions follow). fn runs under a lock of
// the room index, in order for each room: it must return quickly and must
// not call into l. Set it once, before members join (in the Factory).
func (l *Local) WatchRooms(fn func(room string, exists bool)) { l.members.watch.Store(&fn) }

// HasRoom reports whether room has a local member (a room members joined;
// a socket id names no such room). Safe from any goroutine.
func (l *Local) HasRoom(room string) bool { return l.members.has(room) }

// WatchMembers has fn told when a member is attached (its id's room now
// holds it) and when it is detached: Node's create-room and delete-room for
// the rooms named by socket ids, which the sharded adapter's
// dynamic-private mode subscribes. fn runs on the member's loop: it must
// return quickly. Set it once, before members connect (in the Factory).
func (l *Local) WatchMembers(fn func(id string, attached bool)) { l.memberWatch.Store(&fn) }
