package tornadio_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// stLegacyHandler echoes each 0.6 message and refuses jsonp-polling.
type stLegacyHandler struct{ tornadio.NopHandler }

func (stLegacyHandler) OnOpen(s *tornadio.Socket, _ *tornadio.Request) error {
	if s.Transport() == "jsonp-polling" {
		return errors.New("no jsonp here")
	}
	return nil
}

func (stLegacyHandler) OnMessage(s *tornadio.Socket, m tornadio.Message) {
	text, _ := m.Data.(string)
	_ = s.Send("echo:" + text)
}

// TestStatsLegacyRoad: legacy 0.6 sessions count by their transport on the
// legacy road, their messages as events and bytes, their sockets in the
// main namespace; a session LegacyOpen refuses, and a websocket from an
// origin the legacy road refuses, count as forbidden.
func TestStatsLegacyRoad(t *testing.T) {
	lo := lgFastOptions()
	lo.PollCloseTimeout = time.Minute // the xhr-polling client stays, polling or not
	srv := lgStart(t, stLegacyHandler{}, lo, tornadio.WithLegacyOrigins("127.0.0.1:*"))
	st := srv.Stats()
	var w stWant
	for _, tr := range []string{"xhr-polling", "jsonp-polling", "xhr-multipart", "htmlfile", "websocket", "flashsocket"} {
		w.eq(tr+" legacy sessions", stGauge(st, tr, tornadio.RoadLegacy), 0)
	}
	w.eq("websocket sessions", stGauge(st, "websocket", tornadio.RoadCurrent), 0)
	if err := w.err(); err != nil {
		t.Fatalf("before any client: %v", err)
	}

	p, _ := lgOpenPoll(t, srv.Addr(), false, "")
	before := stWait(t, srv.Stats, "xhr-polling session", func(st tornadio.Stats) error {
		var w stWant
		w.eq("Handshakes", st.Handshakes, 1)
		w.eq("xhr-polling sessions", stGauge(st, "xhr-polling", tornadio.RoadLegacy), 1)
		w.eq("Sockets", st.Sockets["/"], 1)
		w.eq("Connects", st.Connects["/"], 1)
		return w.err()
	})
	p.send(lgFrame("hi"))
	if msgs, _ := lgCollect(t, p, 1, 5*time.Second); len(msgs) != 1 || msgs[0] != "echo:hi" {
		t.Fatalf("echo %q", msgs)
	}
	stWait(t, srv.Stats, "message and echo", func(st tornadio.Stats) error {
		var w stWant
		w.eq("EventsIn", st.EventsIn, 1)
		w.eq("EventsOut", st.EventsOut, 1)
		w.eq("BytesIn", st.BytesIn, len("hi"))
		w.eq("BytesOut", st.BytesOut, before.BytesOut+uint64(len(lgFrame("echo:hi"))))
		return w.err()
	})

	ws, _ := lgOpenWS(t, srv.Addr(), "websocket", "rfc6455", "")
	fs, _ := lgOpenWS(t, srv.Addr(), "flashsocket", "rfc6455", "")
	r := lgDial(t, srv.Addr())
	if resp, body := r.roundTrip("GET", "/socket.io/jsonp-polling//1300000000001/0", nil, ""); resp.StatusCode != 403 {
		t.Fatalf("refused jsonp-polling: %d %q", resp.StatusCode, body)
	}
	evil := lgDial(t, srv.Addr())
	if err := evil.write("GET /socket.io/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
		"Connection: Upgrade\r\nOrigin: http://evil.example\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if resp, body, err := evil.response(tcIOTimeout); err != nil || resp.StatusCode != 403 {
		t.Fatalf("websocket from a refused origin: %v %q %v", resp, body, err)
	}
	stWait(t, srv.Stats, "legacy websockets", func(st tornadio.Stats) error {
		var w stWant
		w.eq("websocket legacy sessions", stGauge(st, "websocket", tornadio.RoadLegacy), 1)
		w.eq("flashsocket legacy sessions", stGauge(st, "flashsocket", tornadio.RoadLegacy), 1)
		w.eq("websocket sessions", stGauge(st, "websocket", tornadio.RoadCurrent), 0)
		w.eq("jsonp-polling sessions", stGauge(st, "jsonp-polling", tornadio.RoadLegacy), 0)
		w.eq("forbidden", st.HandshakesRefused["forbidden"], 2)
		w.eq("bad request", st.HandshakesRefused["bad request"], 0)
		w.eq("Handshakes", st.Handshakes, 3)
		w.eq("Sockets", st.Sockets["/"], 3)
		return w.err()
	})

	ws.gone()
	fs.gone()
	stWait(t, srv.Stats, "legacy websockets gone", func(st tornadio.Stats) error {
		var w stWant
		w.eq("websocket legacy sessions", stGauge(st, "websocket", tornadio.RoadLegacy), 0)
		w.eq("flashsocket legacy sessions", stGauge(st, "flashsocket", tornadio.RoadLegacy), 0)
		w.eq("transport closes", st.Disconnects[tornadio.ReasonTransportClose], 2)
		w.eq("Sockets", st.Sockets["/"], 1)
		w.eq("Connects", st.Connects["/"], 3)
		return w.err()
	})
}

