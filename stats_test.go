package tornadio_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// The counters of Server.Stats move as clients act. Counts are made on the
// event loops after the wire events a test sees, so the tests wait for
// them (stWait) rather than read them once.

// stGauge is the Sessions gauge of transport on road.
func stGauge(st tornadio.Stats, transport, road string) int {
	for _, g := range st.Sessions {
		if g.Transport == transport && g.Road == road {
			return g.Count
		}
	}
	return -1
}

// stConns is the number of connections the loops serve.
func stConns(st tornadio.Stats) int {
	n := 0
	for _, l := range st.Loops {
		n += l.Connections
	}
	return n
}

// stWait waits until cond holds for the server's stats and returns them;
// it fails the test with what was missing (cond's error) after 5s.
func stWait(t *testing.T, stats func() tornadio.Stats, what string, cond func(tornadio.Stats) error) tornadio.Stats {
	t.Helper()
	var st tornadio.Stats
	var err error
	tcWaitFor(5*time.Second, func() bool {
		st = stats()
		err = cond(st)
		return err == nil
	})
	if err != nil {
		t.Fatalf("%s: %v\nstats: %+v", what, err, st)
	}
	return st
}

// stWant collects mismatches: want(name, got, want) for each figure.
type stWant []string

func (w *stWant) eq(name string, got, want any) {
	if fmt.Sprint(got) != fmt.Sprint(want) {
		*w = append(*w, fmt.Sprintf("%s = %v, want %v", name, got, want))
	}
}

func (w stWant) err() error {
	if len(w) == 0 {
		return nil
	}
	return errors.New(strings.Join(w, "; "))
}

// TestStatsWebSocketClient follows one websocket client of the current
// road through every counter it moves: the handshake, its socket, events
// both ways and their bytes, a broadcast, ack timeouts of an emit and of a
// broadcast, a namespace disconnect, the end of the session and of its
// connection.
func TestStatsWebSocketClient(t *testing.T) {
	srv := tcStartServer(t, func(s *tornadio.Server) {
		s.Of("/").OnConnection(func(so *tornadio.Socket) {
			so.On("ping", func() { so.Emit("pong", 1) })
			so.On("ask", func() {
				so.Timeout(20*time.Millisecond).Emit("question", func(error, tornadio.Args) {})
			})
		})
	})
	st := srv.Stats()
	var w stWant
	w.eq("Handshakes", st.Handshakes, 0)
	w.eq("websocket sessions", stGauge(st, "websocket", tornadio.RoadCurrent), 0)
	w.eq("polling sessions", stGauge(st, "polling", tornadio.RoadCurrent), 0)
	w.eq("Sockets", st.Sockets["/"], 0)
	w.eq("Loops", len(st.Loops), 4)
	if err := w.err(); err != nil {
		t.Fatalf("before any client: %v", err)
	}

	ws := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	if _, err := tcParseOpen(ws.mustReadPacket()); err != nil {
		t.Fatal(err)
	}
	ws.writeText("40")
	connected := ws.mustReadPacket()
	if _, err := tcParseConnect(connected); err != nil {
		t.Fatal(err)
	}
	stWait(t, srv.Stats, "connected", func(st tornadio.Stats) error {
		var w stWant
		w.eq("Handshakes", st.Handshakes, 1)
		w.eq("websocket sessions", stGauge(st, "websocket", tornadio.RoadCurrent), 1)
		w.eq("Sockets", st.Sockets["/"], 1)
		w.eq("Connects", st.Connects["/"], 1)
		w.eq("connections", stConns(st), 1)
		return w.err()
	})

	ws.writeText(`42["ping"]`)
	pong := ws.mustReadPacket()
	if pong != `42["pong",1]` {
		t.Fatalf("pong %q", pong)
	}
	// Message payloads: "0" and `2["ping"]` in; the CONNECT answer and
	// the pong out (each without the Engine.IO type byte).
	in, out := uint64(len("0")+len(`2["ping"]`)), uint64(len(connected)-1+len(pong)-1)
	stWait(t, srv.Stats, "event and answer", func(st tornadio.Stats) error {
		var w stWant
		w.eq("EventsIn", st.EventsIn, 1)
		w.eq("EventsOut", st.EventsOut, 1)
		w.eq("BytesIn", st.BytesIn, in)
		w.eq("BytesOut", st.BytesOut, out)
		return w.err()
	})

	if err := srv.Of("/").Emit("news", "x"); err != nil {
		t.Fatal(err)
	}
	if p := ws.mustReadPacket(); p != `42["news","x"]` {
		t.Fatalf("broadcast %q", p)
	}
	stWait(t, srv.Stats, "broadcast", func(st tornadio.Stats) error {
		var w stWant
		w.eq("Broadcasts", st.Broadcasts, 1)
		w.eq("Deliveries", st.Deliveries, 1)
		w.eq("EventsOut", st.EventsOut, 2)
		w.eq("BytesOut", st.BytesOut, out+uint64(len(`2["news","x"]`)))
		return w.err()
	})

	// Two acks nobody answers: an emit's and a broadcast's.
	ws.writeText(`42["ask"]`)
	if p := ws.mustReadPacket(); !strings.HasPrefix(p, `42`) || !strings.Contains(p, `"question"`) {
		t.Fatalf("question %q", p)
	}
	if err := srv.Of("/").Timeout(20*time.Millisecond).Emit("poll", func(error, []tornadio.Args) {}); err != nil {
		t.Fatal(err)
	}
	if p := ws.mustReadPacket(); !strings.Contains(p, `"poll"`) {
		t.Fatalf("broadcast with ack %q", p)
	}
	stWait(t, srv.Stats, "ack timeouts", func(st tornadio.Stats) error {
		var w stWant
		w.eq("AckTimeouts", st.AckTimeouts, 2)
		w.eq("Broadcasts", st.Broadcasts, 2)
		return w.err()
	})

	ws.writeText("41")
	st = stWait(t, srv.Stats, "namespace disconnect", func(st tornadio.Stats) error {
		var w stWant
		w.eq("client namespace disconnects", st.Disconnects[tornadio.ReasonClientNamespaceDisconnect], 1)
		w.eq("Sockets", st.Sockets["/"], 0)
		w.eq("Connects", st.Connects["/"], 1)
		return w.err()
	})
	if st.Disconnects[tornadio.ReasonTransportClose] != 0 {
		t.Fatalf("transport close counted before the connection closed: %v", st.Disconnects)
	}

	ws.close()
	stWait(t, srv.Stats, "connection closed", func(st tornadio.Stats) error {
		var w stWant
		w.eq("websocket sessions", stGauge(st, "websocket", tornadio.RoadCurrent), 0)
		w.eq("connections", stConns(st), 0)
		w.eq("Handshakes", st.Handshakes, 1)
		return w.err()
	})
}

