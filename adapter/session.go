package adapter

import (
	"encoding/json"
	"time"
)

// Session is the state of a disconnected socket kept for connection state
// recovery: its ids, rooms and data (socket.data as JSON).
type Session struct {
	SID, PID string
	Rooms    []string
	Data     json.RawMessage
}

// SessionStore is implemented by an adapter that keeps the state of
// disconnected sockets itself, so that a client may recover on another node
// (Node's redis-streams-adapter). When the namespace's adapter implements
// it and recovery is on, the server keeps no state of its own: it hands
// sockets that leave for a recoverable reason to PersistSession and asks
// RestoreSession when a client reconnects with a session id and offset;
// and the adapter appends each broadcast's offset (a JSON string) as the
// last of its arguments before delivering it locally, as the client's
// position.
type SessionStore interface {
	// PersistSession keeps s for Local.RecoveryWindow. Any goroutine; it
	// must not block.
	PersistSession(s *Session)
	// RestoreSession takes the session pid and the broadcasts to its rooms
	// after offset, each with its offset appended, and calls done with
	// them, or with nil when the session cannot be recovered. Any
	// goroutine; it must not block; done may run on any goroutine.
	RestoreSession(pid, offset string, done func(s *Session, missed []*Packet))
}

// RecoveryWindow is how long a disconnected socket's state is kept for
// connection state recovery, or 0 when recovery is off.
func (l *Local) RecoveryWindow() time.Duration { return l.cfg.RecoveryWindow }
