package transports

import (
	"errors"
	"strconv"

	"github.com/tornadio/tornadio/flash"
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/legacy"
)

// The legacy road, connection side: routing, the policy sniff, handshakes
// and the decoding of legacy streams. Each rule follows socket.io-node
// 0.6.18 (N in docs/legacy-0.6.md) unless its comment says why not. The places
// where tornadio's bytes differ from N on purpose:
//
//   - Headers. Answers carry Content-Length (N's POST answers were chunked,
//     having none) and no Date header. The Connection field says what the
//     server does next, as on the modern road (answer.go): none on HTTP/1.1
//     answers after which the connection stays open (Node's http module
//     added "Connection: keep-alive"), "Connection: close" on those after
//     which it closes, the xhr-multipart and htmlfile stream heads among
//     them (N wrote "Connection: keep-alive" there, though those streams
//     only end with their connection), "Connection: keep-alive" to an
//     HTTP/1.0 client that asked for it. Header names and order otherwise
//     follow N.
//   - Refusals N leaves hanging are answered: a legacy path with a method
//     other than GET and POST gets 405; a POST that opens no session, a
//     POST to a websocket or flashsocket session, a plain GET (no upgrade)
//     of the websocket path, a stream GET naming a session id (a second
//     stream, or a reconnection, which is not offered) and any request for
//     a session of another transport (decision 4) get 400; the session
//     goes on. A POST whose data field is not well-formed ~m~ framing gets
//     400 and nothing reaches the application (N silently kept the frames
//     before the break); the session goes on. A second polling GET while
//     one is held gets 400; the held one stays (N orphaned the first).
//   - LegacyOpen runs before the first answer is written, so what it sends
//     goes in that answer, right after the session id (N emitted
//     "connection" after writing the first payload: on polling such
//     messages came with the next poll). A session refused by LegacyOpen
//     gets 403 (N has no such hook).
//   - Websocket: RFC 6455 is accepted too (decision 2); "Upgrade:
//     WebSocket" is compared without regard to case for all three
//     protocols. Hixie refusals (origin, bad keys, a key1 without key2)
//     close the connection without an answer, as N does; RFC 6455 ones are
//     answered 400/403/426, an RFC 6455 handshake over HTTP/1.0 or with two
//     Sec-WebSocket-Key fields among them (400, RFC 6455 §4.2.1, §11.3.1).
//     The hixie drafts predate those rules: their handshakes are taken over
//     HTTP/1.0 as N took them. A hixie-76 key3 that does not come within
//     IdleTimeout closes the connection.
//   - When a session ends, its stream is closed (htmlfile with the last
//     chunk, hixie-76 with 0xFF 0x00, RFC 6455 with a close frame 1000)
//     and a held poll is answered with what was queued and
//     "Connection: close"; N left them open. Messages queued while no poll
//     is held are then lost, as in N.
//   - Polling: messages sent while a GET is held leave together at the end
//     of the loop turn (N answered the GET with the first one).
//   - Flash policy: the answer is the policy and NUL (decision 1); a
//     request split across reads is recognised.

// policySniff says whether a connection's first bytes are checked for the
// Flash policy request.
type policySniff uint8

const (
	sniffNone       policySniff = iota
	sniffInline                 // main port: a policy request, or else HTTP
	sniffPolicyPort             // policy listener: a policy request, or else close
)

// sniffPolicy looks at the first bytes of a connection. wait reports that
// they may still become a policy request. Otherwise, unless the connection
// was answered and closed, the sniff is over and HTTP parsing goes on.
func (c *Conn) sniffPolicy(p []byte) (n int, wait bool) {
	complete, maybe := flash.IsPolicyRequest(p)
	switch {
	case complete:
		c.emit(c.srv.leg.policy)
		c.close()
		return len(p), false
	case maybe:
		return 0, true
	case c.sniff == sniffPolicyPort:
		c.close()
		return len(p), false
	}
	c.sniff = sniffNone
	return 0, false
}

type streamKind uint8

const (
	streamNone streamKind = iota
	streamMultipart
	streamHTMLFile
	streamHixie75
	streamHixie76
	streamRFC6455
)

// legacyConn is the legacy road state of one connection.
type legacyConn struct {
	// The session this connection carries (streams and websockets).
	sess *LegacySession
	kind streamKind
	// hixie-76 before key3.
	awaitKey3  bool
	key1, key2 []byte
	keyTimer   *Timer
	hdec       frames.HixieDecoder

	// The session of the last polling GET, for OnClose.
	poll    *LegacySession
	pollGen exchange
}

