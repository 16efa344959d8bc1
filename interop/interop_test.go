package interop_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

var transports = []string{"websocket", "polling"}

// checkConnectedAs checks that the server saw the client's socket, on the
// expected transport, and that whoami agreed.
func checkConnectedAs(t *testing.T, r *nodeRun, rec *recorder, transport string) string {
	t.Helper()
	conn := r.first("connect")
	if conn == nil {
		t.Fatalf("client never connected:\n%s", r.dump())
	}
	id := conn.str("id")
	if _, ok := rec.conn(id); !ok {
		t.Errorf("client connected as %q but the server's OnConnection never saw that id (saw %v)", id, rec.ids())
	}
	if who := r.first("whoami"); who != nil {
		if got := who.obj("server").str("transport"); got != transport {
			t.Errorf("server-side Transport() = %q, want %q", got, transport)
		}
	}
	return id
}

// (a) and (b): a single transport, echo with ack.
func TestSingleTransport(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			r := runScenario(t, "basic", url, map[string]any{"transport": tr})
			r.requireOK(t)
			if got := r.first("connect").str("transport"); got != tr {
				t.Errorf("client transport at connect = %q, want %q", got, tr)
			}
			if got := r.first("transport").str("transport"); got != tr {
				t.Errorf("client transport at the end = %q, want %q (no upgrade expected)", got, tr)
			}
			id := checkConnectedAs(t, r, rec, tr)
			rec.expectSingleDisconnect(t, id, "client namespace disconnect")
		})
	}
}

// (c): polling first, then the upgrade to websocket.
func TestPollingUpgradesToWebSocket(t *testing.T) {
	rec := newRecorder()
	_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
	r := runScenario(t, "upgrade", url, nil)
	r.requireOK(t)
	up := r.first("upgrade")
	if up == nil {
		t.Fatalf("no upgrade event:\n%s", r.dump())
	}
	if up.str("before") != "polling" || up.str("after") != "websocket" {
		t.Errorf("transport before/after upgrade = %q/%q, want polling/websocket", up.str("before"), up.str("after"))
	}
	if c, ok := rec.conn(r.first("connect").str("id")); ok && c.transport != "polling" {
		t.Errorf("Transport() in OnConnection = %q, want polling (the client starts with polling)", c.transport)
	}
	id := checkConnectedAs(t, r, rec, "websocket")
	rec.expectSingleDisconnect(t, id, "client namespace disconnect")
}

// Traffic both ways during the polling -> websocket upgrade.
func TestUpgradeUnderTraffic(t *testing.T) {
	rec := newRecorder()
	_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
	r := runScenario(t, "upgrade-traffic", url, map[string]any{"count": 300, "burst": 200, "probeDelayMs": 150})
	r.requireOK(t)
	// Timing decides where exactly the upgrade falls; say where it did.
	tr := r.first("traffic")
	during := tr.num("upgradedAfterEmits") > 0 && tr.num("upgradedAfterEmits") < tr.num("sent")
	t.Logf("upgrade after %v of %v client emits and %v server ticks (during the traffic: %v)",
		tr["upgradedAfterEmits"], tr["sent"], tr["upgradedAfterTicks"], during)
}

// (d): acks both ways.
func TestAcksBothWays(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			r := runScenario(t, "acks", url, map[string]any{"transport": tr})
			r.requireOK(t)
			id := r.first("connect").str("id")
			select {
			case a := <-rec.asks:
				if a.id != id || a.answer != "answer to life" || a.doubled != 42 {
					t.Errorf("server's ack callback got %+v, want id %s, answer %q, doubled 42", a, id, "answer to life")
				}
			case <-time.After(2 * time.Second):
				t.Errorf("the server's ack callback for \"ask\" was never called")
			}
		})
	}
}

// (e): binary both ways; with forceBase64 the client sends binary as base64
// text ("b..." packets) even on websocket.
func TestBinaryBothWays(t *testing.T) {
	for _, c := range []struct {
		transport string
		b64       bool
	}{{"websocket", false}, {"polling", false}, {"websocket", true}, {"polling", true}} {
		name := c.transport
		if c.b64 {
			name += "/base64"
		}
		t.Run(name, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			r := runScenario(t, "binary", url, map[string]any{"transport": c.transport, "forceBase64": c.b64})
			r.requireOK(t)
			if n := len(r.all("binary")); n != 4 {
				t.Errorf("got %d binary round trips, want 4", n)
			}
		})
	}
}

