package tornadio_test

// Bad input over real loopback TCP: each test checks the protocol's answer
// and that the server stays healthy afterwards (a fresh handshake works, the
// session count is right, no goroutine was left behind).

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

// tcBadServer starts a server for bad-input tests and returns it with the
// goroutine count to compare against at the end.
func tcBadServer(t *testing.T, setup func(*tornadio.Server), opts ...tornadio.Option) (*tornadio.Server, int) {
	t.Helper()
	srv := tcStartServer(t, setup, opts...)
	return srv, tcGoroutines()
}

func TestBadInputGarbageBytes(t *testing.T) {
	srv, base := tcBadServer(t, nil)
	for i, tc := range []struct {
		garbage string
		status  int
	}{
		{"\x00\x01\x02\x03 garbage \xff\xfe\r\n\r\n", 400},
		{"HELLO WORLD\r\n\r\n", 400},
		{"GET /socket.io/ HTTP/1.1 extra\r\n\r\n", 400},
		{"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nBad Header Without Colon\r\n\r\n", 400},
		{"POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400},
		{"POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
		{"GET /socket.io/ HTTP/9.9\r\n\r\n", 505},
	} {
		garbage := tc.garbage
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			h := tcDial(t, srv.Addr())
			if err := h.writeRaw([]byte(garbage)); err != nil {
				t.Fatal(err)
			}
			resp, body, err := h.read()
			if err != nil {
				t.Fatalf("no response to %q: %v", garbage, err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%q), want %d", resp.StatusCode, body, tc.status)
			}
			if rest, err := h.expectClosed(2 * time.Second); err != nil {
				t.Fatal(err)
			} else if len(rest) > 0 {
				t.Fatalf("bytes after the 400: %q", rest)
			}
		})
	}
	tcAssertHealthy(t, srv, 0, base)
}

func TestBadInputTruncatedRequestIdleTimeout(t *testing.T) {
	const idle = 300 * time.Millisecond
	srv, base := tcBadServer(t, nil, tornadio.WithHTTPIdleTimeout(idle))
	h := tcDial(t, srv.Addr())
	start := time.Now()
	if err := h.writeRaw([]byte("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half")); err != nil {
		t.Fatal(err)
	}
	rest, err := h.expectClosed(idle + 2*time.Second)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	// The idle deadline was set when the connection opened, a little before
	// start; allow for the 10ms tick.
	if elapsed < idle-50*time.Millisecond {
		t.Fatalf("closed after %v, before the %v idle timeout", elapsed, idle)
	}
	if elapsed > idle+time.Second {
		t.Fatalf("closed after %v, idle timeout %v", elapsed, idle)
	}
	if len(rest) > 0 && !strings.HasPrefix(string(rest), "HTTP/1.1 408") {
		t.Fatalf("unexpected bytes before the close: %q", rest)
	}

	// A silent connection (no byte at all) is closed too.
	h2 := tcDial(t, srv.Addr())
	if _, err := h2.expectClosed(idle + 2*time.Second); err != nil {
		t.Fatalf("silent connection: %v", err)
	}

	// A keep-alive connection that idles between requests is closed too,
	// and the slow client did not disturb a normal one.
	h3 := tcDial(t, srv.Addr())
	sid := h3.handshake()
	if code, body := h3.post(sid, "1"); code != 200 || body != "ok" {
		t.Fatalf("close POST: %d %q", code, body)
	}
	if _, err := h3.expectClosed(idle + 2*time.Second); err != nil {
		t.Fatalf("idle keep-alive connection: %v", err)
	}

	// A long-poll GET waiting for packets is not idle: it outlives the idle
	// timeout and is answered when the session has something to say.
	var sock *tornadio.Socket
	got := make(chan *tornadio.Socket, 1)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) { got <- s })
	h4 := tcDial(t, srv.Addr())
	sid = h4.handshake()
	if code, body := h4.post(sid, "40"); code != 200 || body != "ok" {
		t.Fatalf("CONNECT POST: %d %q", code, body)
	}
	if code, body := h4.get(sid); code != 200 || !strings.HasPrefix(body, "40{") {
		t.Fatalf("CONNECT answer: %d %q", code, body)
	}
	select {
	case sock = <-got:
	case <-time.After(tcIOTimeout):
		t.Fatal("no OnConnection")
	}
	if err := h4.send("GET", "/socket.io/?EIO=4&transport=polling&sid="+sid, ""); err != nil {
		t.Fatal(err)
	}
	if err := h4.expectSilent(idle + 200*time.Millisecond); err != nil {
		t.Fatalf("parked GET: %v", err)
	}
	if err := sock.Emit("late", 1); err != nil {
		t.Fatal(err)
	}
	resp, body := h4.mustRead()
	if resp.StatusCode != 200 || body != `42["late",1]` {
		t.Fatalf("parked GET answered %d %q", resp.StatusCode, body)
	}
	if code, body := h4.post(sid, "1"); code != 200 || body != "ok" {
		t.Fatalf("close POST: %d %q", code, body)
	}
	tcAssertHealthy(t, srv, 0, base)
}

