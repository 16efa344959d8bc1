package admin

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tornadio/tornadio"
	"golang.org/x/crypto/bcrypt"
)

// errInvalidCredentials is the refusal the UI recognises (its connection
// form shows it as such): the message must stay as it is.
var errInvalidCredentials = errors.New("invalid credentials")

// basicAuth is WithBasicAuth's user and bcrypt hash.
type basicAuth struct {
	username string
	hash     []byte
}

func (a *basicAuth) check() error {
	if _, err := bcrypt.Cost(a.hash); err != nil {
		return fmt.Errorf("admin: WithBasicAuth: the password must be a bcrypt hash: %w", err)
	}
	return nil
}

// loginAuth is the auth payload of the UI's CONNECT: its credentials, or
// the session id of an earlier login.
type loginAuth struct {
	Username  string `json:"username"`
	Password  string `json:"password"`
	SessionID string `json:"sessionId"`
}

// sessions are the ids handed to the UI after a login, each valid for ttl.
type sessions struct {
	ttl time.Duration
	mu  sync.Mutex
	ids map[string]time.Time // id → expiry
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, ids: make(map[string]time.Time)}
}

// create draws a new session id and keeps it, dropping the expired ones.
func (s *sessions) create(now time.Time) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	id := hex.EncodeToString(b[:])
	s.mu.Lock()
	for k, exp := range s.ids {
		if now.After(exp) {
			delete(s.ids, k)
		}
	}
	s.ids[id] = now.Add(s.ttl)
	s.mu.Unlock()
	return id
}

// valid reports whether id is a live session id.
func (s *sessions) valid(id string, now time.Time) bool {
	if id == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.ids[id]
	return ok && !now.After(exp)
}

// authenticate is the admin namespace's middleware under WithBasicAuth: a
// live session id, or the user name and the password matching the hash.
// A login by password gets a new session id, which OnConnection sends.
func (in *Instrumentation) authenticate(s *tornadio.Socket) error {
	var auth loginAuth
	if raw := s.Request().Auth; len(raw) > 0 {
		if err := json.Unmarshal(raw, &auth); err != nil {
			return errInvalidCredentials
		}
	}
	now := time.Now()
	if in.sessions.valid(auth.SessionID, now) {
		return nil
	}
	a := in.cfg.auth
	if auth.Username != a.username || bcrypt.CompareHashAndPassword(a.hash, []byte(auth.Password)) != nil {
		return errInvalidCredentials
	}
	in.logins.put(s.ID(), in.sessions.create(now), now)
	return nil
}

// pendingLogins hold the session id a login made until its socket has
// connected and been sent it. A login whose connection fails afterwards
// (another middleware refuses it, the client leaves) is dropped after
// pendingTTL.
type pendingLogins struct {
	mu   sync.Mutex
	byID map[string]pendingLogin // by socket id
}

type pendingLogin struct {
	session string
	at      time.Time
}

const pendingTTL = time.Minute

func (p *pendingLogins) put(socketID, session string, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byID == nil {
		p.byID = make(map[string]pendingLogin)
	}
	for id, l := range p.byID {
		if now.Sub(l.at) > pendingTTL {
			delete(p.byID, id)
		}
	}
	p.byID[socketID] = pendingLogin{session: session, at: now}
}

// take returns and forgets the session id of socketID's login, if any.
func (p *pendingLogins) take(socketID string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.byID[socketID]
	delete(p.byID, socketID)
	return l.session, ok
}
