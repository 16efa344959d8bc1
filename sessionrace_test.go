package tornadio_test

// Races between the connections of one Engine.IO session. The server runs 4
// event loops and the client keeps 4 keep-alive connections, dialed one
// after the other so that gnet's round-robin puts them on different loops;
// each iteration opens its session on one of them and races requests on the
// others (and on fresh websocket connections), so the session's home loop
// and the loops of the racing requests differ. Every iteration checks the
// outcome the protocol allows: each HTTP request gets exactly one valid
// response, messages reach the handler in order exactly once, OnDisconnect
// runs exactly once with the expected reason and SessionCount returns to 0.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

const (
	tcRaceIterations = 200
	tcRaceBudget     = 8 * time.Second // per variant; iterations stop early past it
)

// tcRaceRec records what the handlers saw, per iteration (the "it" field of
// the CONNECT auth).
type tcRaceRec struct {
	mu      sync.Mutex
	msgs    map[int][]int
	reasons map[int][]tornadio.DisconnectReason
	disc    chan int
	bad     []string
}

type tcRace struct {
	srv   *tornadio.Server
	rec   *tcRaceRec
	conns [4]*tcHTTP

	outcomes map[string]int // which way the races went, logged at the end
}

// saw counts an outcome of a race.
func (r *tcRace) saw(outcome string) { r.outcomes[outcome]++ }

func tcStartRace(t *testing.T) *tcRace {
	rec := &tcRaceRec{
		msgs:    make(map[int][]int),
		reasons: make(map[int][]tornadio.DisconnectReason),
		disc:    make(chan int, 4*tcRaceIterations),
	}
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			var auth struct {
				It *int `json:"it"`
			}
			if err := s.Request().DecodeAuth(&auth); err != nil || auth.It == nil {
				rec.mu.Lock()
				rec.bad = append(rec.bad, fmt.Sprintf("CONNECT auth %q: %v", s.Request().Auth, err))
				rec.mu.Unlock()
				return
			}
			it := *auth.It
			s.On("msg", func(n int) {
				rec.mu.Lock()
				rec.msgs[it] = append(rec.msgs[it], n)
				rec.mu.Unlock()
				if err := s.Emit("echo", n); err != nil {
					rec.mu.Lock()
					rec.bad = append(rec.bad, fmt.Sprintf("it %d: Emit in handler: %v", it, err))
					rec.mu.Unlock()
				}
			})
			s.OnDisconnect(func(r tornadio.DisconnectReason) {
				rec.mu.Lock()
				rec.reasons[it] = append(rec.reasons[it], r)
				rec.mu.Unlock()
				rec.disc <- it
			})
		})
	})
	r := &tcRace{srv: srv, rec: rec, outcomes: make(map[string]int)}
	for i := range r.conns {
		r.conns[i] = tcDial(t, srv.Addr())
		// A request per connection, so that the next dial happens after this
		// one is registered on its loop.
		if code, body := r.conns[i].roundTrip("GET", "/socket.io/?EIO=4&transport=nope", ""); !tcIsEIOError(code, body, 0) {
			t.Fatalf("warm-up: %d %q", code, body)
		}
	}
	return r
}

// open opens the session of iteration it on connection it%4 and connects
// the main namespace; it returns the sid.
func (r *tcRace) open(t *testing.T, it int) string {
	t.Helper()
	h := r.conns[it%4]
	sid := h.handshake()
	if code, body := h.post(sid, fmt.Sprintf(`40{"it":%d}`, it)); code != 200 || body != "ok" {
		t.Fatalf("CONNECT POST: %d %q", code, body)
	}
	code, body := h.get(sid)
	if _, err := tcParseConnect(body); code != 200 || err != nil {
		t.Fatalf("CONNECT answer: %d %q", code, body)
	}
	return sid
}

