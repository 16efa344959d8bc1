package engineio

import (
	"fmt"
	"testing"
)

// A machine script: each step does one thing to the session and states
// what it answers, printed with fmt.Sprint (so "[1 2]" for a list, "true
// false" for two results). Times are in seconds after 1000 s; the session
// opens at 0 on polling, v4, with testConfig (MaxBuffered 100).
type act struct {
	name string
	do   func(s *testSession) any
	want string
}

func at(t int64) int64 { return (1000 + t) * sec }

// Steps, named as the caller's events.
func queue(data string) act {
	return act{"queue " + data, func(s *testSession) any { return s.Queue(&testConfig, Packet{Type: Message, Data: []byte(data)}) }, ""}
}
func poll(t int64) act { return act{"GET", func(s *testSession) any { return s.Poll(at(t)) }, ""} }
func post() act        { return act{"POST", func(s *testSession) any { return s.Post() }, ""} }
func probe(t int64) act {
	return act{"probe", func(s *testSession) any { return s.Probe(&testConfig, at(t)) }, ""}
}
func probeGone() act {
	return act{"probe gone", func(s *testSession) any { s.ProbeGone(); return nil }, ""}
}
func closePolling() act {
	return act{"server close", func(s *testSession) any { return s.ClosePolling() }, ""}
}
func clientClose(t int64) act {
	return act{"client close", func(s *testSession) any { return s.ClientClosePolling(&testConfig, at(t)) }, ""}
}
func drained() act { return act{"drained", func(s *testSession) any { return s.Drained() }, ""} }
func stopDraining() act {
	return act{"stop draining", func(s *testSession) any { a, b := s.StopDraining(); return fmt.Sprint(a, b) }, ""}
}
func end(t int64) act {
	return act{"end", func(s *testSession) any { what, ok := s.End(&testConfig, at(t)); return fmt.Sprint(what, ok) }, ""}
}
func probePacket(typ PacketType, data string) act {
	return act{"probe packet " + typ.String(), func(s *testSession) any {
		step, get := s.ProbePacket(&Packet{Type: typ, Data: []byte(data)})
		return fmt.Sprint(step, get)
	}, ""}
}
func recv(typ PacketType, t int64) act {
	return act{"receive " + typ.String(), func(s *testSession) any { return s.Receive(&testConfig, &Packet{Type: typ}, at(t)) }, ""}
}

// answer is the payload AppendAnswer gives, as text.
func answer() act {
	return act{"answer", func(s *testSession) any { b, _ := s.AppendAnswer(nil); return fmt.Sprintf("%q", b) }, ""}
}

// tick runs every deadline due at t.
func tick(t int64) act {
	return act{"tick", func(s *testSession) any {
		var ds []Due
		for d := s.Tick(&testConfig, at(t)); d != DueNothing && len(ds) < 6; d = s.Tick(&testConfig, at(t)) {
			ds = append(ds, d)
		}
		return ds
	}, ""}
}

// deadline is the next deadline, in seconds (milliseconds when not whole).
func deadline() act {
	return act{"deadline", func(s *testSession) any {
		d := s.Deadline()
		if d == 0 {
			return "none"
		}
		if (d-at(0))%sec != 0 {
			return fmt.Sprintf("%dms", (d-at(0))/(sec/1000))
		}
		return (d - at(0)) / sec
	}, ""}
}
func writable() act { return act{"writable", func(s *testSession) any { return s.Writable() }, ""} }
func buffered() act { return act{"buffered", func(s *testSession) any { return s.Buffered() }, ""} }
func state() act {
	return act{"state", func(s *testSession) any {
		return fmt.Sprintf("closed=%v draining=%v websocket=%v", s.Closed(), s.Draining(), s.WebSocket())
	}, ""}
}

func (a act) is(want any) act { a.want = fmt.Sprint(want); return a }

func runScript(t *testing.T, s *testSession, steps []act) {
	t.Helper()
	for i, st := range steps {
		got := fmt.Sprint(st.do(s))
		if got != st.want {
			t.Fatalf("step %d (%s): got %s, want %s", i, st.name, got, st.want)
		}
	}
}

func newPolling() *testSession {
	s := new(testSession)
	s.Init(4, false)
	s.Open(&testConfig, at(0))
	return s
}