// Large text messages, and sizes around the WebSocket frame-length
// boundaries, both ways.
func TestLargeMessages(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			r := runScenario(t, "big", url, map[string]any{"transport": tr, "timeoutMs": 60000})
			r.requireOK(t)
		})
	}
}

// (f): the server disconnects the socket.
func TestServerDisconnect(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			r := runScenario(t, "server-disconnect", url, map[string]any{"transport": tr})
			r.requireOK(t)
			if got := r.first("disconnect").str("reason"); got != "io server disconnect" {
				t.Errorf("client disconnect reason = %q, want %q", got, "io server disconnect")
			}
			rec.expectSingleDisconnect(t, r.first("connect").str("id"), "server namespace disconnect")
		})
	}
}

// (g): the client disconnects; OnDisconnect runs once.
func TestClientDisconnect(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			r := runScenario(t, "client-disconnect", url, map[string]any{"transport": tr})
			r.requireOK(t)
			rec.expectSingleDisconnect(t, r.first("connect").str("id"), "client namespace disconnect")
		})
	}
}

// (h): a client that stops answering pings is closed after
// pingInterval+pingTimeout with reason "ping timeout".
func TestPingTimeout(t *testing.T) {
	const interval, timeout = 300 * time.Millisecond, 200 * time.Millisecond
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) },
				tornadio.WithPingInterval(interval), tornadio.WithPingTimeout(timeout))
			r := runScenario(t, "ping-timeout", url, map[string]any{
				"transport": tr, "waitMs": 8000,
				"pingInterval": interval.Milliseconds(), "pingTimeout": timeout.Milliseconds(),
			})
			r.requireOK(t) // includes the client-side timing checks
			id := r.first("connect").str("id")
			checkPingTimeout(t, rec, id, interval, timeout)
			if r.first("disconnect") == nil {
				t.Errorf("the client never saw the connection close")
			}
		})
	}
}

// Namespaces: "/" and "/admin" multiplexed on one Engine.IO connection; an
// unknown namespace is refused; leaving one namespace keeps the other.
func TestNamespaces(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			r := runScenario(t, "namespaces", url, map[string]any{"transport": tr})
			r.requireOK(t)
			conn := r.first("connect")
			rootID, adminID := conn.str("id"), conn.str("adminID")
			if _, ok := rec.conn(adminID); !ok {
				t.Errorf("/admin OnConnection never saw %q", adminID)
			}
			rec.expectSingleDisconnect(t, adminID, "client namespace disconnect")
			rec.expectSingleDisconnect(t, rootID, "client namespace disconnect")
		})
	}
}

// Emits from several goroutines at once reach the client complete and in
// order per goroutine (Socket methods are safe from any goroutine).
func TestConcurrentEmits(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			r := runScenario(t, "burst", url, map[string]any{"transport": tr, "goroutines": 4, "count": 250})
			r.requireOK(t)
		})
	}
}

// Shutdown with clients connected: each socket's OnDisconnect runs once with
// "server shutting down", and the clients see the connection go.
func TestShutdownDisconnectsClients(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			srv := newUnstarted(t, func(s *tornadio.Server) { installTestNamespace(s, rec) })
			if err := srv.Start("127.0.0.1:0"); err != nil {
				t.Fatalf("Start: %v", err)
			}
			url := "http://" + srv.Addr()
			const clients = 3
			type proc struct {
				lr   *lineReader
				seen []obs
			}
			var ps []*proc
			for range clients {
				raw, _ := json.Marshal(map[string]any{"transport": tr, "waitMs": 15000, "timeoutMs": 30000})
				ps = append(ps, &proc{lr: startNode(t, nil, "scenario.js", "wait-disconnect", url, string(raw))})
			}
			var ids []string
			for _, p := range ps {
				c, err := p.lr.waitEvent("connect", 20*time.Second, &p.seen)
				if err != nil {
					shutdown(t, srv)
					t.Fatalf("%v: %v", err, p.seen)
				}
				ids = append(ids, c.str("id"))
			}
			start := time.Now()
			shutdown(t, srv)
			t.Logf("Shutdown with %d clients took %v", clients, time.Since(start).Round(time.Millisecond))
			for i, p := range ps {
				d, err := p.lr.waitEvent("done", 20*time.Second, &p.seen)
				if err != nil || d["ok"] != true {
					t.Errorf("client %d: %v %v: %v", i, err, d, p.seen)
				}
				if disc := findEvent(p.seen, "disconnect"); disc == nil {
					t.Errorf("client %d never saw a disconnect: %v", i, p.seen)
				} else {
					t.Logf("client %d: disconnect reason %q", i, disc.str("reason"))
				}
			}
			for _, id := range ids {
				rec.expectSingleDisconnect(t, id, "server shutting down")
			}
		})
	}
}

