package transports

import (
	"sync/atomic"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/httpparse"
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

// Session is one Engine.IO session. Its methods and fields are used only on
// its home loop, except where a comment says otherwise.
//
// Most sessions are idle websockets, so the struct holds only what one of
// them needs; polling and upgrade state lives in ps, allocated for sessions
// opened by polling only.
type Session struct {
	srv *Server
	hs  Handshake // and the id (see Handshake)
	ws  *Conn     // the websocket carrying the session
	ps  *pollState

	// eio is the protocol state: version, heartbeat, closed. Its times
	// are the Server's clock (see Server.nanos).
	eio engineio.Session
	tn  timerNode // and the home loop

	// Inbound order (order.go): tickets drawn on any loop, and the last
	// one whose event ran, on the home loop.
	issued atomic.Uint32
	served ticket

	onWS  atomic.Bool // the transport is WebSocket, readable from any goroutine
	jsonp bool        // the session polls with JSONP (see jsonp.go)

	// Data is the application's per-session state.
	Data any
}

// pollState is the state of a session opened by polling: its queue, the
// parked GET, the upgrade to websocket, and the last GET a closed session
// waits for.
type pollState struct {
	queue     []engineio.Packet // outbound, data owned by the session
	queued    int               // bytes in queue (see packetSize)
	poll      *Conn             // the parked GET, if any
	pollCORS  string
	probe     *Conn  // the websocket being probed during an upgrade
	jsonpIdx  string // JSONP polling: the callback index
	upgradeBy int64
	noopBy    int64 // upgrading: when a GET parked since the probe gets its noop (see onPoll)
	drainBy   int64 // draining: give up waiting then
	pollGen   exchange

	binaryOK    bool // v3 polling: the client accepts binary payloads
	flushPosted bool
	upgrading   bool
	draining    bool // closed, the queue (ending with a close packet) waits for a GET
	closeNext   bool // draining: the close packet follows in the answer after the queue's
	byClient    bool // draining: closed by the client, the noop awaits its GET (clientClose)
}

// ID is the session id. Safe from any goroutine.
func (s *Session) ID() string { return s.hs.id() }

// Loop is the home loop. Safe from any goroutine.
func (s *Session) Loop() int { return int(s.tn.loop) }

// Version is the Engine.IO protocol version, 3 or 4. Safe from any goroutine.
func (s *Session) Version() int { return s.eio.Version() }

// Handshake is the opening request. Safe from any goroutine; do not modify.
func (s *Session) Handshake() *Handshake { return &s.hs }

// Transport is the current transport name.
func (s *Session) Transport() string { return s.TransportName() }

// TransportName is the current transport name. Safe from any goroutine.
func (s *Session) TransportName() string {
	if s.onWS.Load() {
		return WebSocket
	}
	return Polling
}

// polling reports whether the transport is polling (not yet upgraded).
func (s *Session) polling() bool { return !s.onWS.Load() }

// JSONP reports whether the session polls with JSONP (its handshake had a j
// query parameter). Safe from any goroutine.
func (s *Session) JSONP() bool { return s.jsonp }

// Closed reports whether the session has ended.
func (s *Session) Closed() bool { return s.eio.Closed() }

// Post runs fn on the session's home loop. Safe from any goroutine.
func (s *Session) Post(fn func()) { s.srv.loops.Post(s.Loop(), fn) }

// newSession makes a session opened by request r from remote.
func newSession(srv *Server, loop, version int, transport string, r *httpparse.Request, remote string) *Session {
	s := &Session{
		srv: srv,
		hs:  newHandshake(newSID(), r, remote),
		eio: engineio.NewSession(&srv.eioCfg, version),
		tn:  timerNode{loop: int32(loop)},
	}
	if transport == Polling {
		s.ps = &pollState{}
	}
	s.onWS.Store(transport == WebSocket)
	return s
}

// openPacket appends the Engine.IO open packet text.
func (s *Session) openPacket(dst []byte) []byte {
	cfg := &s.srv.cfg
	var upgrades []string
	if s.polling() && cfg.WebSocket {
		upgrades = upgradeWS
	}
	return engineio.AppendOpen(dst, s.Version(), engineio.OpenInfo{
		SID:          s.ID(),
		Upgrades:     upgrades,
		PingInterval: cfg.PingInterval.Milliseconds(),
		PingTimeout:  cfg.PingTimeout.Milliseconds(),
		MaxPayload:   cfg.MaxPayload,
	})
}

var upgradeWS = []string{WebSocket}

// newSID draws a session id. The string does not escape (newHandshake
// copies it), so it stays on the stack.
func newSID() string {
	var id [engineio.SIDLen]byte
	return string(engineio.AppendSID(id[:0]))
}

// start arms the heartbeat (see engineio.Session.Open).
func (s *Session) start(now int64) {
	s.eio.Open(now)
	s.rearm()
}

// Send queues or writes one message packet. data is copied. On the home loop
// only; use Post from elsewhere.
func (s *Session) Send(data []byte, binary bool) {
	if s.eio.Closed() {
		return
	}
	s.sendPacket(engineio.Packet{Type: engineio.Message, Data: data, Binary: binary})
}

// SendText is Send for a text message made of two parts (often a type prefix
// and a body), which saves the caller a concatenation.
func (s *Session) SendText(prefix, data []byte) {
	if s.eio.Closed() {
		return
	}
	if s.ws != nil {
		s.writeWS(s.ws, engineio.Message, false, prefix, data)
		return
	}
	d := make([]byte, 0, len(prefix)+len(data))
	d = append(append(d, prefix...), data...)
	s.queuePacket(engineio.Packet{Type: engineio.Message, Data: d})
}

func (s *Session) sendPacket(p engineio.Packet) {
	if s.ws != nil {
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
	ps := s.ps
	if ps == nil {
		// A websocket session whose App.Open sends: the packets wait for
		// the open packet (see Conn.upgrade).
		ps = &pollState{}
		s.ps = ps
	}
	if ps.queued > 0 && ps.queued+packetSize(&p) > s.srv.cfg.MaxBuffered {
		if ps.poll == nil {
			s.clearQueue()
			s.Close(ReasonSlowConsumer)
			return
		}
		// A GET waits: the client keeps up, answer it now.
		s.flushPoll()
	}
	s.enqueue(p)
	if ps.poll != nil && !ps.flushPosted {
		ps.flushPosted = true
		s.srv.postFlush(s)
	}
}

// packetSize is what a queued packet counts towards MaxBuffered.
func packetSize(p *engineio.Packet) int { return 1 + len(p.Data) }

// enqueue adds p to the polling queue, unchecked. Polling sessions only.
func (s *Session) enqueue(p engineio.Packet) {
	ps := s.ps
	ps.queue = append(ps.queue, p)
	ps.queued += packetSize(&p)
}

// clearQueue empties the polling queue, keeping its array.
func (s *Session) clearQueue() {
	if ps := s.ps; ps != nil {
		clear(ps.queue)
		ps.queue = ps.queue[:0]
		ps.queued = 0
	}
}

// queueLen is the number of packets in the polling queue.
func (s *Session) queueLen() int {
	if s.ps == nil {
		return 0
	}
	return len(s.ps.queue)
}

// Buffered is the number of bytes waiting for the client: queued for
// polling, or, for a websocket served by the session's loop, in the
// connection's outbound buffer (a websocket on another loop counts 0).
func (s *Session) Buffered() int {
	if s.ws != nil {
		if s.ws.loop() != s.Loop() || s.ws.closing {
			return 0
		}
		return s.ws.io.Buffered()
	}
	if s.ps == nil {
		return 0
	}
	return s.ps.queued
}

// writeWS encodes one packet as a WebSocket frame and writes it to c. It
// reports false when c refused the frame as a slow consumer's, which has
// ended the session when c carried it.
func (s *Session) writeWS(c *Conn, t engineio.PacketType, binary bool, prefix, data []byte) bool {
	b := s.srv.buf(s.Loop())
	n := len(prefix) + len(data)
	if binary {
		if s.Version() < 4 {
			n++
		}
		b = frames.AppendFrameHeader(b, frames.OpBinary, true, n)
		if s.Version() < 4 {
			b = append(b, byte(t))
		}
	} else {
		n++
		b = frames.AppendFrameHeader(b, frames.OpText, true, n)
		b = append(b, '0'+byte(t))
	}
	b = append(append(b, prefix...), data...)
	ok := c.send(s.Loop(), b)
	s.srv.keep(s.Loop(), b)
	if !ok && c == s.ws {
		s.end(ReasonSlowConsumer)
	}
	return ok
}

// Close ends the session from the server side: queued packets are sent,
// the client is told, and App.Close runs with reason. On the home loop only.
func (s *Session) Close(reason string) {
	if s.eio.Closed() {
		return
	}
	if s.ws != nil {
		if s.writeWS(s.ws, engineio.Close, false, nil, nil) {
			s.ws.sendClose(s.Loop(), 1000)
		}
	} else if ps := s.ps; ps != nil && s.polling() {
		// Like Node, what is queued leaves first (the engine waits for its
		// buffer to drain before closing the transport), and the close
		// packet comes in a later answer: a client handles a close at once
		// but its Socket.IO packets a tick later, so a DISCONNECT sent with
		// the close would be lost ("transport close" instead of "io server
		// disconnect"). Without a GET waiting, the session stays reachable
		// for the client's next GETs (rather than "unknown sid", which
		// clients answer by reconnecting).
		if ps.poll != nil && len(ps.queue) > 0 {
			s.flushPoll()
		}
		if len(ps.queue) > 0 {
			ps.closeNext = true
			ps.draining = true
		} else if ps.poll != nil {
			s.enqueue(engineio.Packet{Type: engineio.Close})
			s.flushPoll()
		} else {
			s.enqueue(engineio.Packet{Type: engineio.Close})
			ps.draining = true
		}
	}
	s.end(reason)
}

// clientClose ends the session at the client's request (a close packet).
// Over polling, like Node, the client's GET is released with a noop rather
// than a close packet (or with what was queued for it): answered now when it is parked, or when it comes,
// for a GET sent before the close may be read after it on another
// connection (a close POST does not wait for the GET beside it). That GET
// is awaited for PingTimeout, the time the protocol gives a client to
// answer; a later one gets "unknown sid".
func (s *Session) clientClose() {
	if ps := s.ps; ps != nil && s.polling() {
		// What waits for the GET still goes (Node would have written it to
		// a parked GET already); a noop when nothing does.
		if len(ps.queue) == 0 {
			s.enqueue(engineio.Packet{Type: engineio.Noop})
		}
		if ps.poll != nil {
			s.flushPoll()
		} else {
			ps.draining, ps.byClient = true, true
			ps.closeNext = false
			ps.drainBy = s.srv.clock(s.Loop()) + int64(s.srv.cfg.PingTimeout)
		}
	}
	s.end(ReasonTransportClose)
}

// draining reports whether the session is closed and waits for a last GET.
func (s *Session) draining() bool { return s.ps != nil && s.ps.draining }

// stopDraining forgets a closed session that waited for a last GET.
func (s *Session) stopDraining() {
	ps := s.ps
	if ps == nil {
		return
	}
	if ps.draining {
		ps.draining = false
		s.srv.setDraining(s, false)
		ps.queue, ps.queued = nil, 0
		s.srv.unschedule(s.Loop(), s)
	}
	if ps.probe != nil {
		ps.probe.kill(s.Loop())
		ps.probe = nil
	}
}

// end releases everything and tells the application. It does not talk to the
// client.
func (s *Session) end(reason string) {
	if !s.eio.End() {
		return
	}
	if s.draining() {
		// Listed as draining before it leaves the registry, so that a
		// request read meanwhile on another loop finds it in one or the
		// other.
		s.srv.setDraining(s, true)
	}
	s.srv.unregister(s)
	s.srv.unschedule(s.Loop(), s)
	if ps := s.ps; ps != nil {
		if ps.poll != nil {
			s.clearQueue()
			s.enqueue(engineio.Packet{Type: engineio.Close})
			s.flushPoll()
		}
		if ps.probe != nil && !(ps.draining && ps.upgrading && !ps.byClient) {
			// A probe whose upgrade is under way is kept while a session
			// the server closed drains: see upgradeWhileDraining. One the
			// client closed has nothing left to say over it.
			ps.probe.kill(s.Loop())
			ps.probe = nil
		}
	}
	if s.ws != nil {
		// Like Node (the ws transport's close), tell the client with a
		// close frame, without a status code, before closing: after a ping
		// timeout or a close packet, say. A slow consumer's connection gets
		// none: it would only queue behind what the client does not read.
		if reason == ReasonSlowConsumer {
			s.ws.kill(s.Loop())
		} else {
			s.ws.sendClose(s.Loop(), 0)
		}
		s.ws = nil
	}
	if ps := s.ps; ps != nil {
		if ps.draining {
			cfg := &s.srv.cfg
			if ps.drainBy == 0 {
				ps.drainBy = s.srv.clock(s.Loop()) + int64(cfg.PingInterval+cfg.PingTimeout)
			}
			s.rearm()
		} else {
			ps.queue, ps.queued = nil, 0
		}
	}
	s.srv.app.Close(s, reason)
}

// receive handles one inbound packet from the session's current transport.
func (s *Session) receive(p engineio.Packet, now int64) {
	hb := s.eio.Deadline()
	in := s.eio.Receive(&p, now)
	if s.eio.Deadline() != hb {
		s.rearm()
	}
	switch in {
	case engineio.InputMessage:
		s.srv.app.Message(s, p.Data, p.Binary)
	case engineio.InputPing:
		s.sendPacket(engineio.Packet{Type: engineio.Pong, Data: p.Data})
	case engineio.InputClose:
		s.clientClose()
	case engineio.InputInvalid:
		s.Close(ReasonParseError)
	}
}

func (s *Session) node() *timerNode { return &s.tn }

// tick runs the session's deadlines due at due and schedules the next one.
// A late pass changes nothing: the pong deadline counts from when the ping
// was due, so that a silent client is dropped pingInterval+pingTimeout
// after its last pong (or the handshake), as the protocol says and the
// official suite checks to the millisecond; if that has passed too, the
// pass runs the session again at once, due at its pong deadline.
func (s *Session) tick(due int64) {
	ps := s.ps
	if s.eio.Closed() {
		if ps != nil && ps.draining {
			if due >= ps.drainBy {
				s.stopDraining()
			} else {
				s.rearm()
			}
		}
		return
	}
	for d := s.eio.Tick(due); d != engineio.DueNothing; d = s.eio.Tick(due) {
		switch d {
		case engineio.DuePing:
			s.sendPacket(engineio.Packet{Type: engineio.Ping})
		case engineio.DuePingTimeout:
			s.end(ReasonPingTimeout)
		}
		if s.eio.Closed() {
			return // timed out, or a slow consumer
		}
	}
	if ps != nil && ps.noopBy != 0 && due >= ps.noopBy {
		ps.noopBy = 0
		if ps.upgrading && ps.poll != nil && len(ps.queue) == 0 {
			s.enqueue(engineio.Packet{Type: engineio.Noop})
			s.flushPoll()
		}
	}
	if ps != nil && ps.probe != nil && due >= ps.upgradeBy {
		ps.probe.kill(s.Loop())
		ps.probe = nil
		ps.upgrading = false
		ps.noopBy = 0
	}
	s.rearm()
}

// runDue runs the session's deadlines that have passed, before a request is
// handled: a request read after a deadline then finds its effect (a client
// silent for pingInterval+pingTimeout finds its session gone), whichever
// the loop runs first, the request or the timer pass posted to it (gnet
// runs a turn's I/O before the tasks posted to the loop; Node runs its
// timers first).
func (s *Session) runDue() {
	now := s.srv.now()
	for at := s.deadline(); at != 0 && at <= now; {
		s.tick(at)
		next := s.deadline()
		if next == at {
			return
		}
		at = next
	}
}

// rearm queues the session in its loop's timer heap for its next deadline
// exactly (earlier or later than the one queued), or takes it out when it
// has none. A session is queued once, and woken only when something is due.
func (s *Session) rearm() {
	if next := s.deadline(); next != 0 {
		s.srv.timers[s.Loop()].set(s, next)
	} else {
		s.srv.unschedule(s.Loop(), s)
	}
}

// deadline is the session's next deadline, 0 if none: the heartbeat's and
// the upgrade's while it lives, the wait for a last GET once closed.
func (s *Session) deadline() int64 {
	ps := s.ps
	if s.eio.Closed() {
		if ps != nil && ps.draining {
			return ps.drainBy
		}
		return 0
	}
	next := int64(0)
	for _, t := range [...]int64{s.eio.Deadline(), s.upgradeByIfProbing(), s.noopByIfPolling()} {
		if t != 0 && (next == 0 || t < next) {
			next = t
		}
	}
	return next
}

func (s *Session) noopByIfPolling() int64 {
	if s.ps == nil {
		return 0
	}
	return s.ps.noopBy
}

func (s *Session) upgradeByIfProbing() int64 {
	if s.ps == nil || s.ps.probe == nil {
		return 0
	}
	return s.ps.upgradeBy
}