func TestPollingMachine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []act
	}{
		{"a queued packet waits for the GET", []act{
			queue("a").is(QueueHeld), buffered().is(2), writable().is(false),
			poll(1).is(PollAnswer), answer().is(`"4a"`), buffered().is(0),
		}},
		{"a parked GET is answered with what is sent", []act{
			poll(1).is(PollParked), writable().is(true),
			queue("a").is(QueueWaiting), queue("b").is(QueueWaiting), writable().is(false),
			answer().is(`"4a\x1e4b"`), writable().is(false),
		}},
		{"a second GET breaks the protocol", []act{
			poll(1).is(PollParked), poll(2).is(PollSecond),
			end(2).is(fmt.Sprint(EndedAnswer, true)), answer().is(`"1"`),
			state().is("closed=true draining=false websocket=false"),
		}},
		{"slow consumer: past MaxBuffered with no GET", []act{
			queue(string(make([]byte, 60))).is(QueueHeld),
			queue(string(make([]byte, 60))).is(QueueOverflow), buffered().is(0),
		}},
		{"a first packet bigger than MaxBuffered still waits", []act{
			queue(string(make([]byte, 150))).is(QueueHeld), buffered().is(151),
		}},
		{"past MaxBuffered with a GET parked: answer first", []act{
			queue(string(make([]byte, 60))).is(QueueHeld),
			act{"park", func(s *testSession) any { s.poll.parked = true; return nil }, "<nil>"},
			queue("b").is(QueueWaiting),
			queue(string(make([]byte, 60))).is(QueueAnswerFirst), buffered().is(63),
		}},
		{"the GET's connection closes", []act{
			poll(1).is(PollParked),
			act{"unpark", func(s *testSession) any { s.Unpark(); return s.Writable() }, "false"},
			poll(2).is(PollParked),
		}},
		{"a POST is accepted while open", []act{
			post().is(PostAccept),
		}},
		{"server close with nothing queued and a GET parked", []act{
			poll(1).is(PollParked), closePolling().is(true), answer().is(`"1"`),
			end(1).is(fmt.Sprint(Ended(0), true)), deadline().is("none"),
			poll(2).is(PollUnknownSID), post().is(PostUnknownSID),
		}},
		{"server close with no GET: the close packet waits", []act{
			closePolling().is(false), end(1).is(fmt.Sprint(EndedDraining, true)),
			deadline().is(46), post().is(PostDiscard),
			poll(2).is(PollLast), answer().is(`"1"`), drained().is(true),
			stopDraining().is("true false"), deadline().is("none"), poll(3).is(PollUnknownSID),
		}},
		{"server close with packets queued: they go first, the close later", []act{
			queue("bye").is(QueueHeld), closePolling().is(false), end(1).is(fmt.Sprint(EndedDraining, true)),
			poll(2).is(PollLast), answer().is(`"4bye"`), drained().is(false),
			poll(3).is(PollLast), answer().is(`"1"`), drained().is(true),
		}},
		{"a closed session nobody polls is forgotten", []act{
			closePolling().is(false), end(1).is(fmt.Sprint(EndedDraining, true)),
			tick(45).is("[]"), tick(46).is(fmt.Sprint([]Due{DueDrainOver})),
			stopDraining().is("true false"), tick(47).is("[]"),
		}},
		{"client close with a GET parked: a noop releases it", []act{
			poll(1).is(PollParked), clientClose(1).is(true), answer().is(`"6"`),
			end(1).is(fmt.Sprint(Ended(0), true)), poll(2).is(PollUnknownSID),
		}},
		{"client close keeps what was queued for the GET to come", []act{
			queue("x").is(QueueHeld), clientClose(1).is(false),
			end(1).is(fmt.Sprint(EndedDraining, true)), deadline().is(21),
			post().is(PostUnknownSID),
			poll(2).is(PollLast), answer().is(`"4x"`), drained().is(true),
		}},
		{"close while polling: ping timeout ends it, the GET gets a close", []act{
			poll(1).is(PollParked), tick(25).is(fmt.Sprint([]Due{DuePing})),
			queue("").is(QueueWaiting), answer().is(`"4"`),
			tick(45).is(fmt.Sprint([]Due{DuePingTimeout})),
			poll(46).is(PollParked), end(46).is(fmt.Sprint(EndedAnswer, true)), answer().is(`"1"`),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { runScript(t, newPolling(), tc.steps) })
	}
}

