package transports_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// raceClient plays one Engine.IO client whose polling GETs, POST and
// websocket upgrade run on connections of different loops, taking its steps
// at random moments while the loops run their queues in random order.
type raceClient struct {
	t   *testing.T
	r   *rand.Rand
	h   *tt.Harness
	eio int
	sid string
	s   *transports.Session

	get, post, ws *tt.Conn
	get2          *tt.Conn // a second, concurrent GET (a protocol error)
	chaos         bool     // hang-ups, a concurrent GET, a server close
	get2Sent      bool
	get2Answered  int
	lostGet       bool // the GET's connection hung up with a GET in flight
	hungUp        map[*tt.Conn]bool
	serverClosed  bool
	// realistic: 5 only once no GET is in flight, as clients do.
	realistic bool
	sendClose bool // the POST ends with a close packet

	getsSent, getsAnswered int
	getStatus              []int // of each GET answered, in order
	getAtClose             int   // the GET in flight when the POST with a close was sent (1-based), or 0
	getInFlight            bool
	postSent, postAnswered int
	postMsgs               []string
	wsStage                int // 0 none, 1 upgrade+probe sent, 2 got 3probe, 3 sent 5, 4 sent ws messages
	wsResp                 bool
	wsClosedByServer       bool
	serverSent             []string
	received               []string // server messages seen by the client, in order
	byChannel              map[string][]string
	sawClose               bool
	log                    []string
}

func (c *raceClient) logf(format string, args ...any) {
	c.log = append(c.log, fmt.Sprintf(format, args...))
}

func (c *raceClient) fail(format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("%s\nlog:\n%s", fmt.Sprintf(format, args...), strings.Join(c.log, "\n"))
}

func (c *raceClient) payload(packets ...string) string {
	if c.eio == 3 {
		return tt.PayloadV3(packets...)
	}
	return tt.Payload(packets...)
}

// packet records one packet the server sent.
func (c *raceClient) packet(p engineio.Packet, via string) {
	switch p.Type {
	case engineio.Message:
		c.received = append(c.received, string(p.Data))
		c.byChannel[via] = append(c.byChannel[via], string(p.Data))
	case engineio.Close:
		c.sawClose = true
	case engineio.Noop, engineio.Ping:
	case engineio.Pong:
		if string(p.Data) != "probe" {
			c.fail("pong %q via %s", p.Data, via)
		}
	default:
		c.fail("unexpected packet %v via %s", p, via)
	}
}

// read consumes what the connections received.
func (c *raceClient) read() {
	for _, g := range []*tt.Conn{c.get, c.get2} {
		rs, err := g.ReadResponses()
		if err != nil {
			c.fail("get: %v", err)
		}
		via := "GET"
		if g == c.get2 {
			via = "GET2"
		}
		for _, r := range rs {
			if g == c.get {
				c.getStatus = append(c.getStatus, r.Status)
				c.getsAnswered++
				c.getInFlight = false
			} else {
				c.get2Answered++
			}
			c.logf("%s answered %s", via, r)
			switch r.Status {
			case 200:
				if _, err := engineio.DecodePayload(r.Body, c.eio, nil, func(p engineio.Packet) error {
					c.packet(p, via)
					return nil
				}); err != nil {
					c.fail("GET body %q: %v", r.Body, err)
				}
			case 400:
				var e struct{ Code int }
				if json.Unmarshal(r.Body, &e) != nil || (e.Code != 1 && e.Code != 3) {
					c.fail("GET error %s", r.Raw)
				}
			default:
				c.fail("GET answer %s", r.Raw)
			}
		}
	}
	rs, err := c.post.ReadResponses()
	if err != nil {
		c.fail("post: %v", err)
	}
	for _, r := range rs {
		c.postAnswered++
		c.logf("POST answered %s", r)
		if !(r.Status == 200 && string(r.Body) == "ok") && !(r.Status == 400 && strings.Contains(string(r.Body), `"code":1`)) &&
			!(r.Status == 400 && strings.Contains(string(r.Body), `"code":3`)) {
			c.fail("POST answer %s", r.Raw)
		}
	}
	if c.wsStage > 0 && !c.wsResp && !c.hungUp[c.ws] {
		r, err := c.ws.ReadResponse()
		if err == nil {
			c.wsResp = true
			c.logf("WS answered %s", r)
			if r.Status != 101 {
				var e struct{ Code int }
				if json.Unmarshal(r.Body, &e) != nil || e.Code != 1 {
					c.fail("upgrade answer %s", r.Raw)
				}
				c.wsClosedByServer = true
			}
		}
	}
	if c.wsResp && !c.wsClosedByServer {
		fs, err := c.ws.ReadFrames()
		if err != nil {
			c.fail("ws: %v", err)
		}
		for _, f := range fs {
			c.logf("WS frame %v", f)
			switch f.Op {
			case frames.OpClose:
				c.wsClosedByServer = true
			case frames.OpText:
				p, _, err := engineio.ParseTextFrame(f.Payload, c.eio, nil)
				if err != nil {
					c.fail("ws frame %v: %v", f, err)
				}
				if p.Type == engineio.Pong && string(p.Data) == "probe" {
					if c.wsStage == 1 {
						c.wsStage = 2
					}
				}
				c.packet(p, "ws")
			default:
				c.fail("ws frame %v", f)
			}
		}
	}
}