// A message over WithMaxPayload closes the connection; the handshake
// advertises the limit.
func TestMaxPayload(t *testing.T) {
	const limit = 2000
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			rec := newRecorder()
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) }, tornadio.WithMaxPayload(limit))
			r := runScenario(t, "too-big", url, map[string]any{"transport": tr, "size": 5 * limit, "maxPayload": limit})
			r.requireOK(t)
			// Once, with the reason Node's server gives an oversized
			// message on both transports (for polling: the POST is
			// answered 413 and the session closed with that reason).
			ev := rec.expectSingleDisconnect(t, r.first("connect").str("id"), "transport error")
			t.Logf("server-side reason %q, client reason %q", ev.reason, r.first("disconnect").str("reason"))
		})
	}
}

// WithAllowedOrigins: an allowed Origin connects (both transports), another
// is refused, over HTTP (403) and through socket.io-client.
func TestAllowedOrigins(t *testing.T) {
	const good, evil = "http://good.example", "http://evil.example"
	rec := newRecorder()
	_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) }, tornadio.WithAllowedOrigins(good))

	for _, c := range []struct {
		origin string
		status int
	}{{good, http.StatusOK}, {evil, http.StatusForbidden}} {
		req, _ := http.NewRequest("GET", url+"/socket.io/?EIO=4&transport=polling", nil)
		req.Header.Set("Origin", c.origin)
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("handshake from %s: %v", c.origin, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("handshake from %s: status %d, want %d (%q)", c.origin, resp.StatusCode, c.status, body)
		}
		acao := resp.Header.Get("Access-Control-Allow-Origin")
		if c.origin == good && acao != good {
			t.Errorf("handshake from %s: Access-Control-Allow-Origin %q, want %q", c.origin, acao, good)
		}
		if c.origin == evil && acao != "" {
			t.Errorf("handshake from %s: Access-Control-Allow-Origin %q, want none", c.origin, acao)
		}
	}

	for _, tr := range transports {
		for _, origin := range []string{good, evil} {
			t.Run(tr+"/"+strings.TrimPrefix(origin, "http://"), func(t *testing.T) {
				r := runScenario(t, "origin", url, map[string]any{"transport": tr, "origin": origin})
				r.requireOK(t)
				if origin == good && r.first("connect") == nil {
					t.Errorf("allowed origin %s could not connect over %s", origin, tr)
				}
				if origin == evil && r.first("connect") != nil {
					t.Errorf("origin %s connected over %s, want it refused", origin, tr)
				}
			})
		}
	}
}

// checkPingTimeout checks the server side of a ping timeout: one disconnect,
// reason "ping timeout", not later than a generous bound. The lower bounds are
// checked by the client, relative to the handshake and to the unanswered ping
// (OnConnection may come late when the machine is loaded).
func checkPingTimeout(t *testing.T, rec *recorder, id string, interval, timeout time.Duration) {
	t.Helper()
	c, _ := rec.conn(id)
	ev := rec.expectSingleDisconnect(t, id, "ping timeout")
	elapsed := ev.at.Sub(c.at)
	if hi := 3*(interval+timeout) + time.Second; elapsed > hi {
		t.Errorf("ping timeout after %v from OnConnection, want at most %v", elapsed, hi)
	} else {
		t.Logf("ping timeout after %v from OnConnection", elapsed)
	}
}

// seedHandler is a tornadio.Handler that accepts only one auth token.
type seedHandler struct {
	token string

	mu      sync.Mutex
	opens   map[string]bool   // socket id -> accepted
	queries map[string]string // socket id -> "token" query parameter
	closes  map[string][]tornadio.DisconnectReason
	msgs    chan tornadio.Message
	sendErr error
}