// TestStatsPolling: a polling session is counted as one until it upgrades,
// then as a websocket one; a volatile emit and a volatile broadcast are
// dropped while no GET waits; a client that does not poll while more than
// MaxBufferedBytes waits is cut.
func TestStatsPolling(t *testing.T) {
	sockets := make(chan *tornadio.Socket, 2)
	srv := tcStartServer(t, func(s *tornadio.Server) {
		s.Of("/").OnConnection(func(so *tornadio.Socket) { sockets <- so })
	}, tornadio.WithMaxBufferedBytes(1024))

	h := tcDial(t, srv.Addr())
	sid := h.handshake()
	stWait(t, srv.Stats, "polling handshake", func(st tornadio.Stats) error {
		var w stWant
		w.eq("Handshakes", st.Handshakes, 1)
		w.eq("polling sessions", stGauge(st, "polling", tornadio.RoadCurrent), 1)
		return w.err()
	})
	if code, body := h.post(sid, "40"); code != 200 || body != "ok" {
		t.Fatalf("CONNECT POST: %d %q", code, body)
	}
	so := <-sockets
	if code, body := h.get(sid); code != 200 || !strings.HasPrefix(body, "40{") {
		t.Fatalf("CONNECT answer: %d %q", code, body)
	}

	// No GET waits: the session cannot take a packet now.
	if err := so.Volatile().Emit("v", 1); err != nil {
		t.Fatal(err)
	}
	if err := srv.Of("/").Volatile().Emit("v", 2); err != nil {
		t.Fatal(err)
	}
	stWait(t, srv.Stats, "volatile drops", func(st tornadio.Stats) error {
		var w stWant
		w.eq("Dropped", st.Dropped, 2)
		w.eq("Deliveries", st.Deliveries, 0)
		w.eq("EventsOut", st.EventsOut, 0)
		return w.err()
	})

	ws := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket&sid="+sid)
	ws.writeText("2probe")
	if p := ws.mustReadPacket(); p != "3probe" {
		t.Fatalf("probe answer %q", p)
	}
	ws.writeText("5")
	stWait(t, srv.Stats, "upgraded", func(st tornadio.Stats) error {
		var w stWant
		w.eq("polling sessions", stGauge(st, "polling", tornadio.RoadCurrent), 0)
		w.eq("websocket sessions", stGauge(st, "websocket", tornadio.RoadCurrent), 1)
		w.eq("Handshakes", st.Handshakes, 1)
		return w.err()
	})
	ws.close()
	stWait(t, srv.Stats, "upgraded session closed", func(st tornadio.Stats) error {
		var w stWant
		w.eq("websocket sessions", stGauge(st, "websocket", tornadio.RoadCurrent), 0)
		w.eq("transport closes", st.Disconnects[tornadio.ReasonTransportClose], 1)
		return w.err()
	})

	// A second client, which stops polling while 1.5 KiB is emitted.
	h2 := tcDial(t, srv.Addr())
	sid2 := h2.handshake()
	if code, body := h2.post(sid2, "40"); code != 200 || body != "ok" {
		t.Fatalf("CONNECT POST: %d %q", code, body)
	}
	slow := <-sockets
	for range 3 {
		if err := slow.Emit("big", strings.Repeat("x", 500)); err != nil {
			break
		}
	}
	stWait(t, srv.Stats, "slow consumer", func(st tornadio.Stats) error {
		var w stWant
		w.eq("SlowConsumerCuts", st.SlowConsumerCuts, 1)
		w.eq("slow consumer disconnects", st.Disconnects[tornadio.ReasonSlowConsumer], 1)
		w.eq("polling sessions", stGauge(st, "polling", tornadio.RoadCurrent), 0)
		w.eq("Sockets", st.Sockets["/"], 0)
		return w.err()
	})
}