// step takes one client action if one is enabled, and reports whether it did.
func (c *raceClient) step() bool {
	c.read()
	var acts []func()
	if !c.getInFlight && c.getsSent < 4 && c.wsStage < 3 && !c.sawClose && !c.hungUp[c.get] {
		acts = append(acts, func() {
			c.getsSent++
			c.getInFlight = true
			c.logf("send GET")
			c.get.Send(tt.PollGET(c.eio, c.sid))
		})
	}
	if c.postSent == 0 && !c.hungUp[c.post] {
		acts = append(acts, func() {
			c.postSent++
			ps := []string{}
			for i := range 1 + c.r.Intn(3) {
				m := fmt.Sprintf("p%d", i)
				c.postMsgs = append(c.postMsgs, m)
				ps = append(ps, "4"+m)
			}
			if c.sendClose {
				ps = append(ps, "1")
				if c.getInFlight {
					c.getAtClose = c.getsSent
				}
			}
			c.logf("send POST %q", ps)
			c.post.Send(tt.PollPOST(c.eio, c.sid, c.payload(ps...)))
		})
	}
	switch {
	case c.hungUp[c.ws]:
	case c.wsStage == 0:
		acts = append(acts, func() {
			c.wsStage = 1
			c.logf("send upgrade+probe")
			c.ws.Send(append(tt.WSUpgrade(c.eio, c.sid), tt.Text("2probe")...))
		})
	case c.wsStage == 2 && (!c.realistic || !c.getInFlight):
		acts = append(acts, func() {
			c.wsStage = 3
			c.logf("send 5")
			c.ws.Send(tt.Text("5"))
		})
	case c.wsStage == 3:
		acts = append(acts, func() {
			c.wsStage = 4
			c.logf("send ws messages")
			c.ws.Send(append(tt.Text("4w0"), tt.Text("4w1")...))
		})
	}
	if len(c.serverSent) < 6 {
		acts = append(acts, func() {
			m := fmt.Sprintf("s%d", len(c.serverSent))
			c.serverSent = append(c.serverSent, m)
			c.logf("app sends %s", m)
			s := c.s
			c.h.Loops.Post(s.Loop(), func() { s.Send([]byte(m), false) })
		})
	}
	if c.chaos {
		for _, conn := range []*tt.Conn{c.get, c.post, c.ws} {
			if !c.hungUp[conn] && c.r.Intn(4) == 0 {
				acts = append(acts, func() {
					c.hungUp[conn] = true
					c.logf("hang up conn of loop %d", conn.Loop)
					conn.Hangup()
				})
			}
		}
		if !c.get2Sent && c.r.Intn(3) == 0 {
			acts = append(acts, func() {
				c.get2Sent = true
				c.logf("send second GET")
				c.get2.Send(tt.PollGET(c.eio, c.sid))
			})
		}
		if !c.serverClosed && c.r.Intn(6) == 0 {
			acts = append(acts, func() {
				c.serverClosed = true
				c.logf("server closes")
				s := c.s
				c.h.Loops.Post(s.Loop(), func() { s.Close(transports.ReasonForcedClose) })
			})
		}
	}
	if len(acts) == 0 {
		return false
	}
	acts[c.r.Intn(len(acts))]()
	return true
}

func TestRaceInterleavings(t *testing.T) {
	iterations := 3000
	if testing.Short() {
		iterations = 300
	}
	for seed := range iterations {
		r := rand.New(rand.NewSource(int64(seed)))
		raceOnce(t, r, seed)
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
	}
}