func TestUpgradeMachine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []act
	}{
		{"probe, noop, upgrade", []act{
			poll(1).is(PollParked), probe(2).is(true), deadline().is(12),
			probePacket(Ping, "probe").is(fmt.Sprint(ProbePong, true)), answer().is(`"6"`),
			probePacket(Upgrade, "").is(fmt.Sprint(ProbeUpgrade, false)),
			state().is("closed=false draining=false websocket=true"), deadline().is(25),
			poll(3).is(PollBadRequest),
		}},
		{"a GET during the upgrade gets its noop after 100 ms", []act{
			probe(2).is(true), probePacket(Ping, "probe").is(fmt.Sprint(ProbePong, false)),
			poll(3).is(PollParked), deadline().is("3100ms"),
			act{"tick at 3.1s", func(s *testSession) any { return s.Tick(&testConfig, at(3)+100*1e6) }, fmt.Sprint(DueAnswer)},
			answer().is(`"6"`), deadline().is(12),
		}},
		{"an upgrade packet before the noop: the parked GET is refused", []act{
			probe(2).is(true), probePacket(Ping, "probe").is(fmt.Sprint(ProbePong, false)),
			poll(3).is(PollParked), probePacket(Upgrade, "").is(fmt.Sprint(ProbeUpgrade, true)),
			deadline().is(25), writable().is(false),
		}},
		{"what was queued goes over the websocket", []act{
			queue("a").is(QueueHeld), probe(2).is(true),
			probePacket(Ping, "probe").is(fmt.Sprint(ProbePong, false)),
			probePacket(Upgrade, "").is(fmt.Sprint(ProbeUpgrade, false)),
			act{"queued", func(s *testSession) any { return len(s.Queued()) }, "1"},
			act{"drop polling", func(s *testSession) any { s.DropPolling(); return s.Buffered() }, "0"},
			post().is(PostBadRequest),
		}},
		{"the probe times out", []act{
			probe(2).is(true), probePacket(Ping, "probe").is(fmt.Sprint(ProbePong, false)),
			tick(11).is("[]"), tick(12).is(fmt.Sprint([]Due{DueProbeExpired})),
			deadline().is(25), probe(13).is(true),
		}},
		{"one probe at a time", []act{
			probe(2).is(true), probe(3).is(false),
		}},
		{"upgrade without the probe ping fails", []act{
			probe(2).is(true), probePacket(Upgrade, "").is(fmt.Sprint(ProbeFail, false)),
			state().is("closed=false draining=false websocket=false"),
		}},
		{"a message on the probe fails it", []act{
			probe(2).is(true), probePacket(Message, "x").is(fmt.Sprint(ProbeFail, false)),
		}},
		{"the probe closes", []act{
			probe(2).is(true), probePacket(Ping, "probe").is(fmt.Sprint(ProbePong, false)),
			probeGone().is(nil), poll(3).is(PollParked), deadline().is(25),
		}},
		{"server close during the upgrade: it completes over the websocket", []act{
			probe(2).is(true), probePacket(Ping, "probe").is(fmt.Sprint(ProbePong, false)),
			queue("bye").is(QueueHeld), closePolling().is(false),
			end(3).is(fmt.Sprint(EndedDraining, true)),
			probePacket(Ping, "probe").is(fmt.Sprint(ProbePong, false)),
			probePacket(Upgrade, "").is(fmt.Sprint(ProbeUpgradeEnded, false)),
			act{"queued", func(s *testSession) any { return len(s.Queued()) }, "2"},
			stopDraining().is("true false"),
		}},
		{"client close during the upgrade drops the probe", []act{
			probe(2).is(true), probePacket(Ping, "probe").is(fmt.Sprint(ProbePong, false)),
			clientClose(3).is(false),
			end(3).is(fmt.Sprint(EndedDropProbe|EndedDraining, true)),
		}},
		{"server close before the probe ping drops the probe", []act{
			probe(2).is(true), closePolling().is(false),
			end(3).is(fmt.Sprint(EndedDropProbe|EndedDraining, true)),
		}},
		{"a websocket session takes no probe and no GET", []act{
			act{"on websocket", func(s *testSession) any { s.websocket.Store(true); s.poll = nil; return nil }, "<nil>"},
			probe(1).is(false), poll(1).is(PollBadRequest), post().is(PostBadRequest),
			recv(Message, 2).is(InputMessage),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { runScript(t, newPolling(), tc.steps) })
	}
}

// A binary packet counts its base64 size, what a polling answer carries:
// three 30-byte binary packets (42 each) pass a bound of 100 that three
// 30-byte text packets (31 each) fit.
func TestQueueCountsBinaryAsBase64(t *testing.T) {
	cfg := testConfig
	for _, binary := range []bool{false, true} {
		var s Session[struct{}]
		s.Init(4, false)
		s.Open(&cfg, 0)
		want := []Queued{QueueHeld, QueueHeld, QueueHeld}
		if binary {
			want[2] = QueueOverflow
		}
		for i, w := range want {
			if got := s.Queue(&cfg, Packet{Type: Message, Data: make([]byte, 30), Binary: binary}); got != w {
				t.Fatalf("binary %v: send %d: %v, want %v", binary, i, got, w)
			}
		}
	}
}

// Config.MinPacketCost is the least a queued packet counts: two 1-byte
// packets at 40 each fit a bound of 100, a third does not.
func TestQueueMinPacketCost(t *testing.T) {
	cfg := testConfig
	cfg.MinPacketCost = 40
	var s Session[struct{}]
	s.Init(4, false)
	s.Open(&cfg, 0)
	for i, w := range []Queued{QueueHeld, QueueHeld, QueueOverflow} {
		if got := s.Queue(&cfg, Packet{Type: Message, Data: []byte("x")}); got != w {
			t.Fatalf("send %d: %v, want %v", i, got, w)
		}
	}
}
