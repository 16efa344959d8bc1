package tornadio

import (
	"encoding/json"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/internal/recovery"
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

const defaultMaxDisconnection = 2 * time.Minute

// The reasons after which a socket's state is kept for recovery, as in Node.
func recoverable(r DisconnectReason) bool {
	switch r {
	case ReasonTransportError, ReasonTransportClose, ReasonForcedClose, ReasonPingTimeout, ReasonServerShuttingDown:
		return true
	}
	return false
}

// recoveryStore is a namespace's recovery store (internal/recovery), fed
// and read with the server's own types: adapter packets, sockets, CONNECT
// auth, encoded replays.
type recoveryStore struct{ store *recovery.Store }

// persistedSession is a socket's state as restored, with the packets it
// missed, encoded for its namespace.
type persistedSession struct {
	sid, pid string
	rooms    []string
	data     any
	missed   []replay
}

type replay struct {
	text []byte
	atts [][]byte
}

// newRecoveryStore keeps state for window (default 2 minutes) on the clock
// now, the event loops' clock.
func newRecoveryStore(window time.Duration, now func() time.Time) *recoveryStore {
	if window <= 0 {
		window = defaultMaxDisconnection
	}
	return &recoveryStore{recovery.New(window, engineio.NewSID()[:8]+"-", now)}
}

// record stores a broadcast and returns its arguments with the offset
// appended, which the client keeps as its position.
func (rs *recoveryStore) record(p *adapter.Packet, opts *adapter.Options) [][]byte {
	return rs.store.Record(recovery.Broadcast{Event: p.Event, Args: p.Args, Attachments: p.Attachments,
		Rooms: opts.Rooms, Except: opts.Except})
}

// persist keeps a disconnected socket's state.
func (rs *recoveryStore) persist(s *Socket) { rs.store.Persist(s.id, s.pid(), s.Rooms(), s.Data()) }

// restore finds the state named by a CONNECT's auth ({"pid":…,"offset":…})
// and the packets missed since offset, encoded for namespace nsp; nil when
// it cannot be recovered.
func (rs *recoveryStore) restore(nsp string, auth []byte) *persistedSession {
	var a struct {
		PID    string `json:"pid"`
		Offset string `json:"offset"`
	}
	if json.Unmarshal(auth, &a) != nil || a.PID == "" {
		return nil
	}
	ps := rs.store.Restore(a.PID, a.Offset)
	if ps == nil {
		return nil
	}
	out := &persistedSession{sid: ps.SID, pid: ps.PID, rooms: ps.Rooms, data: ps.Data}
	for _, b := range ps.Missed {
		out.missed = append(out.missed, replay{
			text: socketio.AppendEvent(nil, nsp, -1, len(b.Attachments), b.Event, b.Args...),
			atts: b.Attachments,
		})
	}
	return out
}
