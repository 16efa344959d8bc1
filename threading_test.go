package tornadio_test

// The threading contract of Socket and Namespace, end to end: with 4 event
// loops and 50 raw websocket clients, Socket.Emit is called from 8 goroutines
// at once, Socket.Disconnect from another and Namespace.Emit from yet others,
// none of them a handler. Under -race there must be no data race, every
// client must receive every event exactly once and in per-goroutine order,
// and a disconnected client nothing after its DISCONNECT packet.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

const (
	tcThreadClients     = 50
	tcThreadEmitters    = 8
	tcThreadEvents      = 60 // per emitter and socket
	tcThreadNsEmitters  = 3
	tcThreadNsEvents    = 40 // per namespace emitter
	tcThreadDisconnects = 10 // the last clients are disconnected by the server
)

// tcClientLog is what one client received, in order.
type tcClientLog struct {
	ev         [tcThreadEmitters][]int   // "ev" events by emitter
	all        [tcThreadNsEmitters][]int // "all" events by namespace emitter
	gotDisc    bool                      // the DISCONNECT packet "41"
	afterDisc  []string                  // packets after it
	gotEnd     bool
	unexpected []string
	err        error
}

func TestThreadingEmitFromGoroutines(t *testing.T) {
	t.Run("loop", func(t *testing.T) { tcThreading(t) })
	t.Run("workers", func(t *testing.T) { tcThreading(t, tornadio.WithWorkers(3)) })
}

