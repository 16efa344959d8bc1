package legacy

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2011, 5, 1, 12, 0, 0, 0, time.UTC)

// seqReader is a deterministic io.Reader for session ids.
type seqReader struct{ b byte }

func (r *seqReader) Read(p []byte) (int, error) {
	for i := range p {
		r.b++
		p[i] = r.b
	}
	return len(p), nil
}

func newSession(t *testing.T, tr Transport, o *Options) *Session {
	t.Helper()
	if o == nil {
		o = &Options{}
	}
	if o.Rand == nil {
		o.Rand = &seqReader{}
	}
	s, err := New(tr, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// reach drives a new session of transport tr into state st.
func reach(t *testing.T, tr Transport, st State) *Session {
	t.Helper()
	s := newSession(t, tr, &Options{StreamCloseTimeout: 5 * time.Second})
	step := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	switch st {
	case StateNew:
	case StateOpen, StatePolling:
		step(s.Connect(tr, t0))
	case StateAwaitEcho:
		step(s.Connect(tr, t0))
		if ev := s.Tick(s.Deadline()); ev != EventHeartbeat {
			t.Fatal(ev)
		}
	case StateWaiting:
		step(s.Connect(tr, t0))
		_, err := s.Disconnect(t0)
		step(err)
	case StateClosed:
		step(s.Close(t0))
	}
	if s.State() != st {
		t.Fatalf("reached %v, want %v", s.State(), st)
	}
	return s
}

// apply feeds in to s through the public method that carries it.
func apply(s *Session, in Input) (Event, error) {
	now := t0.Add(time.Second)
	switch in {
	case InputConnect:
		return EventNone, s.Connect(s.Transport(), now)
	case InputAnswer:
		return s.Answered(now)
	case InputDisconnect:
		return s.Disconnect(now)
	case InputReceive:
		_, err := s.Receive([]byte("~m~1~m~a"), now)
		return EventNone, err
	case InputEcho:
		_, err := s.Receive(AppendHeartbeat(nil, s.Heartbeats()), now)
		return EventNone, err
	case InputSend:
		return EventNone, s.Send(AppendText(nil, "x"))
	case InputTimer:
		d := s.Deadline()
		if d.IsZero() {
			d = t0.Add(time.Hour)
		}
		return s.Tick(d), nil
	case InputClose:
		return EventNone, s.Close(now)
	}
	panic(in)
}

type cell struct {
	next State
	ev   Event
	err  string // "", "transition", "closed"
}

// The expected machine, written out independently of states.go. Every
// (state, input) pair of both machines is here; a missing state is one the
// machine cannot reach.
var (
	ok         = func(s State) cell { return cell{next: s} }
	bad        = func(s State) cell { return cell{next: s, err: "transition"} }
	closedCell = cell{next: StateClosed, err: "closed"}

	wantStream = map[State][numInputs]cell{
		StateNew: {
			InputConnect: ok(StateOpen), InputAnswer: bad(StateNew), InputDisconnect: {StateClosed, EventClosed, ""},
			InputReceive: bad(StateNew), InputEcho: bad(StateNew), InputSend: ok(StateNew), InputTimer: ok(StateNew),
			InputClose: ok(StateClosed),
		},
		StateOpen: {
			InputConnect: bad(StateOpen), InputAnswer: bad(StateOpen), InputDisconnect: ok(StateWaiting),
			InputReceive: ok(StateOpen), InputEcho: ok(StateOpen), InputSend: ok(StateOpen),
			InputTimer: {StateAwaitEcho, EventHeartbeat, ""}, InputClose: ok(StateClosed),
		},
		StateAwaitEcho: {
			InputConnect: bad(StateAwaitEcho), InputAnswer: bad(StateAwaitEcho), InputDisconnect: ok(StateWaiting),
			InputReceive: ok(StateAwaitEcho), InputEcho: ok(StateOpen), InputSend: ok(StateAwaitEcho),
			InputTimer: {StateClosed, EventClosed, ""}, InputClose: ok(StateClosed),
		},
		StateWaiting: {
			InputConnect: ok(StateOpen), InputAnswer: bad(StateWaiting), InputDisconnect: bad(StateWaiting),
			InputReceive: ok(StateWaiting), InputEcho: ok(StateWaiting), InputSend: ok(StateWaiting),
			InputTimer: {StateClosed, EventClosed, ""}, InputClose: ok(StateClosed),
		},
		StateClosed: {
			InputConnect: closedCell, InputAnswer: closedCell, InputDisconnect: closedCell,
			InputReceive: closedCell, InputEcho: closedCell, InputSend: closedCell,
			InputTimer: ok(StateClosed), InputClose: ok(StateClosed),
		},
	}
	wantPoll = map[State][numInputs]cell{
		StateNew: {
			InputConnect: ok(StatePolling), InputAnswer: bad(StateNew), InputDisconnect: {StateClosed, EventClosed, ""},
			InputReceive: bad(StateNew), InputEcho: bad(StateNew), InputSend: ok(StateNew), InputTimer: ok(StateNew),
			InputClose: ok(StateClosed),
		},
		StatePolling: {
			InputConnect: bad(StatePolling), InputAnswer: ok(StateWaiting), InputDisconnect: ok(StateWaiting),
			InputReceive: ok(StatePolling), InputEcho: ok(StatePolling), InputSend: ok(StatePolling),
			InputTimer: {StateWaiting, EventPollExpired, ""}, InputClose: ok(StateClosed),
		},
		StateWaiting: {
			InputConnect: ok(StatePolling), InputAnswer: bad(StateWaiting), InputDisconnect: bad(StateWaiting),
			InputReceive: ok(StateWaiting), InputEcho: ok(StateWaiting), InputSend: ok(StateWaiting),
			InputTimer: {StateClosed, EventClosed, ""}, InputClose: ok(StateClosed),
		},
		StateClosed: {
			InputConnect: closedCell, InputAnswer: closedCell, InputDisconnect: closedCell,
			InputReceive: closedCell, InputEcho: closedCell, InputSend: closedCell,
			InputTimer: ok(StateClosed), InputClose: ok(StateClosed),
		},
	}
)

// TestEveryTransition walks every (state, input) pair of both machines
// through the public API.
func TestEveryTransition(t *testing.T) {
	t.Parallel()
	for _, kind := range []struct {
		tr   Transport
		want map[State][numInputs]cell
	}{{WebSocket, wantStream}, {HTMLFile, wantStream}, {XHRPolling, wantPoll}, {JSONPPolling, wantPoll}} {
		for st, row := range kind.want {
			for in := Input(0); in < numInputs; in++ {
				c := row[in]
				s := reach(t, kind.tr, st)
				ev, err := apply(s, in)
				var te *TransitionError
				switch c.err {
				case "":
					if err != nil {
						t.Errorf("%v %v+%v: %v", kind.tr, st, in, err)
					}
				case "transition":
					if !errors.As(err, &te) || te.State != st || (te.Input != in && !(in == InputEcho && te.Input == InputReceive)) {
						t.Errorf("%v %v+%v: err %v, want a TransitionError", kind.tr, st, in, err)
					}
				case "closed":
					if err != ErrClosed {
						t.Errorf("%v %v+%v: err %v, want ErrClosed", kind.tr, st, in, err)
					}
				}
				if s.State() != c.next || ev != c.ev {
					t.Errorf("%v %v+%v: -> %v %v, want %v %v", kind.tr, st, in, s.State(), ev, c.next, c.ev)
				}
			}
		}
	}
}

// TestTables checks states.go against the expected machine cell by cell,
// including the states a machine never reaches (all cells illegal).
func TestTables(t *testing.T) {
	t.Parallel()
	for _, kind := range []struct {
		name  string
		table *[numStates][numInputs]transition
		want  map[State][numInputs]cell
	}{{"stream", &streamTable, wantStream}, {"poll", &pollTable, wantPoll}} {
		for st := State(0); st < StateClosed; st++ {
			row, reachable := kind.want[st]
			for in := Input(0); in < numInputs; in++ {
				tr := kind.table[st][in]
				if !reachable {
					if tr.ok {
						t.Errorf("%s: %v+%v allowed in an unreachable state", kind.name, st, in)
					}
					continue
				}
				c := row[in]
				if tr.ok != (c.err == "") && in != InputTimer {
					t.Errorf("%s: %v+%v ok=%v", kind.name, st, in, tr.ok)
				}
			}
		}
	}
}

func TestSessionID(t *testing.T) {
	t.Parallel()
	s := newSession(t, XHRPolling, nil)
	if len(s.ID()) != IDLen || s.ID()[0] == '0' || strings.Trim(s.ID(), "0123456789") != "" {
		t.Fatalf("id %q", s.ID())
	}
	// The first answer is the id (docs/legacy-0.6.md section 2).
	if got := string(s.Flush(nil)); got != "~m~18~m~"+s.ID() {
		t.Fatalf("first payload %q", got)
	}
	// Values above the rejection limit are skipped.
	id, err := NewID(bytes.NewReader(append(bytes.Repeat([]byte{0xff}, 8), 0, 0, 0, 0, 0, 0, 0, 1)))
	if err != nil || id != "100000000000000001" {
		t.Fatalf("%q %v", id, err)
	}
	if _, err := NewID(bytes.NewReader(nil)); err == nil {
		t.Fatal("no error from an empty reader")
	}
	if _, err := New(XHRPolling, &Options{Rand: bytes.NewReader(nil)}); err == nil {
		t.Fatal("New without randomness")
	}
	if _, err := New(NoTransport, nil); err == nil {
		t.Fatal("New(NoTransport)")
	}
	// crypto/rand by default.
	a, _ := New(WebSocket, nil)
	b, _ := New(WebSocket, nil)
	if a.ID() == b.ID() || len(a.ID()) != IDLen {
		t.Fatal(a.ID(), b.ID())
	}
}

// The heartbeat cycle of socket.io-node's lib/socket.io/client.js
// (_heartbeat, _onHeartbeat): ~h~n 10 s after connecting and after each
// echo; 8 s for the echo.
func TestHeartbeats(t *testing.T) {
	t.Parallel()
	s := newSession(t, WebSocket, nil)
	if err := s.Connect(WebSocket, t0); err != nil {
		t.Fatal(err)
	}
	s.Flush(nil)
	if !s.Deadline().Equal(t0.Add(10 * time.Second)) {
		t.Fatal(s.Deadline())
	}
	if ev := s.Tick(t0.Add(9 * time.Second)); ev != EventNone {
		t.Fatal(ev)
	}
	if ev := s.Tick(t0.Add(10 * time.Second)); ev != EventHeartbeat || s.Heartbeats() != 1 {
		t.Fatal(ev)
	}
	if got := string(s.Flush(nil)); got != "~m~4~m~~h~1" {
		t.Fatalf("%q", got)
	}
	if !s.Deadline().Equal(t0.Add(18 * time.Second)) {
		t.Fatal(s.Deadline())
	}
	// Echo among app messages: consumed, and the interval restarts.
	msgs, err := s.Receive([]byte("~m~1~m~a~m~4~m~~h~1~m~8~m~~j~[1,2]"), t0.Add(12*time.Second))
	if err != nil || len(msgs) != 2 || string(msgs[0].Data) != "a" || msgs[1].Kind != JSON {
		t.Fatal(msgs, err)
	}
	if s.State() != StateOpen || !s.Deadline().Equal(t0.Add(22*time.Second)) {
		t.Fatal(s.State(), s.Deadline())
	}
	// A duplicate echo changes nothing.
	if _, err := s.Receive([]byte("~m~4~m~~h~1"), t0.Add(13*time.Second)); err != nil || !s.Deadline().Equal(t0.Add(22*time.Second)) {
		t.Fatal(err, s.Deadline())
	}
	if s.Tick(t0.Add(22*time.Second)) != EventHeartbeat || string(s.Flush(nil)) != "~m~4~m~~h~2" {
		t.Fatal("second heartbeat")
	}
	// A wrong number is ignored, then the timeout closes.
	if _, err := s.Receive([]byte("~m~4~m~~h~1~m~4~m~~h~3"), t0.Add(23*time.Second)); err != nil || s.State() != StateAwaitEcho {
		t.Fatal(err, s.State())
	}
	if ev := s.Tick(t0.Add(30 * time.Second)); ev != EventClosed || s.Reason() != ReasonHeartbeatTimeout || !s.Deadline().IsZero() {
		t.Fatal(ev, s.Reason())
	}
	// Broken framing is refused whole, even after an echo.
	s2 := reach(t, WebSocket, StateAwaitEcho)
	if _, err := s2.Receive([]byte("~m~4~m~~h~1~m~9~m~x"), t0); !errors.Is(err, ErrFraming) || s2.State() != StateAwaitEcho {
		t.Fatal(err, s2.State())
	}
	// Heartbeats off.
	s3 := newSession(t, XHRMultipart, &Options{HeartbeatInterval: -1})
	if s3.Connect(XHRMultipart, t0); !s3.Deadline().IsZero() || s3.Tick(t0.Add(time.Hour)) != EventNone {
		t.Fatal("heartbeats not disabled")
	}
}

// Streaming close timeout 0 (lib/socket.io/client.js, closeTimeout: 0).
func TestStreamDisconnect(t *testing.T) {
	t.Parallel()
	s := newSession(t, HTMLFile, nil)
	s.Connect(HTMLFile, t0)
	if ev, err := s.Disconnect(t0); ev != EventClosed || err != nil || s.Reason() != ReasonTransportClosed {
		t.Fatal(ev, err, s.Reason())
	}
	// With a close timeout, the client may come back.
	s = reach(t, WebSocket, StateWaiting)
	if !s.Deadline().Equal(t0.Add(5 * time.Second)) {
		t.Fatal(s.Deadline())
	}
	if err := s.Connect(WebSocket, t0.Add(time.Second)); err != nil || s.State() != StateOpen {
		t.Fatal(err)
	}
}

// Polling timers (transports/xhr-polling.js: duration 20 s, closeTimeout 8 s).
func TestPolling(t *testing.T) {
	t.Parallel()
	s := newSession(t, XHRPolling, nil)
	if err := s.Connect(JSONPPolling, t0); err != ErrTransportMismatch || s.State() != StateNew {
		t.Fatal(err)
	}
	if err := s.Connect(XHRPolling, t0); err != nil || !s.Deadline().Equal(t0.Add(20*time.Second)) {
		t.Fatal(err, s.Deadline())
	}
	// The handshake is answered at once with the id and what was queued.
	s.Send(AppendText(nil, "hi"))
	s.Send(AppendText(nil, "there"))
	if s.Pending() != 3 {
		t.Fatal(s.Pending())
	}
	body := s.Flush(nil)
	if string(body) != "~m~18~m~"+s.ID()+"~m~2~m~hi~m~5~m~there" || s.Pending() != 0 {
		t.Fatalf("%q", body)
	}
	if ev, err := s.Answered(t0.Add(time.Second)); ev != EventNone || err != nil || !s.Deadline().Equal(t0.Add(9*time.Second)) {
		t.Fatal(ev, err, s.Deadline())
	}
	// The next GET comes in time and is held until the poll duration.
	if err := s.Connect(XHRPolling, t0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if ev := s.Tick(t0.Add(22 * time.Second)); ev != EventPollExpired || s.State() != StateWaiting || !s.Deadline().Equal(t0.Add(30*time.Second)) {
		t.Fatal(ev, s.State(), s.Deadline())
	}
	// POSTs do not delay the close timeout (xhr-polling.js, POST).
	if _, err := s.Receive([]byte("~m~1~m~a"), t0.Add(29*time.Second)); err != nil {
		t.Fatal(err)
	}
	if ev := s.Tick(t0.Add(30 * time.Second)); ev != EventClosed || s.Reason() != ReasonCloseTimeout {
		t.Fatal(ev, s.Reason())
	}
	// A negative close timeout closes on the answer.
	s = newSession(t, JSONPPolling, &Options{PollCloseTimeout: -1})
	s.Connect(JSONPPolling, t0)
	if ev, _ := s.Answered(t0); ev != EventClosed || s.Reason() != ReasonTransportClosed {
		t.Fatal(ev)
	}
}

func TestQueue(t *testing.T) {
	t.Parallel()
	s := newSession(t, WebSocket, &Options{MaxQueueBytes: 50})
	s.Connect(WebSocket, t0)
	if err := s.Send(AppendText(nil, "0123456789")); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(AppendText(nil, "x")); err != ErrQueueFull {
		t.Fatal(err) // 26 + 18 + 8 > 50
	}
	first, ok := s.FlushOne(nil)
	if !ok || string(first) != "~m~18~m~"+s.ID() || s.Pending() != 1 {
		t.Fatalf("%q", first)
	}
	if err := s.Send(AppendText(nil, "x")); err != nil { // the id no longer counts
		t.Fatal(err)
	}
	second, _ := s.FlushOne(nil)
	if string(second) != "~m~10~m~0123456789" {
		t.Fatalf("%q", second)
	}
	if rest := s.Flush([]byte(">")); string(rest) != ">~m~1~m~x" {
		t.Fatalf("%q", rest)
	}
	if _, ok := s.FlushOne(nil); ok || len(s.Flush(nil)) != 0 {
		t.Fatal("queue not empty")
	}
	// Closing drops the queue.
	s.Send(AppendText(nil, "lost"))
	s.Close(t0)
	if s.Pending() != 0 || s.Reason() != ReasonServerClose {
		t.Fatal(s.Pending())
	}
	// No limit.
	s = newSession(t, WebSocket, &Options{MaxQueueBytes: -1})
	if err := s.Send(make([]byte, 2*DefaultMaxQueueBytes)); err != nil {
		t.Fatal(err)
	}
}

func TestStrings(t *testing.T) {
	t.Parallel()
	if StateAwaitEcho.String() != "AwaitEcho" || State(9).String() != "State(9)" ||
		InputEcho.String() != "Echo" || Input(42).String() != "Input(42)" ||
		EventPollExpired.String() != "PollExpired" || Event(7).String() != "Event(7)" ||
		ReasonHeartbeatTimeout.String() != "HeartbeatTimeout" || Reason(9).String() != "Reason(9)" {
		t.Fatal("String methods")
	}
	e := &TransitionError{State: StatePolling, Input: InputConnect}
	if e.Error() != "legacy: Connect not allowed in state Polling" {
		t.Fatal(e.Error())
	}
}

func TestSessionAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool under the race detector")
	}
	s := newSession(t, WebSocket, nil)
	s.Connect(WebSocket, t0)
	frame := AppendText(nil, "hello")
	in := []byte("~m~5~m~hello~m~12~m~~j~{\"a\":[1]}")
	var dst []byte
	run := func() {
		s.Send(frame)
		s.Send(frame)
		dst = s.Flush(dst[:0])
		if _, err := s.Receive(in, t0); err != nil {
			t.Fatal(err)
		}
		s.Tick(t0)
	}
	run()
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Fatalf("%v allocs per Send/Flush/Receive", n)
	}
}
