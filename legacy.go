package tornadio

import (
	"encoding/json"
	"errors"

	"github.com/tornadio/tornadio/internal/jsonstr"
	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
)

// ErrLegacyEvent is returned by Emit on a socket of the legacy (0.6) road
// for any event but "message": 0.6 clients know only messages.
var ErrLegacyEvent = errors.New(`tornadio: a Socket.IO 0.6 client only receives "message"`)

// legacyWire is what a Socket needs of a legacy session
// (*transports.LegacySession).
type legacyWire interface {
	ID() string
	Loop() int
	Post(fn func())
	Transport() string
	Extra() string
	Handshake() *transports.Handshake
	Send(frames []byte)
	Close()
	Closed() bool
}

func (s *Socket) onLegacyMessage(m legacy.Message) {
	s.mu.Lock()
	x := s.extLocked() // its legacy scratch is the loop's alone
	s.mu.Unlock()
	c := x.legacyArgs[:0]
	switch m.Kind {
	case legacy.JSON:
		c = append(c, m.Data)
	default:
		x.legacyBuf = jsonstr.Append(x.legacyBuf[:0], m.Data, false)
		c = append(c, x.legacyBuf)
	}
	x.legacyArgs = c
	args := Args{raw: c}
	if s.ns.srv.workers != nil {
		args = args.Clone()
	}
	s.fire("message", args, nil)
}

// emitLegacy sends a "message" emit to a 0.6 client: a string as a text
// message, anything else as ~j~ JSON.
func (s *Socket) emitLegacy(event string, args []any) error {
	if event != "message" {
		return ErrLegacyEvent
	}
	var v any
	if len(args) > 0 {
		v = args[0]
	}
	if a, ok := v.(Args); ok {
		v = a.firstForLegacy()
	}
	frame, err := legacy.Encode(v)
	if err != nil {
		return err
	}
	s.post(func() {
		if s.attached() {
			s.legacy().Send(frame)
			s.count().eventsOut.Add(1)
		}
	})
	return nil
}

// firstForLegacy is the first of a's arguments as emitLegacy sends it: a
// JSON string as text, any other value as its JSON, copied; nil when there
// is none.
func (a Args) firstForLegacy() any {
	if len(a.raw) == 0 {
		return nil
	}
	var str string
	if json.Unmarshal(a.raw[0], &str) == nil {
		return str
	}
	return json.RawMessage(append([]byte(nil), a.raw[0]...))
}
