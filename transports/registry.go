package transports

import "hash/maphash"

// The registry of live sessions is keyed by a hash of the session id, 8
// bytes, rather than by the id string, whose header takes 16: with the
// map's own overhead that saves about 12 bytes per idle session. A lookup
// checks the id of what it finds, and register refuses a key another live
// session holds, so a collision costs a new id, never a wrong session.

// sidKey is the registry key of session id sid.
func (srv *Server) sidKey(sid string) uint64 { return maphash.String(srv.sidSeed, sid) }

// Lookup returns the live session with id sid. Safe from any goroutine.
func (srv *Server) Lookup(sid string) *Session {
	k := srv.sidKey(sid)
	srv.mu.RLock()
	s := srv.sessions[k]
	srv.mu.RUnlock()
	if s == nil || s.ID() != sid {
		return nil
	}
	return s
}

// SessionCount is the number of live sessions. Safe from any goroutine.
func (srv *Server) SessionCount() int {
	srv.mu.RLock()
	n := len(srv.sessions)
	srv.mu.RUnlock()
	return n
}

// Sessions returns a snapshot of the live sessions. Safe from any goroutine.
func (srv *Server) Sessions() []*Session {
	srv.mu.RLock()
	out := make([]*Session, 0, len(srv.sessions))
	for _, s := range srv.sessions {
		out = append(out, s)
	}
	srv.mu.RUnlock()
	return out
}

// register adds s to the registry; false when another live session's id
// has the same key (the caller draws a new id).
func (srv *Server) register(s *Session) bool {
	k := srv.sidKey(s.ID())
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if _, taken := srv.sessions[k]; taken {
		return false
	}
	srv.sessions[k] = s
	return true
}

func (srv *Server) unregister(s *Session) {
	k := srv.sidKey(s.ID())
	srv.mu.Lock()
	if srv.sessions[k] == s {
		delete(srv.sessions, k)
	}
	srv.mu.Unlock()
}