func TestBadInputOversizedHead(t *testing.T) {
	srv, base := tcBadServer(t, nil)
	long := strings.Repeat("a", 10000)
	for name, req := range map[string]string{
		"request line": "GET /socket.io/?EIO=4&transport=polling&x=" + long + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
		"header":       "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + long + "\r\n\r\n",
		"many headers": "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n" + strings.Repeat("X-A: b\r\n", 2000) + "\r\n",
		// The head is too large before it is complete: no need to wait for
		// its end.
		"unfinished": "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nX-Big: " + long,
	} {
		t.Run(name, func(t *testing.T) {
			h := tcDial(t, srv.Addr())
			if err := h.writeRaw([]byte(req)); err != nil {
				t.Fatal(err)
			}
			resp, body, err := h.readWithin(2 * time.Second)
			if err != nil {
				t.Fatalf("no response: %v", err)
			}
			if resp.StatusCode != 431 && resp.StatusCode != 400 {
				t.Fatalf("status %d (%q), want 431", resp.StatusCode, body)
			}
			if _, err := h.expectClosed(2 * time.Second); err != nil {
				t.Fatal(err)
			}
		})
	}
	tcAssertHealthy(t, srv, 0, base)
}

func TestBadInputEngineIOErrors(t *testing.T) {
	srv, base := tcBadServer(t, nil)
	// A live session, for the requests that need a valid sid.
	live := tcDial(t, srv.Addr())
	sid := live.handshake()

	cases := []struct {
		name         string
		method, path string
		body         string
		code         int
		msg          string
	}{
		{"unknown transport", "GET", "/socket.io/?EIO=4&transport=carrier-pigeon", "", 0, "Transport unknown"},
		{"missing transport", "GET", "/socket.io/?EIO=4", "", 0, "Transport unknown"},
		{"unknown transport with sid", "GET", "/socket.io/?EIO=4&transport=flashsocket&sid=" + sid, "", 0, "Transport unknown"},
		{"unknown sid GET", "GET", "/socket.io/?EIO=4&transport=polling&sid=nope", "", 1, "Session ID unknown"},
		{"unknown sid POST", "POST", "/socket.io/?EIO=4&transport=polling&sid=nope", "40", 1, "Session ID unknown"},
		{"sid of another version", "GET", "/socket.io/?EIO=3&transport=polling&sid=" + sid, "", 1, "Session ID unknown"},
		{"EIO=5", "GET", "/socket.io/?EIO=5&transport=polling", "", 5, "Unsupported protocol version"},
		{"EIO=2", "GET", "/socket.io/?EIO=2&transport=polling", "", 5, "Unsupported protocol version"},
		{"EIO missing", "GET", "/socket.io/?transport=polling", "", 5, "Unsupported protocol version"},
		{"EIO empty", "GET", "/socket.io/?EIO=&transport=polling", "", 5, "Unsupported protocol version"},
		{"POST without sid", "POST", "/socket.io/?EIO=4&transport=polling", "40", 2, "Bad handshake method"},
		{"PUT without sid", "PUT", "/socket.io/?EIO=4&transport=polling", "", 2, "Bad handshake method"},
		{"PUT with sid", "PUT", "/socket.io/?EIO=4&transport=polling&sid=" + sid, "", 3, "Bad request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := tcDial(t, srv.Addr())
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s", tc.method, tc.path, len(tc.body), tc.body)
			if err := h.writeRaw([]byte(b.String())); err != nil {
				t.Fatal(err)
			}
			resp, body := h.mustRead()
			tcCheckEIOError(t, resp.StatusCode, body, tc.code, tc.msg)
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			// The connection stays usable: an error is an answer, not a
			// reason to hang up.
			if code, body := h.roundTrip("GET", "/socket.io/?EIO=4&transport=nope", ""); !tcIsEIOError(code, body, 0) {
				t.Fatalf("next request on the connection: %d %q", code, body)
			}
		})
	}
	// The errors did not touch the live session.
	if code, body := live.post(sid, "1"); code != 200 || body != "ok" {
		t.Fatalf("live session: close POST: %d %q", code, body)
	}

	// Unknown sid on a websocket upgrade.
	w, resp, err := tcTryDialWS(t, srv.Addr(), "EIO=4&transport=websocket&sid=nope")
	if err != nil && resp == nil {
		t.Fatal(err)
	}
	_ = w
	if resp.StatusCode != 400 {
		t.Fatalf("websocket with unknown sid: status %d, want 400", resp.StatusCode)
	}
	tcAssertHealthy(t, srv, 0, base)
}