// pollInfo is what the answer to a polling GET needs from its request,
// owned by the session.
type pollInfo struct {
	cors    []byte // CORS header lines (xhr-polling)
	index   string // jsonp-polling: the io.JSONP index
	jsonpOK bool   // jsonp-polling: the Origin is allowed
}

// legacy is c's legacy road state, nil if c has taken no legacy request.
// It lives in the loop's map (loopState.legacy) rather than in Conn, where
// it would cost every idle connection a word.
func (c *Conn) legacy() *legacyConn { return c.srv.loopState[c.loop()].legacy[c] }

// legacyState is c's legacy road state, made on its first legacy request;
// OnClose drops it.
func (c *Conn) legacyState() *legacyConn {
	if l := c.legacy(); l != nil {
		return l
	}
	ls := &c.srv.loopState[c.loop()]
	if ls.legacy == nil {
		ls.legacy = make(map[*Conn]*legacyConn)
	}
	l := &legacyConn{}
	ls.legacy[c] = l
	return l
}

// legacyRequest routes c.req to the legacy road, and reports false when it
// is not a legacy request (see legacy.go).
func (c *Conn) legacyRequest() bool {
	r := c.req()
	l := &c.srv.leg
	rt, ok := legacy.ParsePath(r.Path, l.resource)
	if !ok || !l.enabled[rt.Transport] {
		return false
	}
	t := rt.Transport
	origin := r.Header("Origin")
	method := string(r.Method)
	if t == legacy.XHRMultipart && r.Header("Access-Control-Request-Method") != nil {
		// N's preflight: any request carrying the header, sid or not.
		cors := legacy.MultipartCORS(&l.origins, origin, r.Header("Access-Control-Request-Method"), true)
		c.reply(appendLegacyResponse(nil, 200, "", cors.AppendHeaders(nil), okBody))
		return true
	}
	websocket := t == legacy.WebSocket || t == legacy.FlashSocket
	if method != "GET" && method != "POST" {
		c.legacyError(405)
		return true
	}
	if len(rt.SessionID) == 0 {
		switch {
		case websocket:
			c.legacyWebSocket(&rt)
		case method != "GET":
			c.legacyError(400)
		case t.Polling():
			c.legacyOpenPoll(&rt)
		default:
			c.legacyOpenStream(&rt)
		}
		return true
	}
	s := c.srv.LookupLegacy(string(rt.SessionID))
	switch {
	case s == nil:
		// N: "Couldnt find client with session id", the connection is
		// closed without an answer.
		c.close()
	case s.transport != t:
		c.legacyError(400) // decision 4
	case method == "POST" && !websocket:
		c.legacyPost(s)
	case method == "GET" && t.Polling():
		c.legacyPoll(s, &rt)
	default:
		c.legacyError(400) // a second stream, or a POST to a websocket
	}
	return true
}

// legacyError answers the request with status and a text body.
func (c *Conn) legacyError(status int) {
	c.countLegacyError(status)
	body := httpparse.StatusText(status)
	c.reply(appendResponse(nil, status, "text/plain; charset=utf-8", "", []byte(body)))
}

// appendLegacyResponse appends a whole answer: status line, Content-Type
// when ctype is not empty, Content-Length, the header lines in hdr, body.
func appendLegacyResponse(dst []byte, status int, ctype string, hdr, body []byte) []byte {
	dst = appendLegacyStatus(dst, status)
	if ctype != "" {
		dst = httpparse.AppendHeader(dst, "Content-Type", ctype)
	}
	dst = httpparse.AppendHeaderInt(dst, "Content-Length", int64(len(body)))
	dst = append(dst, hdr...)
	dst = append(dst, "\r\n"...)
	return append(dst, body...)
}

func appendLegacyStatus(dst []byte, status int) []byte {
	if status == 401 {
		return append(dst, "HTTP/1.1 401 Unauthorized\r\n"...)
	}
	return httpparse.AppendStatusLine(dst, status)
}

// copyHandshake copies what the current request carried.
func (c *Conn) copyHandshake() Handshake {
	return newHandshake("", c.req(), c.remoteAddr(), c.srv.loops.Now().UnixMilli())
}

