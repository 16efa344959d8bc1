package transports_test

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// Golden transcripts of the legacy road: a test scripts raw client bytes,
// clock steps and application calls, and every server byte, connection
// close and LegacyApp event is written down, in order, to a transcript that
// must equal testdata/legacy/<transport>/<case>.txt. go test -run Legacy
// -update rewrites the files; each was then checked by hand against
// socket.io-node 0.6.18 (npm socket.io@0.6.18, lib/socket.io/transports/*.js),
// as the comment of each test says. The reference was also run under node
// 20 (npm socket.io@0.6.18 unmodified, a raw-socket client) and its bytes
// compared: the polling, jsonp, multipart (headers included, in order),
// preflight and htmlfile bodies and the hixie-75/76 101 header blocks are
// identical to these, but for node 20's own Date, Connection and
// Keep-Alive headers, N's chunked POST answers (ours have Content-Length),
// and the messages an app sends in its connection handler (see
// legacy_conn.go). N's websocket frames do not run under node 20.

var update = flag.Bool("update", false, "rewrite the golden transcripts under testdata/legacy")

// legacyRec records the calls of transports.LegacyApp.
type legacyRec struct {
	L *tt.Loops

	OnOpen    func(s *transports.LegacySession) error
	OnMessage func(s *transports.LegacySession, m legacy.Message)

	mu       sync.Mutex
	events   []string
	sessions []*transports.LegacySession
	closes   map[string]int
}

func (r *legacyRec) add(e string) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *legacyRec) LegacyOpen(s *transports.LegacySession) error {
	if cur := r.L.Current(); cur != s.Loop() {
		r.add(fmt.Sprintf("VIOLATION open on loop %d, home %d", cur, s.Loop()))
	}
	r.mu.Lock()
	r.sessions = append(r.sessions, s)
	r.mu.Unlock()
	if r.OnOpen != nil {
		if err := r.OnOpen(s); err != nil {
			r.add(fmt.Sprintf("open %s %s extra=%q refused", s.ID(), s.Transport(), s.Extra()))
			return err
		}
	}
	r.add(fmt.Sprintf("open %s %s extra=%q", s.ID(), s.Transport(), s.Extra()))
	return nil
}

func (r *legacyRec) LegacyMessage(s *transports.LegacySession, m legacy.Message) {
	if cur := r.L.Current(); cur != s.Loop() {
		r.add(fmt.Sprintf("VIOLATION message on loop %d, home %d", cur, s.Loop()))
	}
	r.add(fmt.Sprintf("message %s %s %q", s.ID(), m.Kind, m.Data))
	if r.OnMessage != nil {
		r.OnMessage(s, m)
	}
}

func (r *legacyRec) LegacyClose(s *transports.LegacySession, reason string) {
	if cur := r.L.Current(); cur != s.Loop() {
		r.add(fmt.Sprintf("VIOLATION close on loop %d, home %d", cur, s.Loop()))
	}
	r.mu.Lock()
	if r.closes == nil {
		r.closes = map[string]int{}
	}
	r.closes[s.ID()]++
	if r.closes[s.ID()] > 1 {
		r.events = append(r.events, "VIOLATION second close of "+s.ID())
	}
	r.mu.Unlock()
	r.add(fmt.Sprintf("close %s %q", s.ID(), reason))
}

func (r *legacyRec) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.events
	r.events = nil
	return e
}

// last is the last session opened.
func (r *legacyRec) last() *transports.LegacySession {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sessions) == 0 {
		return nil
	}
	return r.sessions[len(r.sessions)-1]
}

// legacyConfig has the reference's timers (docs/legacy-0.6.md section 4) and
// deterministic session ids.
func legacyConfig(seed int64) transports.Config {
	cfg := testConfig()
	cfg.IdleTimeout = 60 * time.Second
	cfg.LegacyTransports = []string{"websocket", "flashsocket", "htmlfile", "xhr-multipart", "xhr-polling", "jsonp-polling"}
	cfg.Legacy.Rand = rand.New(rand.NewSource(seed))
	return cfg
}

func newLegacyHarness(t *testing.T, cfg transports.Config, loops int) (*tt.Harness, *legacyRec) {
	t.Helper()
	rec := &legacyRec{}
	cfg.LegacyApp = rec
	h := newHarness(t, cfg, loops)
	rec.L = h.Loops
	return h, rec
}

// transcript drives a harness and writes down what happens.
type transcript struct {
	t     *testing.T
	h     *tt.Harness
	rec   *legacyRec
	b     strings.Builder
	names []string
	conns map[string]*tt.Conn
	seen  map[*tt.Conn]int
	shut  map[*tt.Conn]bool
	start time.Time
}

func newTranscript(t *testing.T, cfg transports.Config, loops int) *transcript {
	h, rec := newLegacyHarness(t, cfg, loops)
	tr := &transcript{t: t, h: h, rec: rec, conns: map[string]*tt.Conn{}, seen: map[*tt.Conn]int{}, shut: map[*tt.Conn]bool{}, start: h.Loops.Now()}
	t.Cleanup(func() {
		for _, e := range rec.take() {
			if strings.HasPrefix(e, "VIOLATION") {
				t.Error(e)
			}
		}
	})
	return tr
}

func (tr *transcript) note(format string, args ...any) {
	fmt.Fprintf(&tr.b, "# "+format+"\n", args...)
}

