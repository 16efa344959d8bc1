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

// Session is one Engine.IO session: the connections that carry it, driving
// its protocol state (engineio.Session). Its methods and fields are used
// only on its home loop, except where a comment says otherwise.
//
// Most sessions are idle websockets, so the struct holds only what one of
// them needs (96 bytes, see TestSessionSize); the connections of polling and
// of an upgrade live in a pollState, allocated for sessions opened by
// polling only, with the protocol's polling state (see ps).
type Session struct {
	srv *Server
	hs  Handshake // and the id (see Handshake)
	ws  *Conn     // the websocket carrying the session

	// eio is the protocol state: version, transport, heartbeat, polling
	// queue, upgrade, end. Its times are the Server's clock (see
	// Server.nanos). It holds the pollState with its own polling state.
	eio engineio.Session[pollState]
	tn  timerNode // and the home loop

	// Inbound order (order.go): tickets drawn on any loop, and the last
	// one whose event ran, on the home loop.
	issued atomic.Uint32
	served ticket

	// Data is the application's per-session state.
	Data any
}

// pollState holds the connections of a session opened by polling: the
// parked GET and the websocket probing an upgrade. It lives with
// engineio.Session's polling state (engineio.Session.Polling): from the
// handshake until the upgrade is over.
type pollState struct {
	poll     *Conn // the parked GET, if any (engineio.Session knows it is)
	pollCORS string
	probe    *Conn  // the websocket being probed during an upgrade
	jsonpIdx string // JSONP polling: the callback index
	pollGen  exchange
	// pollCoding is the coding the parked GET allows for its answer.
	pollCoding contentCoding

	flushPosted bool
}

// ps is the polling side's connections, nil once the session has none:
// opened on websocket, or upgraded.
func (s *Session) ps() *pollState { return s.eio.Polling() }

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
	if s.eio.WebSocket() {
		return WebSocket
	}
	return Polling
}

// polling reports whether the transport is polling (not yet upgraded).
func (s *Session) polling() bool { return !s.eio.WebSocket() }

// JSONP reports whether the session polls with JSONP (its handshake had a j
// query parameter). Safe from any goroutine.
func (s *Session) JSONP() bool { return s.eio.JSONP() }

// Closed reports whether the session has ended.
func (s *Session) Closed() bool { return s.eio.Closed() }

// Post runs fn on the session's home loop. Safe from any goroutine.
func (s *Session) Post(fn func()) { s.srv.loops.Post(s.Loop(), fn) }

// newSession makes a session opened by request r from remote.
func newSession(srv *Server, loop, version int, transport string, r *httpparse.Request, remote string) *Session {
	s := &Session{
		srv: srv,
		hs:  newHandshake(newSID(), r, remote, srv.loops.Now().UnixMilli()),
		tn:  timerNode{loop: int32(loop)},
	}
	s.eio.Init(version, transport == WebSocket)
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
	s.eio.Open(&s.srv.eioCfg, now)
	s.rearm()
}

// Send queues or writes one message packet and reports what it did (a
// send that cuts a slow consumer reports SendCut; a websocket served by
// another loop, whose cut is known there only, SendQueued). data is
// copied. On the home loop only; use Post from elsewhere.
func (s *Session) Send(data []byte, binary bool) SendResult {
	if s.eio.Closed() {
		return SendClosed
	}
	s.srv.countOut(s.Loop(), len(data))
	return s.sendPacket(engineio.Packet{Type: engineio.Message, Data: data, Binary: binary})
}

// sendResult is what a write that reported ok (false: the session was cut
// as a slow consumer) did.
func sendResult(ok bool) SendResult {
	if ok {
		return SendQueued
	}
	return SendCut
}