func TestBadInputOversizedPost(t *testing.T) {
	const max = 1000
	srv, base := tcBadServer(t, nil, tornadio.WithMaxPayload(max))
	h := tcDial(t, srv.Addr())
	var sid, path string
	// Each oversized POST ends its session, as in Node ("transport error"):
	// its data is lost. Every case gets a fresh session.
	fresh := func() {
		sid = h.handshake()
		path = "/socket.io/?EIO=4&transport=polling&sid=" + sid
	}
	gone := func(what string) {
		t.Helper()
		if !tcWaitFor(2*time.Second, func() bool { return srv.SessionCount() == 0 }) {
			t.Fatalf("%s: the session outlived its lost POST", what)
		}
	}

	// A declared length over the limit is refused at once, before the body.
	fresh()
	h1 := tcDial(t, srv.Addr())
	if err := h1.writeRaw([]byte(fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n4abc", path, 2*max))); err != nil {
		t.Fatal(err)
	}
	resp, body, err := h1.readWithin(2 * time.Second)
	if err != nil {
		t.Fatalf("no response to an oversized Content-Length: %v", err)
	}
	if resp.StatusCode != 413 {
		t.Fatalf("oversized Content-Length: status %d %q, want 413", resp.StatusCode, body)
	}
	if _, err := h1.expectClosed(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	gone("oversized Content-Length")

	// The whole oversized body, sent at once.
	fresh()
	h2 := tcDial(t, srv.Addr())
	big := "4" + strings.Repeat("x", 2*max)
	if err := h2.send("POST", path, big); err != nil {
		t.Fatal(err)
	}
	resp, body, err = h2.readWithin(2 * time.Second)
	if err != nil {
		t.Fatalf("no response to an oversized body: %v", err)
	}
	if resp.StatusCode != 413 {
		t.Fatalf("oversized body: status %d %q, want 413", resp.StatusCode, body)
	}
	if _, err := h2.expectClosed(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	gone("oversized body")

	// Chunked, over the limit once decoded.
	fresh()
	h3 := tcDial(t, srv.Addr())
	chunk := strings.Repeat("y", 600)
	req := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n4%s\r\n%x\r\n%s\r\n0\r\n\r\n", path, len(chunk)+1, chunk, len(chunk), chunk)
	if err := h3.writeRaw([]byte(req)); err != nil {
		t.Fatal(err)
	}
	resp, body, err = h3.readWithin(2 * time.Second)
	if err != nil {
		t.Fatalf("no response to an oversized chunked body: %v", err)
	}
	if resp.StatusCode != 413 {
		t.Fatalf("oversized chunked body: status %d %q, want 413", resp.StatusCode, body)
	}
	if _, err := h3.expectClosed(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	gone("oversized chunked body")

	// A body right at the limit is accepted, and the session still works.
	fresh()
	ok := `42["ev","` + strings.Repeat("z", max-len(`42["ev",""]`)-1) + `"]`
	if code, body := h.post(sid, ok); code != 200 || body != "ok" {
		t.Fatalf("POST of exactly maxPayload: %d %q", code, body)
	}
	if code, body := h.post(sid, "1"); code != 200 || body != "ok" {
		t.Fatalf("close POST: %d %q", code, body)
	}
	tcAssertHealthy(t, srv, 0, base)
}

// tcDisconnects records OnDisconnect calls per socket id.
type tcDisconnects struct {
	mu      sync.Mutex
	reasons map[string][]tornadio.DisconnectReason
	ch      chan string
}

func newTCDisconnects() *tcDisconnects {
	return &tcDisconnects{reasons: make(map[string][]tornadio.DisconnectReason), ch: make(chan string, 1024)}
}

func (d *tcDisconnects) track(s *tornadio.Socket) {
	id := s.ID()
	s.OnDisconnect(func(r tornadio.DisconnectReason) {
		d.mu.Lock()
		d.reasons[id] = append(d.reasons[id], r)
		d.mu.Unlock()
		select {
		case d.ch <- id:
		default:
		}
	})
}

func (d *tcDisconnects) of(id string) []tornadio.DisconnectReason {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]tornadio.DisconnectReason(nil), d.reasons[id]...)
}

// wait waits for the first disconnect of id and returns its reasons.
func (d *tcDisconnects) wait(t testing.TB, id string) []tornadio.DisconnectReason {
	t.Helper()
	if !tcWaitFor(3*time.Second, func() bool { return len(d.of(id)) > 0 }) {
		t.Fatalf("socket %s: no OnDisconnect", id)
	}
	return d.of(id)
}

func TestBadInputOversizedWebSocketMessage(t *testing.T) {
	const max = 1000
	disc := newTCDisconnects()
	srv, base := tcBadServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(disc.track)
	}, tornadio.WithMaxPayload(max))

	for _, tc := range []struct {
		name string
		send func(w *tcWS) error
	}{
		{"single frame", func(w *tcWS) error {
			return w.writeFrame(frames.OpText, true, []byte("4"+strings.Repeat("x", 2*max)))
		}},
		{"binary frame", func(w *tcWS) error {
			return w.writeFrame(frames.OpBinary, true, make([]byte, max+1))
		}},
		{"fragments", func(w *tcWS) error {
			part := []byte(strings.Repeat("x", max/2+10))
			if err := w.writeFrame(frames.OpText, false, append([]byte("4"), part...)); err != nil {
				return err
			}
			return w.writeFrame(frames.OpContinuation, true, part)
		}},
		{"header only", func(w *tcWS) error {
			// Only the header announcing 1 MB: the answer must not wait for
			// the payload.
			var mask [4]byte
			b := frames.AppendMaskedFrame(nil, frames.OpText, true, mask, make([]byte, 1<<20))
			return w.writeRaw(b[:14])
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
			_, sock := w.connectSIO()
			tcWaitSessions(t, srv, 1)
			if err := tc.send(w); err != nil {
				t.Fatal(err)
			}
			w.expectClose(t, 1009)
			tcWaitSessions(t, srv, 0)
			if r := disc.wait(t, sock); len(r) != 1 || r[0] != tornadio.ReasonTransportError {
				t.Fatalf("OnDisconnect reasons %q, want [transport error]", r)
			}
		})
	}
	tcAssertHealthy(t, srv, 0, base)
}