// finish waits for the OnDisconnect of iteration it and checks it and the
// messages the handler saw.
func (r *tcRace) finish(t *testing.T, it int, wantMsgs []int, reason tornadio.DisconnectReason) {
	t.Helper()
	select {
	case got := <-r.rec.disc:
		if got != it {
			t.Fatalf("OnDisconnect of iteration %d during iteration %d", got, it)
		}
	case <-time.After(tcIOTimeout):
		t.Fatalf("no OnDisconnect")
	}
	// The session is unregistered before the handlers run.
	if n := r.srv.SessionCount(); n != 0 {
		t.Fatalf("SessionCount = %d after OnDisconnect", n)
	}
	r.rec.mu.Lock()
	msgs, reasons, bad := r.rec.msgs[it], r.rec.reasons[it], r.rec.bad
	r.rec.mu.Unlock()
	if len(bad) > 0 {
		t.Fatalf("handlers: %q", bad)
	}
	if len(reasons) != 1 || reasons[0] != reason {
		t.Fatalf("OnDisconnect reasons %q, want [%s]", reasons, reason)
	}
	if !slices.Equal(msgs, wantMsgs) && !(len(msgs) == 0 && len(wantMsgs) == 0) {
		t.Fatalf("handler saw messages %v, want %v", msgs, wantMsgs)
	}
}

// check runs after every variant: the connections hold no stray bytes, no
// OnDisconnect came twice and no session is left.
func (r *tcRace) check(t *testing.T, iterations int) {
	for i, h := range r.conns {
		if err := h.expectSilent(20 * time.Millisecond); err != nil {
			t.Errorf("connection %d: %v", i, err)
		}
	}
	select {
	case it := <-r.rec.disc:
		t.Errorf("late OnDisconnect of iteration %d", it)
	default:
	}
	r.rec.mu.Lock()
	for it, rs := range r.rec.reasons {
		if len(rs) != 1 {
			t.Errorf("iteration %d: OnDisconnect reasons %q", it, rs)
		}
	}
	r.rec.mu.Unlock()
	if n := r.srv.SessionCount(); n != 0 {
		t.Errorf("SessionCount = %d at the end", n)
	}
	t.Logf("%d iterations; outcomes %v", iterations, r.outcomes)
}

// tcRun runs a race variant many times within the budget.
func tcRun(t *testing.T, variant func(t *testing.T, r *tcRace, it int)) {
	r := tcStartRace(t)
	base := tcGoroutines()
	n := tcRaceIterations
	if testing.Short() {
		n = 20
	}
	deadline := time.Now().Add(tcRaceBudget)
	it := 0
	for ; it < n && !t.Failed() && time.Now().Before(deadline); it++ {
		t.Run(fmt.Sprint(it), func(t *testing.T) { variant(t, r, it) })
	}
	if t.Failed() {
		return
	}
	r.check(t, it)
	tcAssertHealthy(t, r.srv, 0, base)
}

// tcResult is one HTTP exchange done by a racing goroutine.
type tcResult struct {
	status int
	body   string
	err    error
}

func (x tcResult) String() string {
	if x.err != nil {
		return x.err.Error()
	}
	return fmt.Sprintf("%d %q", x.status, x.body)
}

func (x tcResult) ok() bool { return x.err == nil && x.status == 200 && x.body == "ok" }

// tcRace runs fns concurrently, released together.
func tcConcurrently(fns ...func()) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn()
		}()
	}
	close(start)
	wg.Wait()
}

func tcPollPath(sid string) string { return "/socket.io/?EIO=4&transport=polling&sid=" + sid }

// tcMsgs returns the polling payload of "msg" events from..to-1.
func tcMsgs(from, to int) string {
	var p []string
	for i := from; i < to; i++ {
		p = append(p, fmt.Sprintf(`42["msg",%d]`, i))
	}
	return strings.Join(p, "\x1e")
}

// tcEcho returns n for the packet 42["echo",n].
func tcEcho(p string) (int, bool) {
	name, args, err := tcParseEvent(p)
	if err != nil || name != "echo" || len(args) != 1 {
		return 0, false
	}
	var n int
	if json.Unmarshal(args[0], &n) != nil {
		return 0, false
	}
	return n, true
}

