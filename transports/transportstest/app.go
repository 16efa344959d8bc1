package transportstest

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// EventKind says which App method ran.
type EventKind int

// Event kinds.
const (
	Open EventKind = iota
	Message
	Close
)

func (k EventKind) String() string {
	switch k {
	case Open:
		return "open"
	case Message:
		return "message"
	case Close:
		return "close"
	}
	return "EventKind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one recorded App call.
type Event struct {
	Kind    EventKind
	SID     string
	Data    string    // Message: the data
	Binary  bool      // Message
	Reason  string    // Close
	Loop    int       // the loop running when the call was made (-1: none)
	At      time.Time // the clock when the call was made
	Session *transports.Session
}

func (e Event) String() string {
	switch e.Kind {
	case Message:
		return fmt.Sprintf("message %s %q binary=%v on %d", e.SID, e.Data, e.Binary, e.Loop)
	case Close:
		return fmt.Sprintf("close %s %q on %d", e.SID, e.Reason, e.Loop)
	}
	return fmt.Sprintf("open %s on %d", e.SID, e.Loop)
}

// App records the calls of transports.App. Hooks, when set, run after the
// call is recorded.
type App struct {
	L *Loops

	OnOpen    func(s *transports.Session) error
	OnMessage func(s *transports.Session, data []byte, binary bool)
	OnClose   func(s *transports.Session, reason string)

	mu     sync.Mutex
	events []Event
}

var _ transports.App = (*App)(nil)

func (a *App) record(e Event) {
	e.Loop = a.L.Current()
	e.At = a.L.Now()
	a.mu.Lock()
	a.events = append(a.events, e)
	a.mu.Unlock()
}

// Open implements transports.App.
func (a *App) Open(s *transports.Session) error {
	a.record(Event{Kind: Open, SID: s.ID(), Session: s})
	if a.OnOpen != nil {
		return a.OnOpen(s)
	}
	return nil
}

// Message implements transports.App.
func (a *App) Message(s *transports.Session, data []byte, binary bool) {
	a.record(Event{Kind: Message, SID: s.ID(), Data: string(data), Binary: binary, Session: s})
	if a.OnMessage != nil {
		a.OnMessage(s, data, binary)
	}
}

// Close implements transports.App.
func (a *App) Close(s *transports.Session, reason string) {
	a.record(Event{Kind: Close, SID: s.ID(), Reason: reason, Session: s})
	if a.OnClose != nil {
		a.OnClose(s, reason)
	}
}

// Events is a copy of the recorded calls.
func (a *App) Events() []Event {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Event(nil), a.events...)
}

// Reset forgets the recorded calls.
func (a *App) Reset() {
	a.mu.Lock()
	a.events = nil
	a.mu.Unlock()
}

// Messages is the data of sid's messages, in order.
func (a *App) Messages(sid string) []string {
	var out []string
	for _, e := range a.Events() {
		if e.Kind == Message && e.SID == sid {
			out = append(out, e.Data)
		}
	}
	return out
}

// Closes is the reasons of sid's Close calls, in order.
func (a *App) Closes(sid string) []string {
	var out []string
	for _, e := range a.Events() {
		if e.Kind == Close && e.SID == sid {
			out = append(out, e.Reason)
		}
	}
	return out
}

// Session returns the session opened with id sid, or nil.
func (a *App) Session(sid string) *transports.Session {
	for _, e := range a.Events() {
		if e.Kind == Open && e.SID == sid {
			return e.Session
		}
	}
	return nil
}

// Harness ties fake loops, a recording App and a Server together.
type Harness struct {
	Loops  *Loops
	App    *App
	Server *transports.Server
	conns  []*Conn
}

// New returns a server for n fake loops with cfg.
func New(cfg transports.Config, n int) *Harness {
	l := NewLoops(n)
	app := &App{L: l}
	srv := transports.NewServer(cfg, app, l, n)
	l.Server = srv
	return &Harness{Loops: l, App: app, Server: srv}
}

// Dial makes a connection accepted on loop, from 192.0.2.1.
func (h *Harness) Dial(loop int) *Conn {
	return h.DialFrom(loop, "192.0.2.1:"+strconv.Itoa(40000+len(h.conns)))
}

// DialFrom makes a connection accepted on loop whose peer is remote
// ("ip:port").
func (h *Harness) DialFrom(loop int, remote string) *Conn {
	c := &Conn{L: h.Loops, Loop: loop, remote: remote}
	h.Loops.On(loop, func() { c.M = h.Server.NewConn(c, loop) })
	h.conns = append(h.conns, c)
	return c
}

// Conns lists the connections made by Dial.
func (h *Harness) Conns() []*Conn { return h.conns }

// Violations gathers the violations of every connection.
func (h *Harness) Violations() []string {
	var out []string
	for i, c := range h.conns {
		for _, v := range c.Violations() {
			out = append(out, fmt.Sprintf("conn %d: %s", i, v))
		}
	}
	return out
}

// On runs fn on loop now; see Loops.On.
func (h *Harness) On(loop int, fn func()) { h.Loops.On(loop, fn) }

// Send calls s.Send on the session's home loop, now.
func (h *Harness) Send(s *transports.Session, data string, binary bool) {
	h.Loops.On(s.Loop(), func() { s.Send([]byte(data), binary) })
}