func TestBadInputUnmaskedFrame(t *testing.T) {
	disc := newTCDisconnects()
	srv, base := tcBadServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(disc.track)
	})
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	_, sock := w.connectSIO()
	if err := w.writeRaw(frames.AppendFrame(nil, frames.OpText, []byte(`42["ev"]`))); err != nil {
		t.Fatal(err)
	}
	w.expectClose(t, 1002)
	tcWaitSessions(t, srv, 0)
	if r := disc.wait(t, sock); len(r) != 1 {
		t.Fatalf("OnDisconnect reasons %q, want one", r)
	}

	// Other frame-level violations: reserved opcode, RSV bit, fragmented
	// control frame.
	for name, raw := range map[string][]byte{
		"reserved opcode": frames.AppendMaskedFrame(nil, 0x3, true, [4]byte{1, 2, 3, 4}, []byte("x")),
		"rsv1": func() []byte {
			b := frames.AppendMaskedFrame(nil, frames.OpText, true, [4]byte{1, 2, 3, 4}, []byte("4x"))
			b[0] |= 0x40
			return b
		}(),
		"fragmented ping": frames.AppendMaskedFrame(nil, frames.OpPing, false, [4]byte{1, 2, 3, 4}, []byte("x")),
		"continuation":    frames.AppendMaskedFrame(nil, frames.OpContinuation, true, [4]byte{1, 2, 3, 4}, []byte("x")),
	} {
		t.Run(name, func(t *testing.T) {
			w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
			w.connectSIO()
			if err := w.writeRaw(raw); err != nil {
				t.Fatal(err)
			}
			w.expectClose(t, 1002)
			tcWaitSessions(t, srv, 0)
		})
	}
	tcAssertHealthy(t, srv, 0, base)
}