func raceOnce(t *testing.T, r *rand.Rand, seed int) {
	t.Helper()
	h := newHarness(t, testConfig(), 4)
	eio := 3 + r.Intn(2)
	hs := h.Dial(0)
	sid := pollOpen(t, h, hs, eio).SID
	c := &raceClient{
		t: t, r: r, h: h, eio: eio, sid: sid, s: session(t, h, sid),
		get: h.Dial(r.Intn(4)), post: h.Dial(r.Intn(4)), ws: h.Dial(r.Intn(4)),
		realistic: r.Intn(2) == 0, sendClose: r.Intn(3) == 0,
		byChannel: map[string][]string{},
		get2:      h.Dial(r.Intn(4)), chaos: r.Intn(2) == 0, hungUp: map[*tt.Conn]bool{},
	}
	c.logf("seed %d eio %d loops get %d post %d ws %d get2 %d realistic %v close %v chaos %v",
		seed, eio, c.get.Loop, c.post.Loop, c.ws.Loop, c.get2.Loop, c.realistic, c.sendClose, c.chaos)
	for {
		if h.Loops.Idle() || r.Intn(3) == 0 {
			if !c.step() && h.Loops.Idle() {
				break
			}
			continue
		}
		// Run one queued function on a random loop with work.
		var ready []int
		for i := range 4 {
			if h.Loops.Pending(i) > 0 {
				ready = append(ready, i)
			}
		}
		h.Loops.RunMixed(ready[r.Intn(len(ready))], r)
	}
	// Let the session time out (or finish its upgrade), then settle.
	h.Loops.Advance(time.Second)
	c.read()

	c.lostGet = c.hungUp[c.get] && c.getsAnswered < c.getsSent
	// Every request was answered exactly once, or its connection closed.
	if c.get2Sent && c.get2Answered != 1 && !c.get2.CloseRequested() || c.get2Answered > 1 {
		c.fail("second GET answered %d times", c.get2Answered)
	}
	if c.getsAnswered != c.getsSent && !c.get.CloseRequested() && !c.hungUp[c.get] {
		c.fail("GETs sent %d answered %d", c.getsSent, c.getsAnswered)
	}
	if c.getsAnswered > c.getsSent || c.postAnswered > c.postSent {
		c.fail("more answers than requests")
	}
	if c.postAnswered != c.postSent && !c.post.CloseRequested() && !c.hungUp[c.post] {
		c.fail("POSTs sent %d answered %d", c.postSent, c.postAnswered)
	}
	if c.wsStage > 0 && !c.wsResp && !c.hungUp[c.ws] {
		c.fail("upgrade request not answered")
	}
	// The session ended exactly once (ping timeout at the latest).
	closes := h.App.Closes(sid)
	if len(closes) != 1 {
		c.fail("closes %q", closes)
	}
	if h.Server.SessionCount() != 0 {
		c.fail("session still registered")
	}
	// A client's close releases the GET it had in flight (with a noop,
	// unless packets were waiting), whichever loop reads which first.
	if !c.chaos && c.getAtClose > 0 && closes[0] == transports.ReasonTransportClose &&
		(len(c.getStatus) < c.getAtClose || c.getStatus[c.getAtClose-1] != 200) {
		c.fail("GET %d, in flight at the client's close, answered %v", c.getAtClose, c.getStatus)
	}
	// Client messages: the POST's all or none, in order; the websocket's after.
	got := h.App.Messages(sid)
	var fromPost, fromWS []string
	for _, m := range got {
		if strings.HasPrefix(m, "w") {
			fromWS = append(fromWS, m)
		} else {
			if len(fromWS) > 0 && c.sendClose {
				c.fail("POST message after ws messages with close: %q", got)
			}
			fromPost = append(fromPost, m)
		}
	}
	if len(fromPost) > 0 && !slices.Equal(fromPost, c.postMsgs) {
		c.fail("POST messages %q, sent %q", fromPost, c.postMsgs)
	}
	if len(fromWS) > 0 && !slices.Equal(fromWS, []string{"w0", "w1"}) {
		c.fail("ws messages %q", fromWS)
	}
	// Server messages: a prefix of what was sent, without duplicates, in
	// order on each channel, and in order overall for a client that pauses
	// polling before it sends the upgrade packet.
	// Packets may only go missing with a GET whose connection died, and the
	// session must then end at once rather than time out.
	sorted := slices.Clone(c.received)
	slices.Sort(sorted)
	if len(sorted) > len(c.serverSent) || !slices.Equal(sorted, c.serverSent[:len(sorted)]) && !c.lostGet {
		c.fail("received %q, sent %q", c.received, c.serverSent)
	}
	if len(slices.Compact(slices.Clone(sorted))) != len(sorted) {
		c.fail("duplicates: %q", c.received)
	}
	if c.lostGet && closes[0] == transports.ReasonPingTimeout && c.s.TransportName() == transports.Polling {
		c.fail("GET connection lost, session timed out instead of ending")
	}
	for via, ms := range c.byChannel {
		if !slices.IsSorted(ms) {
			c.fail("received via %s out of order: %q", via, ms)
		}
	}
	if c.realistic && !c.get2Sent && !slices.IsSorted(c.received) {
		c.fail("received out of order: %q", c.received)
	}
	// The websocket, if it took over, carried everything after the upgrade.
	if c.wsStage >= 3 && closes[0] == transports.ReasonPingTimeout && eio == 4 {
		// A v4 client that upgraded but never answered pings: fine.
		_ = closes
	}
}