// newLegacySession makes, registers and opens a session of rt's transport
// homed on c's loop, once admission (Config.HandshakeLimit) and the
// application let it: the error is a Refusal, or another refusal.
func (c *Conn) newLegacySession(rt *legacy.Route) (*LegacySession, error) {
	l := &c.srv.leg
	remote := c.remoteAddr()
	if refusal, ok := c.srv.adm.admit(remote, c.srv.now()); !ok {
		return nil, refusal
	}
	m, err := legacy.New(rt.Transport, &l.opts)
	if err != nil {
		c.srv.releaseAdmission(remote)
		return nil, err
	}
	s := &LegacySession{
		srv:       c.srv,
		loop:      c.loop(),
		transport: rt.Transport,
		extra:     string(rt.Extra),
		hs:        c.copyHandshake(),
		m:         m,
	}
	if !c.srv.registerLegacy(s) {
		c.srv.releaseAdmission(remote)
		return nil, errNoLegacyID
	}
	if err := l.app.LegacyOpen(s); err != nil {
		s.closed = true
		c.srv.unregisterLegacy(s)
		c.srv.releaseAdmission(remote)
		return nil, err
	}
	c.srv.countOpened(c.loop(), legacyKind(rt.Transport))
	return s, nil
}

// errNoLegacyID: no free session id could be drawn.
var errNoLegacyID = errors.New("transports: no free legacy session id")

// refuseLegacyOpen answers a legacy handshake refused with err (see
// newLegacySession): a Refusal as such, anything else with forbidden.
func (c *Conn) refuseLegacyOpen(err error, forbidden func()) {
	var r Refusal
	if errors.As(err, &r) {
		c.refuseHandshake(r, "", true)
		return
	}
	forbidden() // counted where it answers (legacyError, the websocket's refuse)
}

// pollInfo gathers what the answer to the current polling GET needs.
func (c *Conn) pollInfo(t legacy.Transport, rt *legacy.Route) pollInfo {
	r := c.req()
	l := &c.srv.leg
	origin := r.Header("Origin")
	if t == legacy.JSONPPolling {
		return pollInfo{index: string(rt.Index), jsonpOK: legacy.JSONPAllowed(&l.origins, origin)}
	}
	cors := legacy.PollingAnswerCORS(&l.origins, origin, r.Header("Cookie") != nil)
	return pollInfo{cors: cors.AppendHeaders(nil)}
}

// legacyOpenPoll opens a polling session: the GET is answered at once with
// the session id.
func (c *Conn) legacyOpenPoll(rt *legacy.Route) {
	if rt.Transport == legacy.JSONPPolling && rt.Index == nil {
		c.legacyError(400) // N: req.url.match(...) is null and throws
		return
	}
	s, err := c.newLegacySession(rt)
	if err != nil {
		c.refuseLegacyOpen(err, func() { c.legacyError(403) })
		return
	}
	info := c.pollInfo(rt.Transport, rt)
	c.busy = true
	l := c.legacyState()
	l.poll, l.pollGen = s, c.gen
	s.onPoll(c, c.gen, info)
}

// legacyPoll hands a polling GET to its session's loop.
func (c *Conn) legacyPoll(s *LegacySession, rt *legacy.Route) {
	if s.transport == legacy.JSONPPolling && rt.Index == nil {
		c.legacyError(400)
		return
	}
	info := c.pollInfo(s.transport, rt)
	c.busy = true
	gen := c.gen
	l := c.legacyState()
	l.poll, l.pollGen = s, gen
	c.onLegacyLoop(s, func() { s.onPoll(c, gen, info) })
}

// legacyPost hands a POST of messages to its session's loop.
func (c *Conn) legacyPost(s *LegacySession) {
	r := c.req()
	l := &c.srv.leg
	origin := r.Header("Origin")
	var hdr []byte
	switch s.transport {
	case legacy.XHRPolling, legacy.JSONPPolling:
		cors, ok := legacy.PollingPostCORS(&l.origins, origin, r.Header("Cookie") != nil)
		if !ok {
			c.reply(appendLegacyResponse(nil, 401, "", nil, []byte(legacy.BodyUnauthorized)))
			return
		}
		hdr = cors.AppendHeaders(nil)
	case legacy.XHRMultipart:
		hdr = legacy.MultipartCORS(&l.origins, origin, nil, false).AppendHeaders(nil)
	}
	body := r.Body
	if s.loop != c.loop() {
		body = append([]byte(nil), body...)
	}
	c.busy = true
	gen := c.gen
	c.onLegacyLoop(s, func() { s.onPost(c, gen, body, hdr) })
}

