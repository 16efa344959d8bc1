package legacy

import (
	"crypto/rand"
	"encoding/binary"
	"io"
	"time"
)

// Defaults of [Options] (docs/legacy-0.6.md section 4, socket.io-node 0.6.18).
const (
	DefaultHeartbeatInterval = 10 * time.Second
	DefaultHeartbeatTimeout  = 8 * time.Second
	DefaultPollDuration      = 20 * time.Second
	DefaultPollCloseTimeout  = 8 * time.Second
	DefaultMaxQueueBytes     = 1 << 20
)

// Options are the timers and limits of a legacy session. The zero value, or a
// nil *Options, gives the defaults of socket.io-node 0.6.18, noted on each
// field.
type Options struct {
	// HeartbeatInterval is how long a streaming session (websocket,
	// flashsocket, htmlfile, xhr-multipart) waits after connecting, and after
	// each heartbeat echo, before sending the next "~h~n". Default 10 s;
	// negative disables heartbeats. Polling transports never send them.
	HeartbeatInterval time.Duration

	// HeartbeatTimeout is how long the echo of a heartbeat may take before
	// the session closes. Default 8 s.
	HeartbeatTimeout time.Duration

	// PollDuration is how long a polling GET with nothing to send is held
	// before it is answered with an empty body. Default 20 s.
	PollDuration time.Duration

	// PollCloseTimeout is how long a polling client has, after a GET is
	// answered or dropped, to send the next GET before the session closes.
	// Default 8 s; negative closes at once.
	PollCloseTimeout time.Duration

	// StreamCloseTimeout is the same for streaming transports. Default 0:
	// the session closes as soon as the connection ends, as in the
	// reference. A positive value lets a client reconnect with its session
	// id.
	StreamCloseTimeout time.Duration

	// MaxQueueBytes bounds the framed messages waiting to be written; Send
	// refuses a message that would go beyond it. Default 1 MiB; negative
	// means no limit. Heartbeats and the session id are always queued.
	MaxQueueBytes int

	// Rand is the source of session ids. Default crypto/rand.Reader.
	Rand io.Reader
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&r.HeartbeatInterval, DefaultHeartbeatInterval)
	def(&r.HeartbeatTimeout, DefaultHeartbeatTimeout)
	def(&r.PollDuration, DefaultPollDuration)
	def(&r.PollCloseTimeout, DefaultPollCloseTimeout)
	if r.MaxQueueBytes == 0 {
		r.MaxQueueBytes = DefaultMaxQueueBytes
	}
	if r.Rand == nil {
		r.Rand = rand.Reader
	}
	return r
}

// IDLen is the length of the session ids made by [NewID].
const IDLen = 18

// NewID returns a crypto-random session id read from r: 18 decimal digits, the
// first not 0, uniformly drawn (about 59.6 bits). Decision 3 of docs/legacy-0.6.md:
// crypto-random, with the look of socket.io-node's Math.random() ids.
func NewID(r io.Reader) (string, error) {
	const lo, span = 100_000_000_000_000_000, 900_000_000_000_000_000
	// Rejection sampling: accept values below the largest multiple of span.
	const limit = (1<<64 - 1) / span * span
	var b [8]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return "", err
		}
		if v := binary.BigEndian.Uint64(b[:]); v < limit {
			var out [IDLen]byte
			n := lo + v%span
			for i := IDLen - 1; i >= 0; i-- {
				out[i] = byte('0' + n%10)
				n /= 10
			}
			return string(out[:]), nil
		}
	}
}

// Session is one legacy Socket.IO 0.6 session (docs/legacy-0.6.md sections 2 and
// 4). It does no I/O and reads no clock: the transport feeds it connections,
// received data and the current time, writes what Flush returns, and calls
// Tick at Deadline. Transitions follow one table per kind of transport (see
// streamTable and pollTable in states.go); an input a state does not allow
// returns a [*TransitionError] and changes nothing.
//
// The first queued message is the session id, so the first answer carries it
// (section 2). A Session is not safe for concurrent use: it belongs to the
// session's home loop.
type Session struct {
	id        string
	transport Transport
	opts      Options
	table     *[numStates][numInputs]transition
	state     State
	reason    Reason
	deadline  time.Time
	beats     int // heartbeats sent

	out  []byte // framed messages waiting to be written
	ends []int  // end offset in out of each message
	head int    // messages of ends already taken by FlushOne
	msgs []Message
}

