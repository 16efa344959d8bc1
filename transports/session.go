package transports

import (
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
)

// Transport names as they appear in the query string.
const (
	Polling   = "polling"
	WebSocket = "websocket"
)

// Close reasons, as the Node server names them.
const (
	ReasonTransportClose = "transport close"
	ReasonTransportError = "transport error"
	ReasonPingTimeout    = "ping timeout"
	ReasonParseError     = "parse error"
	ReasonForcedClose    = "forced close"
	ReasonShutdown       = "server shutting down"
	// ReasonSlowConsumer: more than Config.MaxBuffered bytes waited for
	// the client (a websocket it does not read, or polls it does not make).
	ReasonSlowConsumer = "slow consumer"
)

// Handshake is a copy of what the request that opened a session carried.
type Handshake struct {
	Method     string
	Path       string
	RawQuery   string
	Headers    [][2]string // name, value in arrival order
	RemoteAddr string
}

// Header returns the first value of the header name (case-insensitive).
func (h *Handshake) Header(name string) string {
	for _, kv := range h.Headers {
		if equalFold(kv[0], name) {
			return kv[1]
		}
	}
	return ""
}

// Session is one Engine.IO session. Its methods and fields are used only on
// its home loop, except where a comment says otherwise.
type Session struct {
	srv     *Server
	id      string
	loop    int
	version int
	hs      Handshake

	transport string      // Polling or WebSocket
	onWS      atomic.Bool // transport == WebSocket, readable from any goroutine
	closed    bool
	binaryOK  bool   // v3 polling: the client accepts binary payloads
	jsonp     bool   // JSONP polling (see jsonp.go)
	jsonpIdx  string // its callback index

	// Polling.
	queue       []engineio.Packet // outbound, data owned by the session
	queued      int               // bytes in queue (see packetSize)
	poll        *Conn             // the parked GET, if any
	pollGen     uint32
	pollCORS    string
	flushPosted bool
	upgrading   bool
	probe       *Conn // the websocket being probed during an upgrade
	ws          *Conn // the websocket carrying the session
	pingAt      time.Time
	pongBy      time.Time
	upgradeBy   time.Time
	draining    bool      // closed, the queue (ending with a close packet) waits for a GET
	closeNext   bool      // draining: the close packet follows in the answer after the queue's
	drainBy     time.Time // give up waiting then
	heapAt      time.Time

	// Data is the application's per-session state.
	Data any
}

// ID is the session id. Safe from any goroutine.
func (s *Session) ID() string { return s.id }

// Loop is the home loop. Safe from any goroutine.
func (s *Session) Loop() int { return s.loop }

// Version is the Engine.IO protocol version, 3 or 4. Safe from any goroutine.
func (s *Session) Version() int { return s.version }

// Handshake is the opening request. Safe from any goroutine; do not modify.
func (s *Session) Handshake() *Handshake { return &s.hs }

// Transport is the current transport name.
func (s *Session) Transport() string { return s.transport }

// TransportName is the current transport name. Safe from any goroutine.
func (s *Session) TransportName() string {
	if s.onWS.Load() {
		return WebSocket
	}
	return Polling
}

// JSONP reports whether the session polls with JSONP (its handshake had a j
// query parameter). Safe from any goroutine.
func (s *Session) JSONP() bool { return s.jsonp }

// Closed reports whether the session has ended.
func (s *Session) Closed() bool { return s.closed }

// Post runs fn on the session's home loop. Safe from any goroutine.
func (s *Session) Post(fn func()) { s.srv.loops.Post(s.loop, fn) }

func newSession(srv *Server, loop, version int, transport string, hs Handshake) *Session {
	s := &Session{
		srv:       srv,
		id:        engineio.NewSID(),
		loop:      loop,
		version:   version,
		transport: transport,
		hs:        hs,
	}
	s.onWS.Store(transport == WebSocket)
	return s
}

// openPacket appends the Engine.IO open packet text.
func (s *Session) openPacket(dst []byte) []byte {
	cfg := &s.srv.cfg
	var upgrades []string
	if s.transport == Polling && cfg.WebSocket {
		upgrades = []string{WebSocket}
	}
	return engineio.AppendOpen(dst, s.version, engineio.OpenInfo{
		SID:          s.id,
		Upgrades:     upgrades,
		PingInterval: cfg.PingInterval.Milliseconds(),
		PingTimeout:  cfg.PingTimeout.Milliseconds(),
		MaxPayload:   cfg.MaxPayload,
	})
}