func TestBadInputSecondConcurrentGet(t *testing.T) {
	disc := newTCDisconnects()
	srv, base := tcBadServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(disc.track)
	})
	h := tcDial(t, srv.Addr())
	sid := h.handshake()
	if code, body := h.post(sid, "40"); code != 200 || body != "ok" {
		t.Fatalf("CONNECT POST: %d %q", code, body)
	}
	code, body := h.get(sid)
	sock, err := tcParseConnect(body)
	if code != 200 || err != nil {
		t.Fatalf("CONNECT answer: %d %q", code, body)
	}

	// The first GET parks (nothing to send) on one connection...
	first := tcDial(t, srv.Addr())
	if err := first.send("GET", "/socket.io/?EIO=4&transport=polling&sid="+sid, ""); err != nil {
		t.Fatal(err)
	}
	if err := first.expectSilent(150 * time.Millisecond); err != nil {
		t.Fatalf("first GET: %v", err)
	}
	// ...and a second one on another connection breaks the protocol.
	second := tcDial(t, srv.Addr())
	code, body = second.get(sid)
	tcCheckEIOError(t, code, body, 3, "Bad request")

	resp, body := first.mustRead()
	if resp.StatusCode != 200 || body != "1" {
		t.Fatalf("first GET answered %d %q, want 200 \"1\" (close)", resp.StatusCode, body)
	}
	tcWaitSessions(t, srv, 0)
	if r := disc.wait(t, sock); len(r) != 1 || r[0] != tornadio.ReasonTransportError {
		t.Fatalf("OnDisconnect reasons %q, want [transport error]", r)
	}
	// The session is gone.
	code, body = h.get(sid)
	tcCheckEIOError(t, code, body, 1, "Session ID unknown")

	// The same, with both GETs pipelined on one connection: the second GET
	// is not read before the first is answered (HTTP/1.1 answers in order),
	// so it must not end the session; it is answered after the first.
	h2 := tcDial(t, srv.Addr())
	sid2 := h2.handshake()
	get := "GET /socket.io/?EIO=4&transport=polling&sid=" + sid2 + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
	if err := h2.writeRaw([]byte(get + get)); err != nil {
		t.Fatal(err)
	}
	if err := h2.expectSilent(100 * time.Millisecond); err != nil {
		t.Fatalf("pipelined GETs: %v", err)
	}
	closer := tcDial(t, srv.Addr())
	if code, body := closer.post(sid2, "1"); code != 200 || body != "ok" {
		t.Fatalf("close POST: %d %q", code, body)
	}
	resp, body = h2.mustRead()
	if resp.StatusCode != 200 || body != "6" {
		t.Fatalf("pipelined GET 1 answered %d %q, want a noop (the client closed, as Node answers)", resp.StatusCode, body)
	}
	resp, body = h2.mustRead()
	tcCheckEIOError(t, resp.StatusCode, body, 1, "Session ID unknown")
	tcAssertHealthy(t, srv, 0, base)
}