// New makes a session for transport t in StateNew, with its id queued.
func New(t Transport, o *Options) (*Session, error) {
	if t == NoTransport || int(t) >= len(transportNames) {
		return nil, &TransitionError{State: StateNew, Input: InputConnect}
	}
	opts := o.withDefaults()
	id, err := NewID(opts.Rand)
	if err != nil {
		return nil, err
	}
	s := &Session{id: id, transport: t, opts: opts, table: &streamTable}
	if t.Polling() {
		s.table = &pollTable
	}
	s.enqueue(AppendText(s.out, id)[len(s.out):])
	return s, nil
}

// ID returns the session id.
func (s *Session) ID() string { return s.id }

// Transport returns the session's transport.
func (s *Session) Transport() Transport { return s.transport }

// State returns the current state.
func (s *Session) State() State { return s.state }

// Reason returns why the session closed, or ReasonNone.
func (s *Session) Reason() Reason { return s.reason }

// Heartbeats returns the number of the last heartbeat sent (0 before the
// first).
func (s *Session) Heartbeats() int { return s.beats }

// Deadline returns when Tick must next be called, or the zero time when no
// timer runs.
func (s *Session) Deadline() time.Time { return s.deadline }

// step applies input in to the session at time now.
func (s *Session) step(in Input, now time.Time) (Event, error) {
	if s.state == StateClosed {
		if in == InputClose || in == InputTimer {
			return EventNone, nil
		}
		return EventNone, ErrClosed
	}
	tr := s.table[s.state][in]
	if !tr.ok {
		return EventNone, &TransitionError{State: s.state, Input: in}
	}
	if tr.next == s.state && in != InputEcho {
		return tr.ev, nil // Receive, Send, a duplicate echo: timers run on
	}
	return s.enter(tr, now), nil
}

// enter makes the transition tr, setting the deadline of the new state.
func (s *Session) enter(tr transition, now time.Time) Event {
	s.state = tr.next
	s.deadline = time.Time{}
	switch tr.next {
	case StateOpen:
		if s.opts.HeartbeatInterval > 0 {
			s.deadline = now.Add(s.opts.HeartbeatInterval)
		}
	case StateAwaitEcho:
		s.beats++
		s.enqueue(AppendHeartbeat(s.out, s.beats)[len(s.out):])
		s.deadline = now.Add(s.opts.HeartbeatTimeout)
	case StatePolling:
		s.deadline = now.Add(s.opts.PollDuration)
	case StateWaiting:
		ct := s.opts.StreamCloseTimeout
		if s.transport.Polling() {
			ct = s.opts.PollCloseTimeout
		}
		if ct <= 0 {
			return s.enter(closeFor(ReasonTransportClosed), now)
		}
		s.deadline = now.Add(ct)
	case StateClosed:
		s.reason = tr.reason
		s.out, s.ends, s.head = s.out[:0], s.ends[:0], 0
	}
	return tr.ev
}

// Connect attaches a new connection: the first GET or websocket of the
// session, or a polling client's next GET. t is the transport of the
// request; a different one than the session's is refused with
// ErrTransportMismatch (decision 4). For a polling transport the GET is then
// held: if Pending is not zero the caller answers at once (Flush, then
// Answered), else it waits for Send or for Tick's EventPollExpired.
func (s *Session) Connect(t Transport, now time.Time) error {
	if s.state != StateClosed && t != s.transport {
		return ErrTransportMismatch
	}
	_, err := s.step(InputConnect, now)
	return err
}

// Answered records that the held polling GET was answered (with Flush's
// output, or empty); the close timeout starts. It returns EventClosed when
// PollCloseTimeout is negative.
func (s *Session) Answered(now time.Time) (Event, error) {
	return s.step(InputAnswer, now)
}

// Disconnect records that the session's connection ended before it was
// answered (polling) or for good (streaming). With the default close
// timeouts a streaming session closes at once (EventClosed) and a polling
// one starts its close timeout.
func (s *Session) Disconnect(now time.Time) (Event, error) {
	return s.step(InputDisconnect, now)
}

