package tornadio

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/socketio"
)

// RecoveryOptions configure connection state recovery (Socket.IO 4.6): a
// client that reconnects within MaxDisconnection gets its socket id, its
// rooms and the broadcasts it missed, and Socket.Recovered is true.
type RecoveryOptions struct {
	// MaxDisconnection is how long a disconnected socket's state is kept;
	// default 2 minutes.
	MaxDisconnection time.Duration
	// SkipMiddlewares lets a recovered socket skip the namespace's
	// middlewares and OnOpen (default false: they run again).
	SkipMiddlewares bool
}

// The reasons after which a socket's state is kept for recovery, as in Node.
func recoverable(r DisconnectReason) bool {
	switch r {
	case ReasonTransportError, ReasonTransportClose, ReasonForcedClose, ReasonPingTimeout, ReasonServerShuttingDown:
		return true
	}
	return false
}

// recoveryStore keeps, per namespace, the state of disconnected sockets and
// the broadcasts of the last MaxDisconnection, each with its offset.
type recoveryStore struct {
	window time.Duration
	prefix string
	now    func() time.Time // the event loops' clock

	mu        sync.Mutex
	counter   uint64
	sessions  map[string]*persistedSession // by private id
	packets   []storedPacket               // in emission order
	lastPrune time.Time
}

type storedPacket struct {
	offset string
	at     time.Time
	rooms  []string
	except []string
	event  string
	args   [][]byte // with the offset last
	atts   [][]byte
}

type persistedSession struct {
	sid, pid string
	rooms    []string
	at       time.Time
	missed   []replay
}

type replay struct {
	text []byte
	atts [][]byte
}

func newRecoveryStore(window time.Duration, now func() time.Time) *recoveryStore {
	if window <= 0 {
		window = 2 * time.Minute
	}
	return &recoveryStore{window: window, prefix: engineio.NewSID()[:8] + "-", now: now,
		sessions: make(map[string]*persistedSession)}
}

// record stores a broadcast and returns its arguments with the offset
// appended, which the client keeps as its position.
func (rs *recoveryStore) record(p *adapter.Packet, opts *adapter.Options) [][]byte {
	now := rs.now()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.counter++
	off := rs.prefix + strconv.FormatUint(rs.counter, 36)
	args := make([][]byte, len(p.Args), len(p.Args)+1)
	copy(args, p.Args)
	args = append(args, socketio.AppendJSONString(nil, off))
	rs.packets = append(rs.packets, storedPacket{
		offset: off, at: now,
		rooms:  append([]string(nil), opts.Rooms...),
		except: append([]string(nil), opts.Except...),
		event:  p.Event, args: args, atts: p.Attachments,
	})
	rs.prune(now)
	return args
}

// persist keeps a disconnected socket's state.
func (rs *recoveryStore) persist(s *Socket) {
	now := rs.now()
	rooms := s.Rooms()
	rs.mu.Lock()
	rs.sessions[s.pid()] = &persistedSession{sid: s.id, pid: s.pid(), rooms: rooms, at: now}
	rs.prune(now)
	rs.mu.Unlock()
}

// restore finds the state named by a CONNECT's auth ({"pid":…,"offset":…})
// and the packets missed since offset; nil when it cannot be recovered.
func (rs *recoveryStore) restore(nsp string, auth []byte) *persistedSession {
	var a struct {
		PID    string `json:"pid"`
		Offset string `json:"offset"`
	}
	if json.Unmarshal(auth, &a) != nil || a.PID == "" {
		return nil
	}
	now := rs.now()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	ps := rs.sessions[a.PID]
	if ps == nil {
		return nil
	}
	delete(rs.sessions, a.PID)
	if now.Sub(ps.at) > rs.window {
		return nil
	}
	idx := -1
	for i := range rs.packets {
		if rs.packets[i].offset == a.Offset {
			idx = i
			break
		}
	}
	if idx < 0 {
		return nil
	}
	for _, p := range rs.packets[idx+1:] {
		if includes(ps.rooms, &p) {
			ps.missed = append(ps.missed, replay{
				text: socketio.AppendEvent(nil, nsp, -1, len(p.atts), p.event, p.args...),
				atts: p.atts,
			})
		}
	}
	return ps
}

// includes tells whether a socket in rooms was a recipient of p.
func includes(rooms []string, p *storedPacket) bool {
	for _, r := range rooms {
		if contains(p.except, r) {
			return false
		}
	}
	if len(p.rooms) == 0 {
		return true
	}
	for _, r := range rooms {
		if contains(p.rooms, r) {
			return true
		}
	}
	return false
}

// prune drops what is older than the window. rs.mu is held.
func (rs *recoveryStore) prune(now time.Time) {
	cut := now.Add(-rs.window)
	i := 0
	for i < len(rs.packets) && rs.packets[i].at.Before(cut) {
		i++
	}
	if i > 0 {
		rs.packets = append(rs.packets[:0], rs.packets[i:]...)
	}
	if now.Sub(rs.lastPrune) < time.Second {
		return
	}
	rs.lastPrune = now
	for pid, s := range rs.sessions {
		if s.at.Before(cut) {
			delete(rs.sessions, pid)
		}
	}
}
