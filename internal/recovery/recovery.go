// Package recovery holds the store behind connection state recovery
// (Socket.IO 4.6): the broadcasts of a namespace's last window, each with an
// offset, and the state of the sockets that disconnected within it (id,
// private id, rooms), so that a client coming back with its private id and
// last offset gets its id and rooms again and the broadcasts it missed.
//
// The store takes and gives plain data: it does not encode packets, parse a
// CONNECT's auth, or know sockets or loops. It reads no clock of its own:
// the caller passes one (the server passes its event loops' clock). It is
// safe for concurrent use.
package recovery

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/tornadio/tornadio/internal/jsonstr"
)

// Broadcast is one broadcast as the adapter sends it: an event, its JSON
// arguments and binary attachments, the rooms it went to (none: everyone)
// and the rooms it skipped.
type Broadcast struct {
	Event       string
	Args        [][]byte
	Attachments [][]byte
	Rooms       []string
	Except      []string
}

// Session is a disconnected socket's state, and once restored the
// broadcasts it missed, in emission order; each missed Broadcast's Args end
// with its offset.
type Session struct {
	SID, PID string
	Rooms    []string
	Data     any // the socket's data (Socket.SetData)
	Missed   []Broadcast

	at time.Time // when it was persisted
}

type storedBroadcast struct {
	Broadcast
	offset string
	at     time.Time
}

// sessionSweepEvery is how often Record and Persist look through the kept
// sessions for expired ones (the broadcasts, in time order, are trimmed at
// every call).
const sessionSweepEvery = time.Second

// Store keeps one namespace's recovery state.
type Store struct {
	window time.Duration
	prefix string
	now    func() time.Time

	mu         sync.Mutex
	counter    uint64
	sessions   map[string]*Session // by private id
	broadcasts []storedBroadcast   // in emission order
	lastSweep  time.Time
}

// New makes a store that keeps state for window (> 0). Offsets are prefix
// followed by a counter, so prefix tells stores (and server runs) apart; now
// is the clock every age is measured on.
func New(window time.Duration, prefix string, now func() time.Time) *Store {
	return &Store{window: window, prefix: prefix, now: now, sessions: make(map[string]*Session)}
}

// Record stores b (its slices are kept, not copied: they must not change)
// and returns its arguments with its offset appended as a JSON string,
// which the client keeps as its position.
func (s *Store) Record(b Broadcast) [][]byte {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counter++
	off := s.prefix + strconv.FormatUint(s.counter, 36)
	args := make([][]byte, len(b.Args), len(b.Args)+1)
	copy(args, b.Args)
	args = append(args, jsonstr.Append(nil, off, true))
	s.broadcasts = append(s.broadcasts, storedBroadcast{
		Broadcast: Broadcast{
			Event: b.Event, Args: args, Attachments: b.Attachments,
			Rooms:  slices.Clone(b.Rooms),
			Except: slices.Clone(b.Except),
		},
		offset: off, at: now,
	})
	s.prune(now)
	return args
}

// Persist keeps a disconnected socket's state under its private id pid;
// rooms is kept as given.
func (s *Store) Persist(sid, pid string, rooms []string, data any) {
	now := s.now()
	s.mu.Lock()
	s.sessions[pid] = &Session{SID: sid, PID: pid, Rooms: rooms, Data: data, at: now}
	s.prune(now)
	s.mu.Unlock()
}

// Restore takes the state kept under pid, with the broadcasts recorded
// after offset that went to its rooms. It returns nil when there is none,
// when it is older than the window, or when offset is not (or no longer)
// known. Either way pid's state is gone afterwards: it restores once.
func (s *Store) Restore(pid, offset string) *Session {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.sessions[pid]
	if ps == nil {
		return nil
	}
	delete(s.sessions, pid)
	if now.Sub(ps.at) > s.window {
		return nil
	}
	idx := slices.IndexFunc(s.broadcasts, func(b storedBroadcast) bool { return b.offset == offset })
	if idx < 0 {
		return nil
	}
	for _, b := range s.broadcasts[idx+1:] {
		if reached(ps.Rooms, &b.Broadcast) {
			ps.Missed = append(ps.Missed, b.Broadcast)
		}
	}
	return ps
}

// reached tells whether a socket in rooms was a recipient of b.
func reached(rooms []string, b *Broadcast) bool {
	for _, r := range rooms {
		if slices.Contains(b.Except, r) {
			return false
		}
	}
	if len(b.Rooms) == 0 {
		return true
	}
	for _, r := range rooms {
		if slices.Contains(b.Rooms, r) {
			return true
		}
	}
	return false
}

// prune drops what is older than the window. s.mu is held.
func (s *Store) prune(now time.Time) {
	cut := now.Add(-s.window)
	i := 0
	for i < len(s.broadcasts) && s.broadcasts[i].at.Before(cut) {
		i++
	}
	if i > 0 {
		s.broadcasts = append(s.broadcasts[:0], s.broadcasts[i:]...)
	}
	if now.Sub(s.lastSweep) < sessionSweepEvery {
		return
	}
	s.lastSweep = now
	for pid, ps := range s.sessions {
		if ps.at.Before(cut) {
			delete(s.sessions, pid)
		}
	}
}