// Close ends the session from the server side. Closing a closed session does
// nothing.
func (s *Session) Close(now time.Time) error {
	_, err := s.step(InputClose, now)
	return err
}

// Receive decodes data, the frames of one websocket message or one polling
// POST, and returns the application's messages. Heartbeats are consumed: the
// echo of the heartbeat the session is waiting for moves it back to Open and
// restarts the interval; other numbers are ignored, as in the reference.
//
// The whole of data is decoded before anything happens, so malformed framing
// (an error wrapping [ErrFraming]) is refused without side effects. The
// returned slice is reused by the next Receive, and each Message's Data is a
// view into data.
func (s *Session) Receive(data []byte, now time.Time) ([]Message, error) {
	if _, err := s.step(InputReceive, now); err != nil {
		return nil, err
	}
	msgs := s.msgs[:0]
	echo := false
	for p := data; len(p) > 0; {
		m, n, err := Next(p)
		if err != nil {
			s.msgs = msgs[:0]
			return nil, err
		}
		p = p[n:]
		if m.Kind == Heartbeat {
			echo = echo || m.Heartbeat == s.beats && s.beats > 0
			continue
		}
		msgs = append(msgs, m)
	}
	s.msgs = msgs
	if echo && s.state == StateAwaitEcho {
		if _, err := s.step(InputEcho, now); err != nil {
			return nil, err
		}
	}
	return msgs, nil
}

// Send queues one framed message (from AppendText, AppendJSON, AppendEncode;
// one frame, not checked), copying it. After Send, a streaming connection or
// a held poll should be flushed.
func (s *Session) Send(frame []byte) error {
	if _, err := s.step(InputSend, time.Time{}); err != nil {
		return err
	}
	if s.opts.MaxQueueBytes >= 0 && s.queuedBytes()+len(frame) > s.opts.MaxQueueBytes {
		return ErrQueueFull
	}
	s.enqueue(frame)
	return nil
}

func (s *Session) enqueue(frame []byte) {
	if len(s.out) == 0 {
		s.out, s.ends, s.head = s.out[:0], s.ends[:0], 0
	}
	s.out = append(s.out, frame...)
	s.ends = append(s.ends, len(s.out))
}

// queuedBytes returns the size of the messages not yet flushed.
func (s *Session) queuedBytes() int {
	if s.head == 0 {
		return len(s.out)
	}
	return len(s.out) - s.ends[s.head-1]
}

// Pending returns the number of queued messages.
func (s *Session) Pending() int { return len(s.ends) - s.head }

// Flush appends every queued message to dst, concatenated, and empties the
// queue: the body of an xhr-polling answer (socket.io-node sends everything
// queued in one answer), or the payload of one streaming write.
func (s *Session) Flush(dst []byte) []byte {
	if s.head < len(s.ends) {
		start := 0
		if s.head > 0 {
			start = s.ends[s.head-1]
		}
		dst = append(dst, s.out[start:]...)
	}
	s.out, s.ends, s.head = s.out[:0], s.ends[:0], 0
	return dst
}

// FlushOne appends the oldest queued message to dst and removes it from the
// queue; ok is false when the queue is empty. Websocket sends each message in
// its own frame this way.
func (s *Session) FlushOne(dst []byte) (_ []byte, ok bool) {
	if s.head >= len(s.ends) {
		return dst, false
	}
	start := 0
	if s.head > 0 {
		start = s.ends[s.head-1]
	}
	dst = append(dst, s.out[start:s.ends[s.head]]...)
	s.head++
	if s.head == len(s.ends) {
		s.out, s.ends, s.head = s.out[:0], s.ends[:0], 0
	}
	return dst, true
}

// Tick runs the timer that is due at now, if any, and says what the caller
// must do: EventHeartbeat (flush the queued heartbeat), EventPollExpired
// (answer the held GET with an empty body; the close timeout has started) or
// EventClosed (see Reason). Before the deadline it returns EventNone.
func (s *Session) Tick(now time.Time) Event {
	if s.deadline.IsZero() || now.Before(s.deadline) {
		return EventNone
	}
	ev, _ := s.step(InputTimer, now)
	return ev
}