// TestStatsLoops: each loop tells how many connections it serves, how
// late its timers run (pings every 20ms here) and how many functions wait
// in its mailbox while a handler holds it.
func TestStatsLoops(t *testing.T) {
	blocked, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	srv := tcStartServer(t, func(s *tornadio.Server) {
		s.Of("/").OnConnection(func(so *tornadio.Socket) {
			so.On("block", func() {
				blocked <- struct{}{}
				<-release
			})
		})
	}, tornadio.WithPingInterval(20*time.Millisecond))
	t.Cleanup(unblock) // before the shutdown, registered earlier

	ws := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	ws.connectSIO()
	stWait(t, srv.Stats, "a connection and timer lag", func(st tornadio.Stats) error {
		var w stWant
		w.eq("connections", stConns(st), 1)
		var lag time.Duration
		for _, l := range st.Loops {
			lag = max(lag, l.TimerLag)
		}
		if lag <= 0 {
			w = append(w, "no loop has timer lag")
		}
		return w.err()
	})

	ws.writeText(`42["block"]`)
	select {
	case <-blocked:
	case <-time.After(tcIOTimeout):
		t.Fatal("the handler did not run")
	}
	for range 5 {
		if err := srv.Of("/").Emit("queued"); err != nil {
			t.Fatal(err)
		}
	}
	stWait(t, srv.Stats, "a held loop's mailbox", func(st tornadio.Stats) error {
		for _, l := range st.Loops {
			if l.MailboxDepth >= 5 {
				return nil
			}
		}
		return errors.New("no loop has 5 functions waiting")
	})
	unblock()
	stWait(t, srv.Stats, "mailboxes drained", func(st tornadio.Stats) error {
		for i, l := range st.Loops {
			if l.MailboxDepth != 0 {
				return fmt.Errorf("loop %d still has %d functions waiting", i, l.MailboxDepth)
			}
		}
		return nil
	})
	ws.close()
	stWait(t, srv.Stats, "no connection", func(st tornadio.Stats) error {
		var w stWant
		w.eq("connections", stConns(st), 0)
		return w.err()
	})
}

// TestStatsEngineServer: an EngineServer counts sessions, handshakes and
// message bytes; it has no sockets or events.
func TestStatsEngineServer(t *testing.T) {
	var e *engineEcho
	srv := startEngine(t, func(s *tornadio.EngineServer) { e = echo(s) })
	h := tcDial(t, srv.Addr())
	sid := h.engineHandshake()
	e.session(t)
	if code, body := h.roundTrip("POST", enginePoll+"&sid="+sid, "4hello"); code != 200 || body != "ok" {
		t.Fatalf("POST: %d %q", code, body)
	}
	if code, body := h.roundTrip("GET", enginePoll+"&sid="+sid, ""); code != 200 || body != "4hello" {
		t.Fatalf("GET: %d %q", code, body)
	}
	st := stWait(t, srv.Stats, "engine session", func(st tornadio.Stats) error {
		var w stWant
		w.eq("Handshakes", st.Handshakes, 1)
		w.eq("polling sessions", stGauge(st, "polling", tornadio.RoadCurrent), 1)
		w.eq("BytesIn", st.BytesIn, len("hello"))
		w.eq("BytesOut", st.BytesOut, len("hello"))
		w.eq("Loops", len(st.Loops), 2)
		return w.err()
	})
	if st.EventsIn != 0 || len(st.Sockets) != 0 || st.Broadcasts != 0 {
		t.Fatalf("an Engine.IO server with Socket.IO figures: %+v", st)
	}
}