// start arms the heartbeat. v4: the server pings; v3: the client does, and
// the server waits pingInterval+pingTimeout for it.
func (s *Session) start(now time.Time) {
	cfg := &s.srv.cfg
	if s.version >= 4 {
		s.pingAt = now.Add(cfg.PingInterval)
		s.srv.schedule(s, s.pingAt)
	} else {
		s.pongBy = now.Add(cfg.PingInterval + cfg.PingTimeout)
		s.srv.schedule(s, s.pongBy)
	}
}

// Send queues or writes one message packet. data is copied. On the home loop
// only; use Post from elsewhere.
func (s *Session) Send(data []byte, binary bool) {
	if s.closed {
		return
	}
	s.sendPacket(engineio.Packet{Type: engineio.Message, Data: data, Binary: binary})
}

// SendText is Send for a text message made of two parts (often a type prefix
// and a body), which saves the caller a concatenation.
func (s *Session) SendText(prefix, data []byte) {
	if s.closed {
		return
	}
	if s.transport == WebSocket && s.ws != nil {
		s.writeWS(s.ws, engineio.Message, false, prefix, data)
		return
	}
	d := make([]byte, 0, len(prefix)+len(data))
	d = append(append(d, prefix...), data...)
	s.queuePacket(engineio.Packet{Type: engineio.Message, Data: d})
}

func (s *Session) sendPacket(p engineio.Packet) {
	if s.transport == WebSocket && s.ws != nil {
		s.writeWS(s.ws, p.Type, p.Binary, nil, p.Data)
		return
	}
	p.Data = append([]byte(nil), p.Data...)
	s.queuePacket(p)
}

// queuePacket adds an owned packet to the polling queue and arranges a flush
// at the end of this loop turn, so that sends made together leave together.
//
// A client that does not poll while more than MaxBuffered bytes would wait
// for it is a slow consumer: what waits is dropped and the session closed,
// the client being told at its next GET, if any.
func (s *Session) queuePacket(p engineio.Packet) {
	if s.queued > 0 && s.queued+packetSize(&p) > s.srv.cfg.MaxBuffered {
		if s.poll == nil {
			s.clearQueue()
			s.Close(ReasonSlowConsumer)
			return
		}
		// A GET waits: the client keeps up, answer it now.
		s.flushPoll()
	}
	s.enqueue(p)
	if s.poll != nil && !s.flushPosted {
		s.flushPosted = true
		s.Post(s.flushPoll)
	}
}

// packetSize is what a queued packet counts towards MaxBuffered.
func packetSize(p *engineio.Packet) int { return 1 + len(p.Data) }

// enqueue adds p to the polling queue, unchecked.
func (s *Session) enqueue(p engineio.Packet) {
	s.queue = append(s.queue, p)
	s.queued += packetSize(&p)
}

// clearQueue empties the polling queue, keeping its array.
func (s *Session) clearQueue() {
	clear(s.queue)
	s.queue = s.queue[:0]
	s.queued = 0
}

// Buffered is the number of bytes waiting for the client: queued for
// polling, or, for a websocket served by the session's loop, in the
// connection's outbound buffer (a websocket on another loop counts 0).
func (s *Session) Buffered() int {
	if s.transport == WebSocket && s.ws != nil {
		if s.ws.loop != s.loop || s.ws.closing {
			return 0
		}
		return s.ws.io.Buffered()
	}
	return s.queued
}

// writeWS encodes one packet as a WebSocket frame and writes it to c. It
// reports false when c refused the frame as a slow consumer's, which has
// ended the session when c carried it.
func (s *Session) writeWS(c *Conn, t engineio.PacketType, binary bool, prefix, data []byte) bool {
	b := s.srv.buf(s.loop)
	n := len(prefix) + len(data)
	if binary {
		if s.version < 4 {
			n++
		}
		b = frames.AppendFrameHeader(b, frames.OpBinary, true, n)
		if s.version < 4 {
			b = append(b, byte(t))
		}
	} else {
		n++
		b = frames.AppendFrameHeader(b, frames.OpText, true, n)
		b = append(b, '0'+byte(t))
	}
	b = append(append(b, prefix...), data...)
	ok := c.send(s.loop, b)
	s.srv.keep(s.loop, b)
	if !ok && c == s.ws {
		s.end(ReasonSlowConsumer)
	}
	return ok
}

