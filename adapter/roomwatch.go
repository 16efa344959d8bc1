package adapter

import "slices"

// Room changes as they happen, for observers such as an admin interface:
// Node's socket.io-adapter emits "join-room" and "leave-room" for them.

// RoomChange is one member joining or leaving one room.
type RoomChange struct {
	ID     string // the member's id
	Room   string
	Joined bool // false: it left
}

// WatchRoomChanges has fn told of every room a member joins or leaves
// (Join, Leave, AddSockets, DelSockets, from this node or another), once
// per room that really changed, after the change and outside every lock
// of l, on the goroutine that made it. A member detached (disconnected)
// leaves every room it was in and its own (its id). fn must be safe from
// any goroutine; it may call into l. Set it once; nil stops the reports.
func (l *Local) WatchRoomChanges(fn func(RoomChange)) {
	if fn == nil {
		l.roomWatch.Store(nil)
		return
	}
	l.roomWatch.Store(&fn)
}

// pendingLocked lists the rooms of rooms a Join (join true) or Leave would
// change for ms, when a watcher wants them; nil otherwise. ms.mu is held.
func (l *Local) pendingLocked(ms *Membership, rooms []string, join bool) []string {
	if l.roomWatch.Load() == nil || ms.closed {
		return nil
	}
	var out []string
	for _, r := range rooms {
		_, in := ms.rooms[r]
		if join != in && (!join || r != ms.member.ID()) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// leavingLocked lists every room ms leaves when detached, its own last,
// when a watcher wants them; nil otherwise. ms.mu is held.
func (l *Local) leavingLocked(ms *Membership) []string {
	if l.roomWatch.Load() == nil || ms.closed {
		return nil
	}
	out := make([]string, 0, len(ms.rooms)+1)
	for r := range ms.rooms {
		out = append(out, r)
	}
	return append(out, ms.member.ID())
}

// reportRooms tells the watcher of the rooms ms joined or left.
func (l *Local) reportRooms(ms *Membership, rooms []string, join bool) {
	if len(rooms) == 0 {
		return
	}
	w := l.roomWatch.Load()
	if w == nil {
		return
	}
	id := ms.member.ID()
	for _, r := range rooms {
		(*w)(RoomChange{ID: id, Room: r, Joined: join})
	}
}
