package tornadio

import (
	"sync/atomic"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/transports"
)

// localSide is a Namespace seen as the adapter's Local: the in-process
// sockets and rooms, spread over the event loops.
type localSide Namespace

func (l *localSide) ns() *Namespace { return (*Namespace)(l) }

// outgoing is one encoded broadcast, shared read-only by every loop.
type outgoing struct {
	legacy   []byte // the 0.6 framing, when legacy sockets may receive it
	text     []byte
	atts     [][]byte
	event    string
	args     [][]byte
	volatile bool
	shared   *transports.Shared // text as every session sends it; nil with attachments
}

// forEachLoop runs fn on every event loop that serves connections; it
// returns how many loops it reached.
func (ns *Namespace) forEachLoop(fn func(l *nsLoop)) int {
	srv := ns.srv
	if srv.loops == nil {
		return 0
	}
	n := 0
	for i := range ns.loops {
		if !srv.active(i) {
			continue
		}
		l := ns.loops[i]
		n++
		srv.loops.Post(i, func() { fn(l) })
	}
	return n
}

// each calls fn for every socket of the loop selected by opts, once.
func (l *nsLoop) each(opts *adapter.Options, fn func(*Socket)) {
	l.mark++
	m := l.mark
	for _, r := range opts.Except {
		for s := range l.rooms[r] {
			s.mark = m
		}
		if s := l.own(r); s != nil {
			s.mark = m
		}
	}
	visit := func(s *Socket) {
		if s.mark != m {
			s.mark = m
			fn(s)
		}
	}
	if len(opts.Rooms) == 0 {
		// Backwards: fn may close a socket (a slow consumer), and removal
		// moves the last socket, already visited, into its place.
		for i := len(l.all) - 1; i >= 0; i-- {
			if i < len(l.all) {
				visit(l.all[i])
			}
		}
		return
	}
	for _, r := range opts.Rooms {
		for s := range l.rooms[r] {
			visit(s)
		}
		if s := l.own(r); s != nil {
			visit(s)
		}
	}
}

// has reports whether s is in the loop's list. On the loop.
func (l *nsLoop) has(s *Socket) bool {
	i := int(s.idx)
	return i >= 0 && i < len(l.all) && l.all[i] == s
}

// own returns the socket of this loop whose own room (its id) is r.
func (l *nsLoop) own(r string) *Socket {
	s := l.ns.byID.load(r)
	if s == nil || s.loop() != l.i || !l.has(s) {
		return nil
	}
	return s
}

func (l *localSide) encode(p *adapter.Packet, opts *adapter.Options, id int64) *outgoing {
	ns := l.ns()
	args := p.Args
	if ns.recovery != nil && id < 0 && !opts.Flags.Volatile {
		args = ns.recovery.record(p, opts)
	}
	var leg []byte
	if ns.legacyCount.Load() > 0 && id < 0 {
		leg = legacyFrame(p.Event, p.Args)
	}
	out := &outgoing{
		legacy:   leg,
		text:     socketio.AppendEvent(nil, ns.name, id, len(p.Attachments), p.Event, args...),
		atts:     p.Attachments,
		event:    p.Event,
		args:     p.Args,
		volatile: opts.Flags.Volatile,
	}
	if len(out.atts) == 0 {
		// Encoded once for every websocket and polling session it reaches.
		out.shared = transports.NewShared(out.text)
		out.text = out.shared.Data()
	}
	return out
}

// Broadcast implements adapter.Local.
func (l *localSide) Broadcast(p *adapter.Packet, opts *adapter.Options) {
	out := l.encode(p, opts, -1)
	l.ns().forEachLoop(func(lp *nsLoop) {
		lp.each(opts, func(s *Socket) { s.deliver(out) })
	})
}

// BroadcastWithAck implements adapter.Local: clients is called once, with
// the number of local recipients, when every loop has delivered.
func (l *localSide) BroadcastWithAck(p *adapter.Packet, opts *adapter.Options, clients func(int), ack adapter.AckFunc) {
	ns := l.ns()
	id := ns.ids.Add(1) - 1
	out := l.encode(p, opts, id)
	var remaining atomic.Int32
	var sum atomic.Int64
	remaining.Store(int32(len(ns.loops)))
	report := func(n int) {
		sum.Add(int64(n))
		if remaining.Add(-1) == 0 {
			clients(int(sum.Load()))
		}
	}
	reached := ns.forEachLoop(func(lp *nsLoop) {
		n := 0
		lp.each(opts, func(s *Socket) {
			if s.deliver(out) {
				s.addAck(id, &pendingAck{bcast: ack})
				n++
			}
		})
		report(n)
	})
	for i := reached; i < len(ns.loops); i++ {
		report(0)
	}
}

// AddSockets implements adapter.Local. The selected sockets' room sets
// change before it returns (see Socket.changeRooms).
func (l *localSide) AddSockets(opts *adapter.Options, rooms []string) {
	l.ns().changeRooms(opts, rooms, true)
}

// DelSockets implements adapter.Local, as AddSockets.
func (l *localSide) DelSockets(opts *adapter.Options, rooms []string) {
	l.ns().changeRooms(opts, rooms, false)
}

// changeRooms makes the sockets opts select join or leave rooms. They are
// selected by their room sets, from the calling goroutine, as Rooms shows
// them: a selection on the loops would see the loops' indexes, which a
// Join made on another goroutine reaches only later.
func (ns *Namespace) changeRooms(opts *adapter.Options, rooms []string, join bool) {
	for _, s := range ns.candidates(opts) {
		s.roomsMu.Lock()
		changed := s.selectedLocked(opts) && s.changeRoomsLocked(rooms, join)
		s.roomsMu.Unlock()
		if changed {
			s.postSync(rooms)
		}
	}
}

// candidates returns the sockets opts may select, each once: every
// socket, or the members of opts.Rooms (a socket's id names its own room).
// The caller checks each under its roomsMu.
func (ns *Namespace) candidates(opts *adapter.Options) []*Socket {
	if len(opts.Rooms) == 0 {
		return ns.byID.snapshot()
	}
	var out []*Socket
	for _, r := range opts.Rooms {
		if s := ns.byID.load(r); s != nil {
			out = append(out, s)
		}
		out = ns.members.appendMembers(out, r)
	}
	if len(opts.Rooms) == 1 {
		return out // a socket's own room is never in its room set
	}
	seen := make(map[*Socket]struct{}, len(out))
	uniq := out[:0]
	for _, s := range out {
		if _, dup := seen[s]; !dup {
			seen[s] = struct{}{}
			uniq = append(uniq, s)
		}
	}
	return uniq
}

// DisconnectSockets implements adapter.Local.
func (l *localSide) DisconnectSockets(opts *adapter.Options, close bool) {
	l.ns().forEachLoop(func(lp *nsLoop) {
		var victims []*Socket
		lp.each(opts, func(s *Socket) { victims = append(victims, s) })
		for _, s := range victims {
			s.disconnectOnLoop(close)
		}
	})
}

// FetchSockets implements adapter.Local. It reads each socket's rooms under
// the socket's lock, from the calling goroutine.
func (l *localSide) FetchSockets(opts *adapter.Options) []adapter.SocketInfo {
	var out []adapter.SocketInfo
	for _, s := range l.ns().candidates(opts) {
		s.roomsMu.Lock()
		var rooms []string
		if s.selectedLocked(opts) {
			rooms = s.roomsLocked()
		}
		s.roomsMu.Unlock()
		if rooms != nil {
			out = append(out, adapter.SocketInfo{ID: s.id, Rooms: rooms, Local: s})
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