func TestBadInputInvalidSocketIOPackets(t *testing.T) {
	disc := newTCDisconnects()
	var handled sync.Map
	srv, base := tcBadServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			disc.track(s)
			s.On("ev", func(a tornadio.Args) { handled.Store(s.ID(), true) })
		})
	})
	placeholder := `451-["ev",{"_placeholder":true,"num":0}]`
	cases := []struct {
		name   string
		frames []func(w *tcWS) error
		reason tornadio.DisconnectReason
		// handlerRuns: a complete valid packet precedes the bad one.
		handlerRuns bool
	}{
		{"bad JSON", tcTexts(`42["ev",{bad json}]`), tornadio.ReasonParseError, false},
		{"unterminated JSON", tcTexts(`42["ev",[1,2`), tornadio.ReasonParseError, false},
		{"unknown type", tcTexts(`47["ev"]`), tornadio.ReasonParseError, false},
		{"type not a digit", tcTexts(`4x["ev"]`), tornadio.ReasonParseError, false},
		{"event not an array", tcTexts(`42{"ev":1}`), tornadio.ReasonParseError, false},
		{"empty event", tcTexts(`42[]`), tornadio.ReasonParseError, false},
		{"event name not a string", tcTexts(`42[1,2]`), tornadio.ReasonParseError, false},
		{"reserved event name", tcTexts(`42["disconnect"]`), tornadio.ReasonParseError, false},
		{"CONNECT_ERROR from client", tcTexts(`44{"message":"x"}`), tornadio.ReasonParseError, false},
		{"ack not an array", tcTexts(`431"x"`), tornadio.ReasonParseError, false},
		{"binary without dash", tcTexts(`451["ev"]`), tornadio.ReasonParseError, false},
		{"text while attachments pending", tcTexts(placeholder, `42["ev"]`), tornadio.ReasonParseError, false},
		{"too few attachments then text", append(tcTexts(`452-["ev",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`),
			tcBinary("a"), tcText(`42["ev"]`)), tornadio.ReasonParseError, false},
		{"attachment without packet", []func(w *tcWS) error{tcBinary("abc")}, tornadio.ReasonParseError, false},
		{"too many attachments", append(tcTexts(placeholder), tcBinary("a"), tcBinary("b")), tornadio.ReasonParseError, true},
		{"huge attachment count", tcTexts(`4599999999999-["ev"]`), tornadio.ReasonParseError, false},
		{"huge ack id", tcTexts(`4299999999999999999999["ev"]`), tornadio.ReasonParseError, false},
		{"unknown Engine.IO type", tcTexts(`9hello`), tornadio.ReasonParseError, false},
		{"bad base64 binary", tcTexts(`b!!!`), tornadio.ReasonParseError, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
			_, sock := w.connectSIO()
			for _, f := range tc.frames {
				if err := f(w); err != nil {
					t.Fatal(err)
				}
			}
			pkts, code := w.expectGone(t)
			for _, p := range pkts {
				if p != "1" {
					t.Errorf("packet %q before the close", p)
				}
			}
			if code != 0 && code != 1000 && code != 1002 {
				t.Errorf("close code %d", code)
			}
			tcWaitSessions(t, srv, 0)
			if r := disc.wait(t, sock); len(r) != 1 || r[0] != tc.reason {
				t.Fatalf("OnDisconnect reasons %q, want [%s]", r, tc.reason)
			}
			if _, ok := handled.Load(sock); ok != tc.handlerRuns {
				t.Fatalf("handler ran: %v, want %v", ok, tc.handlerRuns)
			}
		})
	}
	tcAssertHealthy(t, srv, 0, base)
}