// onLegacyLoop runs fn on s's home loop: now when it is this loop.
func (c *Conn) onLegacyLoop(s *LegacySession, fn func()) {
	if s.loop == c.loop() {
		fn()
		return
	}
	c.srv.loops.Post(s.loop, fn)
}

// legacyOpenStream opens an xhr-multipart or htmlfile session: the answer
// never ends, each write being a part or a chunk.
func (c *Conn) legacyOpenStream(rt *legacy.Route) {
	l := &c.srv.leg
	s, err := c.newLegacySession(rt)
	if err != nil {
		c.refuseLegacyOpen(err, func() { c.legacyError(403) })
		return
	}
	var b []byte
	kind := streamHTMLFile
	if rt.Transport == legacy.XHRMultipart {
		kind = streamMultipart
		// N's order: the CORS headers, Content-Type, Connection; neither
		// chunked nor a length, the body runs until the connection ends.
		b = appendLegacyStatus(b, 200)
		b = legacy.MultipartCORS(&l.origins, c.req().Header("Origin"), nil, false).AppendHeaders(b)
		b = httpparse.AppendHeader(b, "Content-Type", legacy.ContentTypeMultipart)
		b = append(b, "\r\n"...)
		b = append(b, legacy.MultipartPreamble...)
	} else {
		b = appendLegacyStatus(b, 200)
		b = httpparse.AppendHeader(b, "Content-Type", legacy.ContentTypeHTMLFile)
		b = append(b, "Transfer-Encoding: chunked\r\n\r\n"...)
		b = appendChunk(b, []byte(legacy.HTMLFilePreamble))
	}
	// The stream ends only with the connection: its head says so.
	c.persist = closeAfter
	c.writeAnswer(b)
	c.attachStream(s, kind)
	s.connectStream()
}

// attachStream makes c carry s from now on.
func (c *Conn) attachStream(s *LegacySession, kind streamKind) {
	l := c.legacyState()
	c.mode = modeLegacy
	l.sess, l.kind = s, kind
	s.stream, s.kind = c, kind
}

// appendChunk appends data as one HTTP chunk (lower-case hex size, as
// Node writes it).
func appendChunk(dst, data []byte) []byte {
	dst = strconv.AppendInt(dst, int64(len(data)), 16)
	dst = append(dst, "\r\n"...)
	dst = append(dst, data...)
	return append(dst, "\r\n"...)
}

// legacyWebSocket answers the opening handshake of the websocket and
// flashsocket transports: RFC 6455 when Sec-WebSocket-Key is present,
// hixie-76 with Sec-WebSocket-Key1 and -Key2, hixie-75 with neither.
func (c *Conn) legacyWebSocket(rt *legacy.Route) {
	r := c.req()
	l := &c.srv.leg
	if string(r.Method) != "GET" || !r.Upgrade || !equalFold(string(r.Header("Upgrade")), "websocket") {
		c.legacyError(400)
		return
	}
	origin := r.Header("Origin")
	key := r.Header("Sec-WebSocket-Key")
	key1, key2 := r.Header("Sec-WebSocket-Key1"), r.Header("Sec-WebSocket-Key2")
	kind := streamHixie75
	switch {
	case key != nil:
		kind = streamRFC6455
	case key1 != nil || key2 != nil:
		kind = streamHixie76
	}
	refuse := func(status int) {
		c.srv.countRefused(c.loop(), refusalOf(status))
		if kind != streamRFC6455 {
			c.close() // N answers nothing
			return
		}
		c.refuseUpgrade(status)
	}
	switch kind {
	case streamRFC6455:
		// Over HTTP/1.0 or with a repeated key too. The hixie drafts
		// predate both rules and are left as N took them.
		if status := checkUpgrade(r, key); status != 0 {
			refuse(status)
			return
		}
	case streamHixie76:
		if key1 == nil || key2 == nil {
			refuse(400)
			return
		}
		if _, err := frames.Hixie76Answer(key1, key2, [8]byte{}); err != nil {
			refuse(400)
			return
		}
	}
	if !l.origins.Allowed(origin) {
		refuse(403)
		return
	}
	s, err := c.newLegacySession(rt)
	if err != nil {
		c.refuseLegacyOpen(err, func() { refuse(403) })
		return
	}
	var b []byte
	switch kind {
	case streamRFC6455:
		b = frames.AppendUpgradeResponse(b, key)
	case streamHixie76:
		loc := frames.AppendHixieLocation(nil, false, r.Header("Host"), r.Target)
		b = frames.AppendHixie76Response(b, origin, loc, r.Header("Sec-WebSocket-Protocol"))
	default:
		loc := frames.AppendHixieLocation(nil, false, r.Header("Host"), r.Target)
		b = frames.AppendHixie75Response(b, origin, loc)
	}
	c.emit(b)
	c.attachStream(s, kind)
	lc := c.legacyState()
	lc.hdec = frames.HixieDecoder{MaxMessageSize: l.maxPayload}
	if kind == streamHixie76 {
		// N sends the header block at once and the answer once the 8 bytes
		// of key3 have come (they may follow the request in the same read).
		lc.awaitKey3 = true
		lc.key1 = append([]byte(nil), key1...)
		lc.key2 = append([]byte(nil), key2...)
		lc.keyTimer = c.srv.AfterFunc(c.loop(), c.srv.cfg.IdleTimeout, func() {
			if lc.awaitKey3 {
				c.close()
			}
		})
		return
	}
	s.connectStream()
}

