package engineio

// Input is what the caller does with a packet the session received.
type Input uint8

const (
	// InputNone: nothing (a pong, a noop, an upgrade, or any packet once
	// the session has ended).
	InputNone Input = iota
	// InputMessage: give the packet's data to the application.
	InputMessage
	// InputPing: a v3 client's ping: write a pong carrying the ping's data.
	InputPing
	// InputClose: the client closes the session.
	InputClose
	// InputInvalid: a packet the client may not send (an open, a v4 ping,
	// an unknown type): end the session with a parse error.
	InputInvalid
)

// Open starts the heartbeat at now, as the session opens. v4: the server
// pings after PingInterval. v3: the client pings, and must be heard from
// within PingInterval+PingTimeout.
func (s *Session[P]) Open(cfg *Config, now int64) {
	if s.version >= 4 {
		s.hbAt, s.awaitPong = now+int64(cfg.PingInterval), false
	} else {
		s.hbAt, s.awaitPong = now+int64(cfg.PingInterval+cfg.PingTimeout), true
	}
}

// Receive takes packet p, which arrived at now on the session's transport,
// into account and says what to do with it. A v4 pong restarts the wait for
// the next ping; any valid v3 packet but a close gives the client
// PingInterval+PingTimeout more.
func (s *Session[P]) Receive(cfg *Config, p *Packet, now int64) Input {
	if s.closed {
		return InputNone
	}
	in := InputNone
	switch p.Type {
	case Pong:
		if s.version >= 4 {
			s.hbAt, s.awaitPong = now+int64(cfg.PingInterval), false
		}
	case Ping:
		if s.version < 4 {
			in = InputPing
		}
	case Message:
		in = InputMessage
	case Close:
		return InputClose
	case Noop, Upgrade:
	default:
		return InputInvalid
	}
	if s.version < 4 {
		s.hbAt, s.awaitPong = now+int64(cfg.PingInterval+cfg.PingTimeout), true
	}
	return in
}