func tcThreading(t *testing.T, opts ...tornadio.Option) {
	var (
		mu      sync.Mutex
		sockets = make(map[string]*tornadio.Socket)
		reasons = make(map[string][]tornadio.DisconnectReason)
		events  = make(map[string]int) // events the handler saw, by socket
	)
	connected := make(chan struct{}, tcThreadClients)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			mu.Lock()
			sockets[s.ID()] = s
			mu.Unlock()
			s.OnDisconnect(func(r tornadio.DisconnectReason) {
				mu.Lock()
				reasons[s.ID()] = append(reasons[s.ID()], r)
				mu.Unlock()
			})
			// Client-to-server traffic while the emits run: the handler
			// emits back from the loop (or worker) too.
			s.On("ping-me", func(n int) {
				// Count after the emit, so that a count seen by the test
				// means the answer is already queued on the loop.
				s.Emit("pong-you", n)
				mu.Lock()
				events[s.ID()]++
				mu.Unlock()
			})
			connected <- struct{}{}
		})
	}, opts...)
	base := tcGoroutines()

	clients := make([]*tcWS, tcThreadClients)
	ids := make([]string, tcThreadClients)
	for i := range clients {
		clients[i] = tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
		_, ids[i] = clients[i].connectSIO()
	}
	for range tcThreadClients {
		select {
		case <-connected:
		case <-time.After(tcIOTimeout):
			t.Fatal("not every OnConnection ran")
		}
	}
	mu.Lock()
	socks := make([]*tornadio.Socket, tcThreadClients)
	for i, id := range ids {
		if socks[i] = sockets[id]; socks[i] == nil {
			t.Fatalf("client %d: no socket %s", i, id)
		}
	}
	mu.Unlock()
	disconnected := func(i int) bool { return i >= tcThreadClients-tcThreadDisconnects }

	// Readers: one goroutine per client, until "end" (or "41" and then a
	// quiet period, for the clients the server disconnects).
	logs := make([]tcClientLog, tcThreadClients)
	pongs := make([]int, tcThreadClients)
	var readers sync.WaitGroup
	for i, w := range clients {
		readers.Add(1)
		go func() {
			defer readers.Done()
			lg := &logs[i]
			for {
				p, err := w.readPacket()
				if err != nil {
					lg.err = err
					return
				}
				if lg.gotDisc {
					lg.afterDisc = append(lg.afterDisc, p)
					continue
				}
				if p == "41" {
					lg.gotDisc = true
					// Anything after this is a bug; look for it for a while.
					for {
						p, err := w.readPacketWithin(300 * time.Millisecond)
						if err != nil {
							if tcIsGone(err) {
								lg.err = err
							}
							return
						}
						lg.afterDisc = append(lg.afterDisc, p)
					}
				}
				name, args, err := tcParseEvent(p)
				if err != nil {
					lg.unexpected = append(lg.unexpected, p)
					continue
				}
				var g, n int
				if len(args) == 2 {
					json.Unmarshal(args[0], &g)
					json.Unmarshal(args[1], &n)
				}
				switch {
				case name == "ev" && len(args) == 2 && g >= 0 && g < tcThreadEmitters:
					lg.ev[g] = append(lg.ev[g], n)
				case name == "all" && len(args) == 2 && g >= 0 && g < tcThreadNsEmitters:
					lg.all[g] = append(lg.all[g], n)
				case name == "pong-you":
					pongs[i]++
				case name == "end":
					lg.gotEnd = true
					return
				default:
					lg.unexpected = append(lg.unexpected, p)
				}
			}
		}()
	}

	// Writers: 8 goroutines emit to every socket, others emit to the whole
	// namespace, one disconnects the last sockets half way, and the clients
	// send events whose handlers emit back.
	var writers sync.WaitGroup
	var errMu sync.Mutex
	var errs []string
	fail := func(format string, args ...any) {
		errMu.Lock()
		errs = append(errs, fmt.Sprintf(format, args...))
		errMu.Unlock()
	}
	half := make(chan struct{})
	for g := range tcThreadEmitters {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for n := range tcThreadEvents {
				if g == 0 && n == tcThreadEvents/2 {
					close(half)
				}
				for i, s := range socks {
					err := s.Emit("ev", g, n)
					if err != nil && !(disconnected(i) && errors.Is(err, tornadio.ErrDisconnected)) {
						fail("Emit(ev, %d, %d) to client %d: %v", g, n, i, err)
					}
				}
			}
		}()
	}
	for g := range tcThreadNsEmitters {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for n := range tcThreadNsEvents {
				if err := srv.Of("/").Emit("all", g, n); err != nil {
					fail("Namespace.Emit(all, %d, %d): %v", g, n, err)
				}
			}
		}()
	}
	writers.Add(1)
	go func() {
		defer writers.Done()
		<-half
		for i, s := range socks {
			if disconnected(i) {
				if err := s.Disconnect(); err != nil {
					fail("Disconnect client %d: %v", i, err)
				}
			}
		}
	}()
	const pings = 20
	for i, w := range clients[:tcThreadClients-tcThreadDisconnects] {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for n := range pings {
				if err := w.writeFrame(frames.OpText, true, fmt.Appendf(nil, `42["ping-me",%d]`, n)); err != nil {
					fail("client %d: write: %v", i, err)
					return
				}
			}
		}()
	}
	writers.Wait()
	// The handlers' answers are emitted on the sockets' loops; wait until
	// every ping has been handled before the final namespace emit, so that
	// "end" is the last packet of every connected client.
	ok := tcWaitFor(tcIOTimeout, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for i := range tcThreadClients - tcThreadDisconnects {
			if events[socks[i].ID()] < pings {
				return false
			}
		}
		return true
	})
	if !ok {
		t.Errorf("not every ping-me reached its handler")
	}
	if err := srv.Of("/").Emit("end"); err != nil {
		t.Fatal(err)
	}
	readers.Wait()
	for _, e := range errs {
		t.Error(e)
	}

	for i := range clients {
		lg := &logs[i]
		if lg.err != nil {
			t.Errorf("client %d: read: %v", i, lg.err)
		}
		if len(lg.unexpected) > 0 {
			t.Errorf("client %d: unexpected packets %q", i, lg.unexpected)
		}
		if disconnected(i) {
			if !lg.gotDisc || lg.gotEnd || len(lg.afterDisc) > 0 {
				t.Errorf("client %d: DISCONNECT %v, end %v, packets after DISCONNECT %q", i, lg.gotDisc, lg.gotEnd, lg.afterDisc)
			}
			// Before the DISCONNECT: a prefix of each emitter's events, each once.
			for g, got := range lg.ev {
				for k, n := range got {
					if n != k {
						t.Errorf("client %d: emitter %d: events %v are not 0,1,2,...", i, g, got)
						break
					}
				}
			}
			for g, got := range lg.all {
				for k, n := range got {
					if n != k {
						t.Errorf("client %d: namespace emitter %d: events %v are not 0,1,2,...", i, g, got)
						break
					}
				}
			}
			continue
		}
		if !lg.gotEnd || lg.gotDisc {
			t.Errorf("client %d: end %v, DISCONNECT %v", i, lg.gotEnd, lg.gotDisc)
		}
		for g, got := range lg.ev {
			if !tcIsSeq(got, tcThreadEvents) {
				t.Errorf("client %d: emitter %d: got %d events %v, want 0..%d once each in order", i, g, len(got), tcHead(got), tcThreadEvents-1)
			}
		}
		for g, got := range lg.all {
			if !tcIsSeq(got, tcThreadNsEvents) {
				t.Errorf("client %d: namespace emitter %d: got %d events %v, want 0..%d once each in order", i, g, len(got), tcHead(got), tcThreadNsEvents-1)
			}
		}
		if pongs[i] != pings {
			t.Errorf("client %d: %d pong-you, want %d", i, pongs[i], pings)
		}
	}
	if t.Failed() {
		return
	}

	// OnDisconnect: once, for the disconnected sockets only, so far.
	mu.Lock()
	for i, id := range ids {
		r := reasons[id]
		if disconnected(i) {
			if len(r) != 1 || r[0] != tornadio.ReasonServerNamespaceDisconnect {
				t.Errorf("client %d: OnDisconnect reasons %q, want [server namespace disconnect]", i, r)
			}
		} else if len(r) != 0 {
			t.Errorf("client %d: OnDisconnect reasons %q, want none yet", i, r)
		}
	}
	mu.Unlock()
	for i, s := range socks {
		if s.Connected() == disconnected(i) {
			t.Errorf("client %d: Connected() = %v", i, s.Connected())
		}
		if disconnected(i) {
			if err := s.Emit("ev", 0, 0); !errors.Is(err, tornadio.ErrDisconnected) {
				t.Errorf("client %d: Emit after Disconnect: %v", i, err)
			}
		}
	}

	// Close every client; each remaining socket sees exactly one more
	// OnDisconnect and no session is left.
	for i, w := range clients {
		if disconnected(i) {
			// The Engine.IO session outlived the socket: it still answers.
			w.writeText("40")
			if id, err := tcParseConnect(w.mustReadPacket()); err != nil || id == ids[i] {
				t.Errorf("client %d: reconnect: %v (id %s)", i, err, id)
			}
		}
		w.closeHandshake(t)
	}
	tcWaitSessions(t, srv, 0)
	mu.Lock()
	for i, id := range ids {
		if r := reasons[id]; len(r) != 1 || (!disconnected(i) && r[0] != tornadio.ReasonTransportClose) {
			t.Errorf("client %d: OnDisconnect reasons %q", i, r)
		}
	}
	mu.Unlock()
	tcAssertHealthy(t, srv, 0, base)
}