func (h *seedHandler) OnOpen(s *tornadio.Socket, req *tornadio.Request) error {
	tok := requestToken(req)
	ok := tok == h.token
	h.mu.Lock()
	h.opens[s.ID()] = ok
	h.queries[s.ID()] = req.Query().Get("token")
	h.mu.Unlock()
	if !ok {
		return fmt.Errorf("bad token %q", tok)
	}
	return nil
}

func (h *seedHandler) OnMessage(s *tornadio.Socket, m tornadio.Message) {
	h.msgs <- m
	var reply any = map[string]any{"echo": m.Data, "args": len(m.Args)}
	if b, ok := m.Data.([]byte); ok {
		reply = b // binary goes back as it came, an attachment
	}
	if err := s.Send(reply); err != nil {
		h.mu.Lock()
		h.sendErr = err
		h.mu.Unlock()
	}
}

func (h *seedHandler) OnClose(s *tornadio.Socket, reason tornadio.DisconnectReason) {
	h.mu.Lock()
	h.closes[s.ID()] = append(h.closes[s.ID()], reason)
	h.mu.Unlock()
}

// (i): the seed-style Handler.
func TestSeedHandler(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			h := &seedHandler{
				token:   "let-me-in",
				opens:   map[string]bool{},
				queries: map[string]string{},
				closes:  map[string][]tornadio.DisconnectReason{},
				msgs:    make(chan tornadio.Message, 16),
			}
			_, url := startServer(t, func(s *tornadio.Server) { s.Handle(h) })
			r := runScenario(t, "handler", url, map[string]any{"transport": tr, "token": h.token})
			r.requireOK(t)
			// As with Node's middleware errors, the client's err.message is
			// the error OnOpen returned.
			if ce := r.first("connect_error"); ce == nil || ce.str("message") != `bad token "wrong"` {
				t.Errorf("the wrong token gave connect_error %v, want message %q", ce, `bad token "wrong"`)
			}
			id := r.first("connect").str("id")

			var msgs []tornadio.Message
			for len(msgs) < 3 {
				select {
				case m := <-h.msgs:
					msgs = append(msgs, m)
					continue
				case <-time.After(2 * time.Second):
				}
				break
			}
			if len(msgs) != 3 {
				t.Fatalf("OnMessage called %d times, want 3: %#v", len(msgs), msgs)
			}
			want := map[string]any{"text": "hi", "n": 7, "nested": map[string]any{"ok": true, "list": []string{"a", "b"}}}
			if _, isMap := msgs[0].Data.(map[string]any); !isMap || !sameJSON(msgs[0].Data, want) {
				t.Errorf("OnMessage 1: Data = %#v, want the decoded object %v", msgs[0].Data, want)
			}
			if wantArgs := []any{"two", 2, map[string]any{"three": 3}}; msgs[1].Data != "two" || !sameJSON(msgs[1].Args, wantArgs) {
				t.Errorf("OnMessage 2: Data %#v, Args %#v; want \"two\" and %v", msgs[1].Data, msgs[1].Args, wantArgs)
			}
			if b, ok := msgs[2].Data.([]byte); !ok || !bytes.Equal(b, []byte{0, 1, 2, 250, 255}) {
				t.Errorf("OnMessage 3: Data = %#v, want the 5 bytes sent", msgs[2].Data)
			}

			time.Sleep(500 * time.Millisecond) // let the close settle; a second OnClose would show up
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.sendErr != nil {
				t.Errorf("Send: %v", h.sendErr)
			}
			accepted, refused := 0, 0
			for _, ok := range h.opens {
				if ok {
					accepted++
				} else {
					refused++
				}
			}
			if accepted != 1 || refused != 1 {
				t.Errorf("OnOpen: %d accepted, %d refused; want 1 and 1 (%v)", accepted, refused, h.opens)
			}
			if !h.opens[id] {
				t.Errorf("the connected client's id %q is not the one OnOpen accepted (%v)", id, h.opens)
			}
			if q := h.queries[id]; q != h.token {
				t.Errorf("Request.Query().Get(\"token\") = %q, want %q", q, h.token)
			}
			for sid, reasons := range h.closes {
				if !h.opens[sid] {
					t.Errorf("OnClose called for refused socket %s: %v", sid, reasons)
				}
			}
			if got := h.closes[id]; len(got) != 1 || got[0] != "client namespace disconnect" {
				t.Errorf("OnClose for %s: %v, want exactly one %q", id, got, "client namespace disconnect")
			}
		})
	}
}