// Close ends the session from the server side: queued packets are sent,
// the client is told, and App.Close runs with reason. On the home loop only.
func (s *Session) Close(reason string) {
	if s.closed {
		return
	}
	if s.transport == WebSocket && s.ws != nil {
		if s.writeWS(s.ws, engineio.Close, false, nil, nil) {
			s.ws.sendClose(s.loop, 1000)
		}
	} else if s.transport == Polling {
		// Like Node, what is queued leaves first (the engine waits for its
		// buffer to drain before closing the transport), and the close
		// packet comes in a later answer: a client handles a close at once
		// but its Socket.IO packets a tick later, so a DISCONNECT sent with
		// the close would be lost ("transport close" instead of "io server
		// disconnect"). Without a GET waiting, the session stays reachable
		// for the client's next GETs (rather than "unknown sid", which
		// clients answer by reconnecting).
		if s.poll != nil && len(s.queue) > 0 {
			s.flushPoll()
		}
		if len(s.queue) > 0 {
			s.closeNext = true
			s.draining = true
		} else if s.poll != nil {
			s.enqueue(engineio.Packet{Type: engineio.Close})
			s.flushPoll()
		} else {
			s.enqueue(engineio.Packet{Type: engineio.Close})
			s.draining = true
		}
	}
	s.end(reason)
}

// stopDraining forgets a closed session that waited for a last GET.
func (s *Session) stopDraining() {
	if s.draining {
		s.draining = false
		s.srv.setDraining(s, false)
		s.queue, s.queued = nil, 0
	}
	if s.probe != nil {
		s.probe.kill(s.loop)
		s.probe = nil
	}
}

// end releases everything and tells the application. It does not talk to the
// client.
func (s *Session) end(reason string) {
	if s.closed {
		return
	}
	s.closed = true
	s.srv.unregister(s)
	if s.poll != nil {
		s.clearQueue()
		s.enqueue(engineio.Packet{Type: engineio.Close})
		s.flushPoll()
	}
	if s.probe != nil && !(s.draining && s.upgrading) {
		// A probe whose upgrade is under way is kept while the session
		// drains: see upgradeWhileDraining.
		s.probe.kill(s.loop)
		s.probe = nil
	}
	if s.ws != nil {
		// Like Node (the ws transport's close), tell the client with a
		// close frame, without a status code, before closing: after a ping
		// timeout or a close packet, say. A slow consumer's connection is
		// cut at once: a frame would only queue behind what it does not read.
		if reason == ReasonSlowConsumer {
			s.ws.kill(s.loop)
		} else {
			s.ws.sendClose(s.loop, 0)
		}
		s.ws = nil
	}
	if s.draining {
		cfg := &s.srv.cfg
		s.srv.setDraining(s, true)
		s.drainBy = s.srv.loops.Now().Add(cfg.PingInterval + cfg.PingTimeout)
		s.srv.schedule(s, s.drainBy)
	} else {
		s.queue, s.queued = nil, 0
	}
	s.srv.app.Close(s, reason)
}

// receive handles one inbound packet from the session's current transport.
func (s *Session) receive(p engineio.Packet, now time.Time) {
	if s.closed {
		return
	}
	cfg := &s.srv.cfg
	switch p.Type {
	case engineio.Pong:
		if s.version >= 4 {
			s.pongBy = time.Time{}
			s.pingAt = now.Add(cfg.PingInterval)
			s.srv.schedule(s, s.pingAt)
		}
	case engineio.Ping:
		if s.version < 4 {
			s.sendPacket(engineio.Packet{Type: engineio.Pong, Data: p.Data})
		}
	case engineio.Message:
		s.srv.app.Message(s, p.Data, p.Binary)
	case engineio.Close:
		s.end(ReasonTransportClose)
		return
	case engineio.Noop, engineio.Upgrade:
	default:
		s.Close(ReasonParseError)
		return
	}
	if s.version < 4 && !s.closed {
		s.pongBy = now.Add(cfg.PingInterval + cfg.PingTimeout)
		s.srv.schedule(s, s.pongBy)
	}
}

func (s *Session) slot() *time.Time { return &s.heapAt }

// tick runs the session's due deadlines and schedules the next one.
func (s *Session) tick(now time.Time) {
	if s.closed {
		if s.draining {
			if !now.Before(s.drainBy) {
				s.stopDraining()
			} else {
				s.srv.schedule(s, s.drainBy)
			}
		}
		return
	}
	if !s.pingAt.IsZero() && !now.Before(s.pingAt) {
		s.pingAt = time.Time{}
		s.sendPacket(engineio.Packet{Type: engineio.Ping})
		if s.closed {
			return // a slow consumer
		}
		s.pongBy = now.Add(s.srv.cfg.PingTimeout)
	}
	if !s.pongBy.IsZero() && !now.Before(s.pongBy) {
		s.end(ReasonPingTimeout)
		return
	}
	if s.probe != nil && !now.Before(s.upgradeBy) {
		s.probe.kill(s.loop)
		s.probe = nil
		s.upgrading = false
	}
	next := s.pingAt
	for _, t := range [...]time.Time{s.pongBy, s.upgradeByIfProbing()} {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	s.srv.schedule(s, next)
}

func (s *Session) upgradeByIfProbing() time.Time {
	if s.probe == nil {
		return time.Time{}
	}
	return s.upgradeBy
}