// legacyFeed consumes the bytes of a connection in modeLegacy; 0 means it
// needs more.
func (c *Conn) legacyFeed(p []byte) int {
	l := c.legacy()
	switch l.kind {
	case streamHixie75, streamHixie76:
		if l.awaitKey3 {
			if len(p) < 8 {
				return 0
			}
			var key3 [8]byte
			copy(key3[:], p)
			l.awaitKey3 = false
			l.keyTimer.Stop()
			answer, _ := frames.Hixie76Answer(l.key1, l.key2, key3) // checked at the request
			c.emit(answer[:])
			l.sess.connectStream()
			return 8
		}
		m, n, err := l.hdec.Next(p)
		if errors.Is(err, frames.ErrNeedMore) {
			return 0
		}
		if err != nil {
			c.failure = failTransport
			c.close()
			return len(p)
		}
		if m.Op == frames.OpClose {
			c.emit([]byte(frames.HixieCloseFrame))
			c.close()
			return len(p)
		}
		c.legacyData(m.Payload)
		return n
	case streamRFC6455:
		m, n, err := c.decode(p, c.srv.leg.maxPayload)
		if errors.Is(err, frames.ErrNeedMore) {
			return 0
		}
		if err != nil {
			c.failure = failTransport
			c.sendClose(c.loop(), frames.CloseCodeOf(err))
			return len(p)
		}
		switch m.Op {
		case frames.OpPing:
			var b [140]byte
			c.emit(frames.AppendFrame(b[:0], frames.OpPong, m.Payload))
		case frames.OpClose:
			code := m.CloseCode
			if code == frames.StatusNoStatusRcvd {
				code = frames.StatusNormalClosure
			}
			c.sendClose(c.loop(), code)
		case frames.OpText:
			c.legacyData(m.Payload)
		case frames.OpBinary:
			c.failure = failParse
			c.sendClose(c.loop(), frames.StatusUnsupportedData)
		}
		return n
	}
	// xhr-multipart and htmlfile: the request's connection carries only the
	// stream; anything the client sends on it is ignored.
	return len(p)
}

// legacyData hands the frames of one websocket message to the session.
func (c *Conn) legacyData(data []byte) {
	s := c.legacy().sess
	if s.loop == c.loop() {
		s.onStreamData(c, data)
		return
	}
	data = append([]byte(nil), data...)
	c.srv.loops.Post(s.loop, func() { s.onStreamData(c, data) })
}

// awaitingKey3 reports whether c is a hixie-76 stream that has not had its
// key3 yet, so has not answered the handshake.
func (c *Conn) awaitingKey3() bool {
	l := c.legacy()
	return l != nil && l.awaitKey3
}

// legacyGone tells the sessions that c, whose legacy road state l is,
// closed.
func (c *Conn) legacyGone(l *legacyConn) {
	if s := l.poll; s != nil {
		l.poll = nil
		gen := l.pollGen
		c.onLegacyLoop(s, func() { s.pollGone(c, gen) })
	}
	if s := l.sess; s != nil {
		l.sess = nil
		reason := c.failure.reason("")
		c.onLegacyLoop(s, func() { s.streamGone(c, reason) })
	}
	if l.keyTimer != nil {
		l.keyTimer.Stop()
	}
}