// The seed Handler beside OnConnection/On/OnDisconnect on "/": a refused
// socket never reaches OnConnection, an accepted one gets both, and both
// close callbacks run once.
func TestHandlerBesideNamespaceCallbacks(t *testing.T) {
	h := &seedHandler{
		token:   "let-me-in",
		opens:   map[string]bool{},
		queries: map[string]string{},
		closes:  map[string][]tornadio.DisconnectReason{},
		msgs:    make(chan tornadio.Message, 16),
	}
	rec := newRecorder()
	_, url := startServer(t, func(s *tornadio.Server) {
		s.Handle(h)
		installTestNamespace(s, rec)
	})
	r := runScenario(t, "handler", url, map[string]any{"transport": "websocket", "token": h.token})
	r.requireOK(t)
	id := r.first("connect").str("id")
	rec.expectSingleDisconnect(t, id, "client namespace disconnect")
	h.mu.Lock()
	defer h.mu.Unlock()
	for sid, ok := range h.opens {
		_, connected := rec.conn(sid)
		if ok != connected {
			t.Errorf("socket %s: OnOpen accepted=%v but OnConnection seen=%v", sid, ok, connected)
		}
	}
	if got := h.closes[id]; len(got) != 1 || got[0] != "client namespace disconnect" {
		t.Errorf("OnClose for %s: %v, want exactly one %q", id, got, "client namespace disconnect")
	}
}