// TestBadInputBinaryEventNoAttachments: a BINARY_EVENT announcing 0
// attachments is complete at once; socket.io-parser emits it as decoded.
func TestBadInputBinaryEventNoAttachments(t *testing.T) {
	got := make(chan int, 4)
	srv, base := tcBadServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			s.On("ev", func(n int) { got <- n })
		})
	})
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	w.connectSIO()
	w.writeText(`450-["ev",1]`)
	w.writeText(`42["ev",2]`)
	var seen []int
	for len(seen) < 2 {
		select {
		case n := <-got:
			seen = append(seen, n)
		case <-time.After(time.Second):
			t.Fatalf("handler saw %v, want [1 2]", seen)
		}
	}
	if seen[0] != 1 || seen[1] != 2 {
		t.Fatalf("handler saw %v, want [1 2]", seen)
	}
	w.closeHandshake(t)
	tcAssertHealthy(t, srv, 0, base)
}

func tcText(s string) func(w *tcWS) error {
	return func(w *tcWS) error { return w.writeFrame(frames.OpText, true, []byte(s)) }
}

func tcTexts(ss ...string) []func(w *tcWS) error {
	out := make([]func(w *tcWS) error, len(ss))
	for i, s := range ss {
		out[i] = tcText(s)
	}
	return out
}

func tcBinary(s string) func(w *tcWS) error {
	return func(w *tcWS) error { return w.writeFrame(frames.OpBinary, true, []byte(s)) }
}

// TestBadInputPollingPayload: a POST whose payload is not valid Engine.IO or
// Socket.IO ends the session with "parse error".
func TestBadInputPollingPayload(t *testing.T) {
	disc := newTCDisconnects()
	srv, base := tcBadServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(disc.track)
	})
	for _, body := range []string{
		"9hello",                   // unknown Engine.IO type
		"",                         // empty payload
		"4hello\x1e",               // empty packet after a separator
		"bAAA!",                    // bad base64
		`42["ev",{bad}]`,           // bad Socket.IO JSON
		`48["ev"]`,                 // unknown Socket.IO type
		`42["ev"]` + "\x1e" + "4x", // a good packet, then a bad one
	} {
		t.Run(fmt.Sprintf("%q", body), func(t *testing.T) {
			h := tcDial(t, srv.Addr())
			sid := h.handshake()
			if code, b := h.post(sid, "40"); code != 200 || b != "ok" {
				t.Fatalf("CONNECT POST: %d %q", code, b)
			}
			code, b := h.get(sid)
			sock, err := tcParseConnect(b)
			if code != 200 || err != nil {
				t.Fatalf("CONNECT answer: %d %q", code, b)
			}
			code, b = h.post(sid, body)
			if !(code == 200 && b == "ok") && !tcIsEIOError(code, b, 3) {
				t.Fatalf("bad POST answered %d %q", code, b)
			}
			tcWaitSessions(t, srv, 0)
			if r := disc.wait(t, sock); len(r) != 1 || r[0] != tornadio.ReasonParseError {
				t.Fatalf("OnDisconnect reasons %q, want [parse error]", r)
			}
			// The client learns it with its next GET: a close packet or an
			// unknown session.
			code, b = h.get(sid)
			if !(code == 200 && strings.HasSuffix(b, "1")) && !tcIsEIOError(code, b, 1) {
				t.Fatalf("GET after the parse error: %d %q", code, b)
			}
		})
	}
	tcAssertHealthy(t, srv, 0, base)
}