// tcIsSeq reports whether got is 0..n-1.
func tcIsSeq(got []int, n int) bool {
	if len(got) != n {
		return false
	}
	for k, v := range got {
		if v != k {
			return false
		}
	}
	return true
}

// tcHead shortens a long slice for a message.
func tcHead(s []int) []int {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}

// TestThreadingNamespaceEmitPolling: Namespace.Emit from goroutines reaches
// polling clients (the queue path) exactly once and in per-goroutine order.
func TestThreadingNamespaceEmitPolling(t *testing.T) {
	const clients, emitters, events = 8, 4, 50
	srv := tcStartServer(t, nil)
	base := tcGoroutines()
	hs := make([]*tcHTTP, clients)
	sids := make([]string, clients)
	for i := range hs {
		hs[i] = tcDial(t, srv.Addr())
		sids[i] = hs[i].handshake()
		if code, b := hs[i].post(sids[i], "40"); code != 200 || b != "ok" {
			t.Fatalf("CONNECT POST: %d %q", code, b)
		}
		if code, b := hs[i].get(sids[i]); code != 200 || !strings.HasPrefix(b, "40{") {
			t.Fatalf("CONNECT answer: %d %q", code, b)
		}
	}
	got := make([][emitters][]int, clients)
	errs := make([]error, clients)
	var readers sync.WaitGroup
	for i, h := range hs {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				code, body, err := h.try("GET", tcPollPath(sids[i]), "")
				if err != nil || code != 200 {
					errs[i] = fmt.Errorf("GET: %d %q %v", code, body, err)
					return
				}
				for _, p := range tcSplitPayload(body) {
					name, args, err := tcParseEvent(p)
					var g, n int
					if err == nil && name == "all" && len(args) == 2 &&
						json.Unmarshal(args[0], &g) == nil && json.Unmarshal(args[1], &n) == nil && g >= 0 && g < emitters {
						got[i][g] = append(got[i][g], n)
						continue
					}
					if err == nil && name == "end" {
						return
					}
					errs[i] = fmt.Errorf("unexpected packet %q", p)
					return
				}
			}
		}()
	}
	var writers sync.WaitGroup
	for g := range emitters {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for n := range events {
				if err := srv.Of("/").Emit("all", g, n); err != nil {
					t.Errorf("Emit: %v", err)
				}
			}
		}()
	}
	writers.Wait()
	if err := srv.Of("/").Emit("end"); err != nil {
		t.Fatal(err)
	}
	readers.Wait()
	for i := range hs {
		if errs[i] != nil {
			t.Errorf("client %d: %v", i, errs[i])
			continue
		}
		for g, seq := range got[i] {
			if !tcIsSeq(seq, events) {
				t.Errorf("client %d: emitter %d: %d events %v, want 0..%d once each in order", i, g, len(seq), tcHead(seq), events-1)
			}
		}
	}
	for i, h := range hs {
		if code, b := h.post(sids[i], "1"); code != 200 || b != "ok" {
			t.Fatalf("close POST: %d %q", code, b)
		}
	}
	tcAssertHealthy(t, srv, 0, base)
}