// SendUncompressed is Send for a message never compressed with
// permessage-deflate (an emit with Compress(false)). Send compresses a
// message when the websocket agreed to it and the message reaches
// DeflateConfig.Threshold, as Node's engine.io does by default.
func (s *Session) SendUncompressed(data []byte, binary bool) SendResult {
	if s.eio.Closed() {
		return SendClosed
	}
	s.srv.countOut(s.Loop(), len(data))
	if s.ws != nil {
		return sendResult(s.writeWSFrame(s.ws, engineio.Message, binary, false, nil, data))
	}
	return s.sendPacket(engineio.Packet{Type: engineio.Message, Data: data, Binary: binary, NoCompress: true})
}

// SendText is Send for a text message made of two parts (often a type prefix
// and a body), which saves the caller a concatenation.
func (s *Session) SendText(prefix, data []byte) SendResult {
	if s.eio.Closed() {
		return SendClosed
	}
	s.srv.countOut(s.Loop(), len(prefix)+len(data))
	if s.ws != nil {
		return sendResult(s.writeWS(s.ws, engineio.Message, false, prefix, data))
	}
	d := make([]byte, 0, len(prefix)+len(data))
	d = append(append(d, prefix...), data...)
	return s.queuePacket(engineio.Packet{Type: engineio.Message, Data: d})
}

func (s *Session) sendPacket(p engineio.Packet) SendResult {
	if s.ws != nil {
		return sendResult(s.writeWS(s.ws, p.Type, p.Binary, nil, p.Data))
	}
	p.Data = append([]byte(nil), p.Data...)
	return s.queuePacket(p)
}

// queuePacket adds an owned packet to the polling queue and arranges a flush
// at the end of this loop turn, so that sends made together leave together.
//
// A client that does not poll while more than MaxBuffered bytes would wait
// for it is a slow consumer: what waits is dropped and the session closed,
// the client being told at its next GET, if any.
func (s *Session) queuePacket(p engineio.Packet) SendResult {
	switch s.eio.Queue(&s.srv.eioCfg, p) {
	case engineio.QueueOverflow:
		s.Close(ReasonSlowConsumer)
		return SendCut
	case engineio.QueueAnswerFirst:
		// A GET waits: the client keeps up, answer it now.
		s.flushPoll()
		return s.queuePacket(p)
	case engineio.QueueWaiting:
		if ps := s.ps(); !ps.flushPosted {
			ps.flushPosted = true
			s.srv.postFlush(s)
		}
	}
	return SendQueued
}

// Buffered is the number of bytes held for the client: queued for
// polling, or, for a websocket served by the session's loop, what its
// connection holds for output (its outbox and its edge's buffer, see
// outbox.go; a websocket on another loop counts 0).
func (s *Session) Buffered() int {
	if s.ws != nil {
		if s.ws.loop() != s.Loop() || s.ws.closing {
			return 0
		}
		return s.ws.held()
	}
	return s.eio.Buffered()
}

// writeWS encodes one packet as a WebSocket frame and writes it to c. It
// reports false when c refused the frame as a slow consumer's, which has
// ended the session when c carried it.
func (s *Session) writeWS(c *Conn, t engineio.PacketType, binary bool, prefix, data []byte) bool {
	return s.writeWSFrame(c, t, binary, true, prefix, data)
}

// writeWSFrame is writeWS, with compress telling whether the frame may be
// compressed (permessage-deflate, when c agreed to it).
func (s *Session) writeWSFrame(c *Conn, t engineio.PacketType, binary, compress bool, prefix, data []byte) bool {
	b := s.srv.appendWSFrame(s.Loop(), s.srv.frameBuf(s.Loop()), c, s.Version(), t, binary, compress, prefix, data)
	ok := c.send(s.Loop(), b)
	s.srv.keepFrameBuf(s.Loop(), b)
	if !ok && c == s.ws {
		s.end(ReasonSlowConsumer)
	}
	return ok
}

