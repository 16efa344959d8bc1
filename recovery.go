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
type recoveryStore struct {
	store  *recovery.Store
	window time.Duration
}

// persistedSession is a socket's state as restored, with the packets it
// missed, encoded for its namespace.
type persistedSession struct {
	sid, pid string
	rooms    []string
	data     any
	missed   []replay
}

// replay is a missed packet as the server's parser encoded it, with its
// attachments (written after it unless the parser carries them within).
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
	return &recoveryStore{store: recovery.New(window, engineio.NewSID()[:8]+"-", now), window: window}
}

// record stores a broadcast and returns its arguments with the offset
// appended, which the client keeps as its position.
func (rs *recoveryStore) record(p *adapter.Packet, opts *adapter.Options) [][]byte {
	return rs.store.Record(recovery.Broadcast{Event: p.Event, Args: p.Args, Attachments: p.Attachments,
		Rooms: opts.Rooms, Except: opts.Except})
}

// persist keeps a disconnected socket's state.
func (rs *recoveryStore) persist(s *Socket) { rs.store.Persist(s.id, s.pid(), s.Rooms(), s.Data()) }

// recoveryAuth is what a recovering client's CONNECT auth carries.
type recoveryAuth struct {
	PID    string `json:"pid"`
	Offset string `json:"offset"`
}

// restoreFromAdapter asks the adapter's session store for the state named
// by a CONNECT's auth and goes on with the connection on the session's loop
// when it answers; false when auth names no session (connect at once).
func (ns *Namespace) restoreFromAdapter(c *client, auth []byte) bool {
	var a recoveryAuth
	if json.Unmarshal(auth, &a) != nil || a.PID == "" {
		return false
	}
	auth = append([]byte(nil), auth...)
	ns.sessions.RestoreSession(a.PID, a.Offset, func(s *adapter.Session, missed []*adapter.Packet) {
		var restored *persistedSession
		if s != nil {
			restored = &persistedSession{sid: s.SID, pid: s.PID, rooms: s.Rooms}
			if len(s.Data) > 0 {
				_ = json.Unmarshal(s.Data, &restored.data) // null or bad JSON: no data
			}
			for _, p := range missed {
				restored.missed = appendReplay(restored.missed, ns.srv.opts.parser(), ns.name, p.Event, p.Args, p.Attachments)
			}
		}
		c.Sess.Post(func() {
			if !c.Sess.Closed() {
				ns.connectWith(c, auth, restored)
			}
		})
	})
	return true
}

// persistInAdapter hands a leaving socket's state to the adapter's session
// store.
func (ns *Namespace) persistInAdapter(s *Socket) {
	ns.sessions.PersistSession(&adapter.Session{SID: s.id, PID: s.pid(), Rooms: s.Rooms(), Data: dataJSON(s.Data())})
}

// restore finds the state named by a CONNECT's auth ({"pid":…,"offset":…})
// and the packets missed since offset, encoded by parser for namespace nsp;
// nil when it cannot be recovered.
func (rs *recoveryStore) restore(parser socketio.Parser, nsp string, auth []byte) *persistedSession {
	var a recoveryAuth
	if json.Unmarshal(auth, &a) != nil || a.PID == "" {
		return nil
	}
	ps := rs.store.Restore(a.PID, a.Offset)
	if ps == nil {
		return nil
	}
	out := &persistedSession{sid: ps.SID, pid: ps.PID, rooms: ps.Rooms, data: ps.Data}
	for _, b := range ps.Missed {
		out.missed = appendReplay(out.missed, parser, nsp, b.Event, b.Args, b.Attachments)
	}
	return out
}

// appendReplay appends a missed packet, encoded by parser for namespace
// nsp, to missed. Its arguments were encoded when it was first sent, so the
// parser takes them; one it refuses is not replayed.
func appendReplay(missed []replay, parser socketio.Parser, nsp, event string, args, atts [][]byte) []replay {
	text, err := parser.AppendEvent(nil, nsp, -1, event, args, atts)
	if err != nil {
		return missed
	}
	return append(missed, replay{text: text, atts: atts})
}