// dial opens connection name on loop.
func (tr *transcript) dial(name string, loop int) *tt.Conn {
	c := tr.h.Dial(loop)
	tr.conns[name] = c
	tr.names = append(tr.names, name)
	return c
}

// dialPolicy opens connection name on the policy listener.
func (tr *transcript) dialPolicy(name string, loop int) *tt.Conn {
	c := &tt.Conn{L: tr.h.Loops, Loop: loop}
	tr.h.On(loop, func() { c.M = tr.h.Server.NewPolicyConn(c, loop) })
	tr.conns[name] = c
	tr.names = append(tr.names, name)
	return c
}

func (tr *transcript) conn(name string) *tt.Conn {
	c := tr.conns[name]
	if c == nil {
		c = tr.dial(name, 0)
	}
	return c
}

// sid is the id of the last session opened.
func (tr *transcript) sid() string {
	if s := tr.rec.last(); s != nil {
		return s.ID()
	}
	return ""
}

// send makes data arrive on connection name ("{sid}" stands for the last
// session's id), runs the loops and writes down what follows.
func (tr *transcript) send(name, data string) {
	data = strings.ReplaceAll(data, "{sid}", tr.sid())
	c := tr.conn(name)
	fmt.Fprintf(&tr.b, "> %s %s\n", name, tr.render([]byte(data)))
	c.SendString(data)
	tr.h.Loops.RunAll()
	tr.collect()
}

// hangup closes connection name from the client side.
func (tr *transcript) hangup(name string) {
	c := tr.conn(name)
	fmt.Fprintf(&tr.b, "> %s hangup\n", name)
	c.Hangup()
	tr.h.Loops.RunAll()
	tr.collect()
}

// on runs fn on the last session's home loop, as the application would.
func (tr *transcript) on(what string, fn func(s *transports.LegacySession)) {
	s := tr.rec.last()
	fmt.Fprintf(&tr.b, "= app %s\n", what)
	tr.h.On(s.Loop(), func() { fn(s) })
	tr.h.Loops.RunAll()
	tr.collect()
}

// advance moves the clock by d in the edge's 10 ms steps, writing down the
// time of each step that produced something.
func (tr *transcript) advance(d time.Duration) {
	fmt.Fprintf(&tr.b, "~ advance %v\n", d)
	step := 10 * time.Millisecond
	for d > 0 {
		s := min(step, d)
		d -= s
		tr.h.Loops.Advance(s)
		if tr.pending() {
			fmt.Fprintf(&tr.b, "@ %v\n", tr.h.Loops.Now().Sub(tr.start))
			tr.collect()
		}
	}
}

func (tr *transcript) pending() bool {
	for _, n := range tr.names {
		c := tr.conns[n]
		if len(c.Output()) > tr.seen[c] || c.CloseRequested() != tr.shut[c] {
			return true
		}
	}
	tr.rec.mu.Lock()
	defer tr.rec.mu.Unlock()
	return len(tr.rec.events) > 0
}

// collect writes down new server bytes, closes and events.
func (tr *transcript) collect() {
	for _, n := range tr.names {
		c := tr.conns[n]
		out := c.Output()
		if len(out) > tr.seen[c] {
			fmt.Fprintf(&tr.b, "< %s %s\n", n, tr.render(out[tr.seen[c]:]))
			tr.seen[c] = len(out)
		}
		if c.CloseRequested() && !tr.shut[c] {
			fmt.Fprintf(&tr.b, "< %s closed\n", n)
			tr.shut[c] = true
		}
	}
	for _, e := range tr.rec.take() {
		if strings.HasPrefix(e, "VIOLATION") {
			tr.t.Error(e)
		}
		fmt.Fprintf(&tr.b, "= %s\n", tr.normalise(e))
	}
}

// sessions writes down the registry size.
func (tr *transcript) sessions() {
	fmt.Fprintf(&tr.b, "= live sessions: %d\n", tr.h.Server.LegacySessionCount())
}

// normalise replaces session ids by <sid1>, <sid2>... in order of opening.
func (tr *transcript) normalise(s string) string {
	tr.rec.mu.Lock()
	defer tr.rec.mu.Unlock()
	for i, sess := range tr.rec.sessions {
		s = strings.ReplaceAll(s, sess.ID(), fmt.Sprintf("<sid%d>", i+1))
	}
	return s
}

// render writes bytes readably and exactly: printable ASCII as itself,
// "\\" for a backslash, \r \n \t, \xHH for any other byte; a new line starts
// after each \n.
func (tr *transcript) render(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		switch {
		case c == '\\':
			s.WriteString(`\\`)
		case c == '\r':
			s.WriteString(`\r`)
		case c == '\n':
			s.WriteString("\\n\n    ")
		case c == '\t':
			s.WriteString(`\t`)
		case c >= 0x20 && c < 0x7f:
			s.WriteByte(c)
		default:
			fmt.Fprintf(&s, `\x%02x`, c)
		}
	}
	return strings.TrimRight(tr.normalise(s.String()), " ")
}

// check compares the transcript with its golden file.
func (tr *transcript) check(transport, name string) {
	tr.t.Helper()
	path := filepath.Join("testdata", "legacy", transport, name+".txt")
	got := tr.b.String()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tr.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tr.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tr.t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		tr.t.Errorf("%s differs from the golden transcript; got:\n%s", path, got)
	}
}