// TestStatsRefusedHandshakes: AllowRequest's refusals and a refused origin
// count as "forbidden", requests that cannot open a session (a protocol
// version, a transport, a WebSocket version the server does not speak) as
// "bad request"; a request about an unknown session is no handshake at all.
func TestStatsRefusedHandshakes(t *testing.T) {
	srv := tcStartServer(t, nil,
		tornadio.WithAllowedOrigins("http://good.example"),
		tornadio.WithAllowRequest(func(r *tornadio.Request) error {
			if r.Query().Get("deny") != "" {
				return errors.New("denied")
			}
			return nil
		}))
	h := tcDial(t, srv.Addr())
	for _, c := range []struct {
		target string
		code   int
	}{
		{"/socket.io/?EIO=4&transport=polling&deny=1", 403},
		{"/socket.io/?EIO=9&transport=polling", 400},
		{"/socket.io/?EIO=4&transport=carrier-pigeon", 400},
		{"/socket.io/?EIO=4&transport=polling&sid=nosuchsession", 400},
	} {
		if code, body := h.roundTrip("GET", c.target, ""); code != c.code {
			t.Fatalf("GET %s: %d %q, want %d", c.target, code, body, c.code)
		}
	}
	if err := h.writeRaw([]byte("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if resp, body := h.mustRead(); resp.StatusCode != 403 {
		t.Fatalf("refused origin: %d %q", resp.StatusCode, body)
	}
	old := tcDial(t, srv.Addr())
	if err := old.writeRaw([]byte("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
		"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
		"Sec-WebSocket-Version: 8\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if resp, body := old.mustRead(); resp.StatusCode != 426 {
		t.Fatalf("websocket version 8: %d %q", resp.StatusCode, body)
	}
	ws, resp, err := tcTryDialWS(t, srv.Addr(), "EIO=4&transport=websocket&deny=1")
	if err != nil || resp.StatusCode != 403 {
		t.Fatalf("refused websocket: %v %v", resp, err)
	}
	ws.close()
	stWait(t, srv.Stats, "refusals", func(st tornadio.Stats) error {
		var w stWant
		w.eq("forbidden", st.HandshakesRefused["forbidden"], 3)
		w.eq("bad request", st.HandshakesRefused["bad request"], 3)
		w.eq("rate", st.HandshakesRefused["rate"], 0)
		w.eq("concurrency", st.HandshakesRefused["concurrency"], 0)
		w.eq("Handshakes", st.Handshakes, 0)
		return w.err()
	})
}