func tcSeq(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

// A parked GET races POSTs carrying messages; the handler echoes each one,
// which answers the GET.
func TestSessionRacePollAndPost(t *testing.T) {
	const k = 4
	tcRun(t, func(t *testing.T, r *tcRace, it int) {
		sid := r.open(t, it)
		a, b := r.conns[(it+1)%4], r.conns[(it+2)%4]
		var get, post1, post2 tcResult
		tcConcurrently(
			func() { get.status, get.body, get.err = a.try("GET", tcPollPath(sid), "") },
			func() {
				post1.status, post1.body, post1.err = b.try("POST", tcPollPath(sid), tcMsgs(0, k))
				post2.status, post2.body, post2.err = b.try("POST", tcPollPath(sid), tcMsgs(k, 2*k))
			},
		)
		if !post1.ok() || !post2.ok() {
			t.Fatalf("POSTs answered %v, %v", post1, post2)
		}
		var echoes []int
		for res := get; ; {
			if res.err != nil || res.status != 200 {
				t.Fatalf("GET answered %v (echoes so far %v)", res, echoes)
			}
			for _, p := range tcSplitPayload(res.body) {
				n, ok := tcEcho(p)
				if !ok {
					t.Fatalf("GET carried %q", res.body)
				}
				echoes = append(echoes, n)
			}
			if len(echoes) >= 2*k {
				break
			}
			res.status, res.body, res.err = a.try("GET", tcPollPath(sid), "")
		}
		r.saw(fmt.Sprintf("first GET carried %d echoes", len(tcSplitPayload(get.body))))
		if !slices.Equal(echoes, tcSeq(0, 2*k)) {
			t.Fatalf("echoes %v", echoes)
		}
		if code, body := b.post(sid, "1"); code != 200 || body != "ok" {
			t.Fatalf("close POST: %d %q", code, body)
		}
		r.finish(t, it, tcSeq(0, 2*k), tornadio.ReasonTransportClose)
	})
}

// A parked GET races a POST carrying a message and a close packet.
func TestSessionRacePollAndClose(t *testing.T) {
	tcRun(t, func(t *testing.T, r *tcRace, it int) {
		sid := r.open(t, it)
		a, b := r.conns[(it+1)%4], r.conns[(it+2)%4]
		var get, post tcResult
		tcConcurrently(
			func() { get.status, get.body, get.err = a.try("GET", tcPollPath(sid), "") },
			func() { post.status, post.body, post.err = b.try("POST", tcPollPath(sid), `42["msg",0]`+"\x1e1") },
		)
		if !post.ok() {
			t.Fatalf("POST answered %v", post)
		}
		switch {
		case get.err != nil:
			t.Fatalf("GET: %v", get.err)
		case get.status == 200:
			// Parked, or read after the close (which it may have been sent
			// before): released with a noop, as Node does, or with the echo.
			r.saw(fmt.Sprintf("GET %q", get.body))
			pkts := tcSplitPayload(get.body)
			if len(pkts) == 0 || pkts[len(pkts)-1] != "6" && !tcIsEchoOf(pkts[len(pkts)-1], 0) {
				t.Fatalf("GET answered %v, want a noop or the echo", get)
			}
			for _, p := range pkts[:len(pkts)-1] {
				if !tcIsEchoOf(p, 0) {
					t.Fatalf("GET answered %v", get)
				}
			}
		default:
			t.Fatalf("GET answered %v", get)
		}
		r.finish(t, it, []int{0}, tornadio.ReasonTransportClose)
		// The session is gone for every connection.
		if code, body := a.get(sid); !tcIsEIOError(code, body, 1) {
			t.Fatalf("GET after the end: %d %q", code, body)
		}
	})
}

// tcIsEchoOf reports whether packet p is the echo of n.
func tcIsEchoOf(p string, n int) bool {
	m, ok := tcEcho(p)
	return ok && m == n
}

// Two GETs race: one parks, the other breaks the protocol and ends the
// session.
func TestSessionRaceTwoPolls(t *testing.T) {
	tcRun(t, func(t *testing.T, r *tcRace, it int) {
		sid := r.open(t, it)
		a, b := r.conns[(it+1)%4], r.conns[(it+2)%4]
		var g1, g2 tcResult
		tcConcurrently(
			func() { g1.status, g1.body, g1.err = a.try("GET", tcPollPath(sid), "") },
			func() { g2.status, g2.body, g2.err = b.try("GET", tcPollPath(sid), "") },
		)
		closed := func(x tcResult) bool { return x.err == nil && x.status == 200 && x.body == "1" }
		refused := func(x tcResult) bool { return x.err == nil && tcIsEIOError(x.status, x.body, 3) }
		r.saw(fmt.Sprintf("first GET closed=%v", closed(g1)))
		if !(closed(g1) && refused(g2)) && !(closed(g2) && refused(g1)) {
			t.Fatalf("GETs answered %v and %v; want one close packet and one 400 code 3", g1, g2)
		}
		r.finish(t, it, nil, tornadio.ReasonTransportError)
	})
}

// tcProbe is the websocket side of an upgrade race.
type tcProbe struct {
	w       *tcWS
	refused *tcResult // the upgrade request was answered with an error
	got3    bool      // 3probe received
	sent5   bool
	echoes  []int
	err     error
	gone    bool // the server ended the connection
}

// tcProbeDial opens the websocket of an upgrade of sid (the 101 answer, or
// the refusal).
func tcProbeDial(t *testing.T, addr, sid string) (x tcProbe) {
	w, resp, err := tcTryDialWS(t, addr, "EIO=4&transport=websocket&sid="+sid)
	if err != nil {
		x.err = err
		return x
	}
	if resp.StatusCode != 101 {
		x.refused = &tcResult{status: resp.StatusCode}
		return x
	}
	x.w = w
	return x
}

// upgrade probes and upgrades over the dialed websocket, then sends k
// messages and reads their k echoes (plus any other echo that comes first).
func (x *tcProbe) upgrade(k int) {
	if x.w == nil || x.err != nil {
		return
	}
	w := x.w
	if err := w.writeFrame(frames.OpText, true, []byte("2probe")); err != nil {
		x.gone = true
		return
	}
	p, err := w.readPacket()
	if err != nil {
		x.gone = tcIsGone(err)
		if !x.gone {
			x.err = err
		}
		return
	}
	if p != "3probe" {
		x.err = fmt.Errorf("probe answered %q", p)
		return
	}
	x.got3 = true
	out := frames.AppendMaskedFrame(nil, frames.OpText, true, [4]byte{7, 7, 7, 7}, []byte("5"))
	for i := range k {
		out = frames.AppendMaskedFrame(out, frames.OpText, true, [4]byte{byte(i), 1, 2, 3}, fmt.Appendf(nil, `42["msg",%d]`, i))
	}
	if err := w.writeRaw(out); err != nil {
		x.gone = true
		return
	}
	x.sent5 = true
	for k > 0 && (len(x.echoes) == 0 || x.echoes[len(x.echoes)-1] != k-1) {
		p, err := w.readPacket()
		if err != nil {
			x.gone = tcIsGone(err)
			if !x.gone {
				x.err = err
			}
			return
		}
		n, ok := tcEcho(p)
		if !ok {
			x.err = fmt.Errorf("websocket carried %q", p)
			return
		}
		x.echoes = append(x.echoes, n)
	}
}

// tcProbeUpgrade is the websocket side of an upgrade race: on even
// iterations it dials during the race, on odd ones the websocket was dialed
// before (pre, from tcProbeDial) and only the probe races.
func tcProbeUpgrade(t *testing.T, pre *tcProbe, addr, sid string, k int) tcProbe {
	var x tcProbe
	if pre != nil {
		x = *pre
	} else {
		x = tcProbeDial(t, addr, sid)
	}
	x.upgrade(k)
	return x
}

// tcJitter waits a random 0-300µs, so that the racing requests leave in
// every order over the iterations.
func tcJitter() {
	if d := time.Duration(rand.IntN(300)) * time.Microsecond; d > 20*time.Microsecond {
		time.Sleep(d)
	}
}

// tcIsGone reports whether err means the server ended the connection (and
// not a timeout).
func tcIsGone(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return true
}

// A websocket upgrade (2probe, 3probe, 5, then messages) races a parked GET
// and a POST carrying a message.
func TestSessionRaceUpgrade(t *testing.T) {
	const k = 3
	tcRun(t, func(t *testing.T, r *tcRace, it int) {
		sid := r.open(t, it)
		a, b := r.conns[(it+1)%4], r.conns[(it+2)%4]
		var get, post tcResult
		var ws tcProbe
		var pre *tcProbe
		if it%2 == 1 {
			p := tcProbeDial(t, r.srv.Addr(), sid)
			if p.err != nil || p.refused != nil {
				t.Fatalf("websocket dial: %+v", p)
			}
			pre = &p
		}
		tcConcurrently(
			func() { tcJitter(); get.status, get.body, get.err = a.try("GET", tcPollPath(sid), "") },
			func() { tcJitter(); post.status, post.body, post.err = b.try("POST", tcPollPath(sid), `42["msg",-1]`) },
			func() { tcJitter(); ws = tcProbeUpgrade(t, pre, r.srv.Addr(), sid, k) },
		)
		if ws.err != nil || ws.refused != nil || !ws.sent5 || ws.gone {
			t.Fatalf("websocket: %+v", ws)
		}
		postOK := post.ok()
		if !postOK && !tcIsEIOError(post.status, post.body, 3) {
			t.Fatalf("POST answered %v; want ok, or 400 code 3 after the upgrade", post)
		}
		echoMinus1 := 0
		switch {
		case get.err != nil:
			t.Fatalf("GET: %v", get.err)
		case get.status == 200:
			for _, p := range tcSplitPayload(get.body) {
				if n, ok := tcEcho(p); ok && n == -1 {
					echoMinus1++
				} else if p != "6" {
					t.Fatalf("GET answered %v; want noop or the echo of -1", get)
				}
			}
		case tcIsEIOError(get.status, get.body, 3):
		default:
			t.Fatalf("GET answered %v", get)
		}
		r.saw(fmt.Sprintf("POST ok=%v, GET %d %q", postOK, get.status, get.body))
		wsEchoes := ws.echoes
		if len(wsEchoes) > 0 && wsEchoes[0] == -1 {
			echoMinus1++
			wsEchoes = wsEchoes[1:]
		}
		if !slices.Equal(wsEchoes, tcSeq(0, k)) {
			t.Fatalf("websocket echoes %v (POST %v, GET %v)", ws.echoes, post, get)
		}
		want := tcSeq(0, k)
		if postOK {
			want = append([]int{-1}, want...)
			if echoMinus1 != 1 {
				t.Fatalf("echo of -1 delivered %d times (GET %v, websocket %v)", echoMinus1, get, ws.echoes)
			}
		} else if echoMinus1 != 0 {
			t.Fatalf("echo of a refused message (GET %v, websocket %v)", get, ws.echoes)
		}
		ws.w.closeHandshake(t)
		r.finish(t, it, want, tornadio.ReasonTransportClose)
	})
}

// A websocket upgrade races a parked GET and a POST carrying a close
// packet: either the close wins (the probe is refused or dropped) or the
// upgrade does (the POST is refused and the session lives on the websocket).
func TestSessionRaceUpgradeAndClose(t *testing.T) {
	tcRun(t, func(t *testing.T, r *tcRace, it int) {
		sid := r.open(t, it)
		a, b := r.conns[(it+1)%4], r.conns[(it+2)%4]
		var get, post tcResult
		var ws tcProbe
		var pre *tcProbe
		if it%2 == 1 {
			p := tcProbeDial(t, r.srv.Addr(), sid)
			if p.err != nil || p.refused != nil {
				t.Fatalf("websocket dial: %+v", p)
			}
			pre = &p
		}
		tcConcurrently(
			func() { tcJitter(); get.status, get.body, get.err = a.try("GET", tcPollPath(sid), "") },
			func() { tcJitter(); post.status, post.body, post.err = b.try("POST", tcPollPath(sid), "1") },
			func() { tcJitter(); ws = tcProbeUpgrade(t, pre, r.srv.Addr(), sid, 0) },
		)
		if ws.err != nil {
			t.Fatalf("websocket: %+v", ws)
		}
		if get.err != nil {
			t.Fatalf("GET: %v", get.err)
		}
		getOK := get.status == 200 && (get.body == "6" || get.body == "1" || get.body == "6\x1e1")
		r.saw(fmt.Sprintf("POST %d, upgrade refused=%v 3probe=%v 5=%v, GET %d %q", post.status, ws.refused != nil, ws.got3, ws.sent5, get.status, get.body))
		switch {
		case post.ok():
			// The close won. The probe was refused, or its connection ends.
			if ws.refused != nil && ws.refused.status != 400 {
				t.Fatalf("upgrade request answered %d", ws.refused.status)
			}
			if ws.w != nil && !ws.gone {
				if pkts, _ := ws.w.expectGone(t); len(pkts) > 0 {
					t.Fatalf("probe websocket got %q after the close", pkts)
				}
			}
			if !getOK && !tcIsEIOError(get.status, get.body, 1) {
				t.Fatalf("GET answered %v", get)
			}
		case tcIsEIOError(post.status, post.body, 3):
			// The upgrade won: the websocket carries the session.
			if !ws.sent5 || ws.gone {
				t.Fatalf("POST refused but the upgrade did not complete: %+v", ws)
			}
			if !(get.status == 200 && get.body == "6") && !tcIsEIOError(get.status, get.body, 3) {
				t.Fatalf("GET answered %v", get)
			}
			ws.w.closeHandshake(t)
		default:
			t.Fatalf("POST answered %v", post)
		}
		r.finish(t, it, nil, tornadio.ReasonTransportClose)
	})
}

// A POST carrying a message races a POST carrying a close packet: the
// message reaches the handler if and only if its POST is answered "ok".
func TestSessionRacePostAndClose(t *testing.T) {
	tcRun(t, func(t *testing.T, r *tcRace, it int) {
		sid := r.open(t, it)
		a, b := r.conns[(it+1)%4], r.conns[(it+2)%4]
		var msg, cls tcResult
		tcConcurrently(
			func() { msg.status, msg.body, msg.err = a.try("POST", tcPollPath(sid), tcMsgs(0, 3)) },
			func() { cls.status, cls.body, cls.err = b.try("POST", tcPollPath(sid), "1") },
		)
		if !cls.ok() {
			t.Fatalf("close POST answered %v", cls)
		}
		var want []int
		r.saw(fmt.Sprintf("message POST %d", msg.status))
		switch {
		case msg.ok():
			want = tcSeq(0, 3)
		case tcIsEIOError(msg.status, msg.body, 1):
		default:
			t.Fatalf("message POST answered %v", msg)
		}
		r.finish(t, it, want, tornadio.ReasonTransportClose)
	})
}

// A parked GET's connection is closed by the client while a POST carrying
// messages races it (the echoes answer the GET). The session ends with
// "transport close" exactly once, or, when the answer was written before
// the close, lives on until the client closes it.
func TestSessionRaceAbortedPoll(t *testing.T) {
	tcRun(t, func(t *testing.T, r *tcRace, it int) {
		sid := r.open(t, it)
		b := r.conns[(it+2)%4]
		a := tcDial(t, r.srv.Addr())
		if err := a.send("GET", tcPollPath(sid), ""); err != nil {
			t.Fatal(err)
		}
		var post tcResult
		tcConcurrently(
			func() { tcJitter(); a.close() },
			func() { tcJitter(); post.status, post.body, post.err = b.try("POST", tcPollPath(sid), tcMsgs(0, 2)) },
		)
		var want []int
		switch {
		case post.ok():
			want = tcSeq(0, 2)
		case tcIsEIOError(post.status, post.body, 1):
		default:
			t.Fatalf("POST answered %v", post)
		}
		code, body := b.post(sid, "1")
		switch {
		case code == 200 && body == "ok":
			r.saw("session outlived the aborted GET")
		case tcIsEIOError(code, body, 1):
			r.saw(fmt.Sprintf("session ended with the GET (message POST %d)", post.status))
		default:
			t.Fatalf("close POST: %d %q", code, body)
		}
		r.finish(t, it, want, tornadio.ReasonTransportClose)
	})
}