// TestBadInputBadProbe: a websocket probing an upgrade that breaks the rules
// is dropped, and the session carries on over polling.
func TestBadInputBadProbe(t *testing.T) {
	srv, base := tcBadServer(t, nil, tornadio.WithMaxPayload(1000))
	for _, tc := range []struct {
		name  string
		send  []string
		code  int
		after string // a packet that may come before the close
	}{
		{"message instead of probe", []string{"4hello"}, 1002, ""},
		{"upgrade without probe", []string{"5"}, 1002, ""},
		{"wrong probe payload", []string{"2prob"}, 1002, ""},
		{"oversized probe", []string{"2" + strings.Repeat("p", 2000)}, 1009, ""},
		{"garbage after probe", []string{"2probe", "9x"}, 1002, "3probe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tcDial(t, srv.Addr())
			sid := h.handshake()
			w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket&sid="+sid)
			for _, p := range tc.send {
				w.writeText(p)
			}
			pkts := w.expectClose(t, tc.code)
			if len(pkts) > 1 || (len(pkts) == 1 && pkts[0] != tc.after) {
				t.Fatalf("packets before the close: %q", pkts)
			}
			// Still polling: a POST is accepted and the session closes
			// normally.
			if code, b := h.post(sid, "1"); code != 200 || b != "ok" {
				t.Fatalf("POST after the failed probe: %d %q", code, b)
			}
			tcWaitSessions(t, srv, 0)
		})
	}
	tcAssertHealthy(t, srv, 0, base)
}

// TestBadInputForbiddenOrigin: with WithAllowedOrigins, another Origin is
// refused with 403 code 4, polling and websocket alike.
func TestBadInputForbiddenOrigin(t *testing.T) {
	srv, base := tcBadServer(t, nil, tornadio.WithAllowedOrigins("https://good.example"))
	req := func(origin string) (*tcHTTP, string) {
		h := tcDial(t, srv.Addr())
		r := "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + origin + "\r\n\r\n"
		if err := h.writeRaw([]byte(r)); err != nil {
			t.Fatal(err)
		}
		return h, r
	}
	h, _ := req("https://evil.example")
	resp, body := h.mustRead()
	if resp.StatusCode != 403 {
		t.Fatalf("evil origin: status %d %q, want 403", resp.StatusCode, body)
	}
	var e tcEIOError
	if json.Unmarshal([]byte(body), &e) != nil || e.Code == nil || *e.Code != 4 {
		t.Fatalf("evil origin: body %q, want code 4", body)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Fatalf("evil origin got Access-Control-Allow-Origin %q", got)
	}
	h, _ = req("https://good.example")
	resp, body = h.mustRead()
	sid, err := tcParseOpen(body)
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("good origin: %d %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://good.example" {
		t.Fatalf("good origin: Access-Control-Allow-Origin %q", got)
	}
	if code, b := h.post(sid, "1"); code != 200 || b != "ok" {
		t.Fatalf("close POST: %d %q", code, b)
	}

	c, err := net.DialTimeout("tcp", srv.Addr(), tcIOTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(tcIOTimeout))
	fmt.Fprintf(c, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n"+
		"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	wresp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if wresp.StatusCode != 403 {
		t.Fatalf("evil origin websocket: status %d, want 403", wresp.StatusCode)
	}
	if n := srv.SessionCount(); n != 0 {
		t.Fatalf("SessionCount %d after refused handshakes", n)
	}
	tcAssertHealthy(t, srv, 0, base)
}