// Close ends the session from the server side: queued packets are sent,
// the client is told, and App.Close runs with reason (see
// engineio.Session.ClosePolling). On the home loop only.
func (s *Session) Close(reason string) {
	if s.eio.Closed() {
		return
	}
	if c := s.ws; c != nil {
		// The write may end the session: an edge closes a connection whose
		// write fails and tells the machine within the write (OnClose), which
		// clears s.ws. c then ignores the close frame.
		if s.writeWS(c, engineio.Close, false, nil, nil) {
			c.sendClose(s.Loop(), frames.StatusNormalClosure)
		}
	} else if s.ps() != nil {
		if s.eio.Answerable() {
			s.flushPoll()
		}
		if s.eio.ClosePolling() {
			s.flushPoll()
		}
	}
	s.end(reason)
}

// clientClose ends the session at the client's request (a close packet);
// see engineio.Session.ClientClosePolling.
func (s *Session) clientClose() {
	if s.ps() != nil && s.eio.ClientClosePolling(&s.srv.eioCfg, s.srv.clock(s.Loop())) {
		s.flushPoll()
	}
	s.end(ReasonTransportClose)
}

// draining reports whether the session is closed and waits for a last GET.
func (s *Session) draining() bool { return s.eio.Draining() }

// stopDraining forgets a closed session that waited for a last GET.
func (s *Session) stopDraining() {
	wasDraining, dropProbe := s.eio.StopDraining()
	if wasDraining {
		s.srv.setDraining(s, false)
		s.srv.unschedule(s.Loop(), s)
	}
	if dropProbe {
		s.dropProbe()
	}
}

// dropProbe closes the websocket probing an upgrade.
func (s *Session) dropProbe() {
	if ps := s.ps(); ps != nil && ps.probe != nil {
		ps.probe.kill(s.Loop())
		ps.probe = nil
	}
}

// end releases everything and tells the application. It does not talk to the
// client.
func (s *Session) end(reason string) {
	what, ok := s.eio.End(&s.srv.eioCfg, s.srv.clock(s.Loop()))
	if !ok {
		return
	}
	s.srv.countEnded(s.Loop(), kindOf(s.eio.WebSocket()), reason)
	if what&engineio.EndedDraining != 0 {
		// Listed as draining before it leaves the registry, so that a
		// request read meanwhile on another loop finds it in one or the
		// other.
		s.srv.setDraining(s, true)
	}
	s.srv.unregister(s)
	s.srv.unschedule(s.Loop(), s)
	s.srv.releaseAdmission(s.hs.RemoteAddr())
	if what&engineio.EndedAnswer != 0 {
		s.flushPoll()
	}
	if what&engineio.EndedDropProbe != 0 {
		s.dropProbe()
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
	if what&engineio.EndedDraining != 0 {
		s.rearm()
	}
	s.srv.app.Close(s, reason)
}

// receive handles one inbound packet from the session's current transport.
func (s *Session) receive(p engineio.Packet, now int64) {
	hb := s.eio.Deadline()
	in := s.eio.Receive(&s.srv.eioCfg, &p, now)
	if s.eio.Deadline() != hb {
		s.rearm()
	}
	switch in {
	case engineio.InputMessage:
		s.srv.countIn(s.Loop(), len(p.Data))
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

// tick runs the session's deadlines due at due (see engineio.Session.Tick)
// and schedules the next one.
func (s *Session) tick(due int64) {
	cfg := &s.srv.eioCfg
	for d := s.eio.Tick(cfg, due); d != engineio.DueNothing; d = s.eio.Tick(cfg, due) {
		switch d {
		case engineio.DuePing:
			s.sendPacket(engineio.Packet{Type: engineio.Ping})
		case engineio.DuePingTimeout:
			s.end(ReasonPingTimeout)
		case engineio.DueAnswer:
			s.flushPoll()
		case engineio.DueProbeExpired:
			s.dropProbe()
		case engineio.DueDrainOver:
			s.stopDraining()
			return
		}
		if s.eio.Closed() {
			return // timed out, or a slow consumer
		}
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

// deadline is the session's next deadline, 0 if none.
func (s *Session) deadline() int64 { return s.eio.Deadline() }