func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// TestManyWebSocketClients connects 1000 websocket clients (4 Node.js
// processes of 250) and checks that the server does not run a goroutine per
// client.
func TestManyWebSocketClients(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	node := requireNode(t)
	total, procs := 1000, 4
	if v, err := strconv.Atoi(os.Getenv("INTEROP_CLIENTS")); err == nil && v > 0 {
		total = v
	}
	per := total / procs
	total = per * procs

	rec := newRecorder()
	// Long heartbeats: this test is about connection count, not liveness.
	_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) },
		tornadio.WithPingInterval(10*time.Second), tornadio.WithPingTimeout(20*time.Second))

	type proc struct {
		cmd    *exec.Cmd
		stdin  interface{ Write([]byte) (int, error) }
		lr     *lineReader
		seen   []obs
		stderr bytes.Buffer
	}
	ps := make([]*proc, procs)
	for i := range ps {
		p := &proc{}
		opts, _ := json.Marshal(map[string]any{"clients": per, "concurrency": 25, "timeoutMs": 240000})
		p.cmd = exec.Command(node, "scenario.js", "load", url, string(opts))
		p.cmd.Dir = nodeDir
		p.cmd.Stderr = &p.stderr
		p.cmd.WaitDelay = 2 * time.Second
		in, err := p.cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		p.stdin = in
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		p.lr = newLineReader(out)
		ps[i] = p
		t.Cleanup(func() {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		})
	}
	dump := func() string {
		var b bytes.Buffer
		for i, p := range ps {
			fmt.Fprintf(&b, "process %d:\n", i)
			for _, l := range p.seen {
				fmt.Fprintf(&b, "  %s\n", l)
			}
			if p.stderr.Len() > 0 {
				fmt.Fprintf(&b, "  stderr: %s\n", p.stderr.String())
			}
		}
		return b.String()
	}
	for _, p := range ps {
		if _, err := p.lr.waitEvent("ready", 20*time.Second, &p.seen); err != nil {
			t.Fatalf("%v\n%s", err, dump())
		}
	}

	// Baseline: server running, the test's own helper goroutines running,
	// no client connected yet.
	runtime.GC()
	time.Sleep(200 * time.Millisecond)
	before := runtime.NumGoroutine()

	start := time.Now()
	for _, p := range ps {
		if _, err := p.stdin.Write([]byte("go\n")); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range ps {
		if _, err := p.lr.waitEvent("holding", 200*time.Second, &p.seen); err != nil {
			t.Fatalf("%v\n%s", err, dump())
		}
	}
	connectTime := time.Since(start)
	if got := rec.connCount.Load(); got != int64(total) {
		t.Errorf("server saw %d connections, want %d", got, total)
	}
	for _, p := range ps {
		for _, l := range p.seen {
			if l.str("event") == "check" && l["ok"] != true {
				t.Errorf("client check failed: %s", l)
			}
		}
	}
	// Sample a few times while every client is connected and idle.
	during := 0
	for range 5 {
		if n := runtime.NumGoroutine(); n > during {
			during = n
		}
		time.Sleep(100 * time.Millisecond)
	}
	const slack = 32
	t.Logf("%d clients connected in %v; goroutines before %d, during %d (server saw %d connections)",
		total, connectTime.Round(time.Millisecond), before, during, rec.connCount.Load())
	if during > before+slack {
		t.Errorf("goroutines grew from %d to %d with %d clients connected: more than the constant slack of %d, looks like per-client goroutines",
			before, during, total, slack)
	}

	for _, p := range ps {
		_, _ = p.stdin.Write([]byte("close\n"))
	}
	for _, p := range ps {
		if _, err := p.lr.waitEvent("done", 60*time.Second, &p.seen); err != nil {
			t.Errorf("%v", err)
		}
		if still := findEvent(p.seen, "stillConnected"); still != nil && int(still.num("count")) != per {
			t.Errorf("a client process lost connections while holding: %s", still)
		}
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("client process: %v", err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for rec.discCount.Load() < int64(total) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := rec.discCount.Load(); got != int64(total) {
		t.Errorf("server saw %d disconnects after the clients left, want %d", got, total)
	}
	if t.Failed() {
		t.Logf("client output:\n%s", dump())
	}
}

func findEvent(lines []obs, ev string) obs {
	for _, l := range lines {
		if l.str("event") == ev {
			return l
		}
	}
	return nil
}

// TestEIO3Client runs socket.io-client 2.x (Engine.IO protocol 3) against
// the server.
func TestEIO3Client(t *testing.T) {
	cases := []struct{ scenario, transport string }{
		{"basic", "websocket"}, {"basic", "polling"},
		{"upgrade", "any"},
		{"binary", "websocket"}, {"binary", "polling"},
		{"binary-b64", "websocket"}, {"binary-b64", "polling"},
		{"server-disconnect", "websocket"}, {"server-disconnect", "polling"},
		{"client-disconnect", "websocket"}, {"client-disconnect", "polling"},
		{"ping-timeout", "websocket"}, {"ping-timeout", "polling"},
	}
	for _, c := range cases {
		t.Run(c.scenario+"/"+c.transport, func(t *testing.T) {
			rec := newRecorder()
			const interval, timeout = 300 * time.Millisecond, 200 * time.Millisecond
			var heartbeat []tornadio.Option
			if c.scenario == "ping-timeout" {
				heartbeat = []tornadio.Option{tornadio.WithPingInterval(interval), tornadio.WithPingTimeout(timeout)}
			}
			_, url := startServer(t, func(s *tornadio.Server) { installTestNamespace(s, rec) }, heartbeat...)
			scenario, b64 := strings.CutSuffix(c.scenario, "-b64")
			raw, _ := json.Marshal(map[string]any{"transport": c.transport, "timeoutMs": 20000, "forceBase64": b64,
				"pingInterval": interval.Milliseconds(), "pingTimeout": timeout.Milliseconds()})
			r := runScript(t, 30*time.Second, "scenario-v2.js", scenario, url, string(raw))
			r.requireOK(t)
			id := r.first("connect").str("id")
			switch c.scenario {
			case "basic", "client-disconnect":
				want := c.transport
				checkConnectedAs(t, r, rec, want)
				rec.expectSingleDisconnect(t, id, "client namespace disconnect")
			case "upgrade":
				checkConnectedAs(t, r, rec, "websocket")
			case "server-disconnect":
				rec.expectSingleDisconnect(t, id, "server namespace disconnect")
			case "ping-timeout":
				checkPingTimeout(t, rec, id, interval, timeout)
				if r.first("disconnect") == nil {
					t.Errorf("the client never saw the connection close")
				}
			}
		})
	}
}
