package engineio

import (
	"fmt"
	"strings"
	"testing"
)

// driver plays the caller's part of the contract with Session (what
// transports does), without connections: it answers the parked GET when
// told to, ends the session when told to, and records what it would have
// written.
type driver struct {
	s       testSession
	cfg     *Config
	getOpen bool // a GET is parked (the caller's side of it)
	probe   bool // a probe is open (the caller's side of it)
	now     int64
	trace   []string
}

func (d *driver) log(f string, a ...any) { d.trace = append(d.trace, fmt.Sprintf(f, a...)) }

func (d *driver) answer() {
	if d.getOpen && d.s.Answerable() {
		b, _ := d.s.AppendAnswer(nil)
		d.getOpen = false
		d.log("answer %q", b)
	}
}

func (d *driver) end(now int64) {
	what, ok := d.s.End(d.cfg, now)
	if !ok {
		return
	}
	if what&EndedAnswer != 0 {
		d.answer()
	}
	if what&EndedDropProbe != 0 {
		d.probe = false
	}
}

func (d *driver) stopDraining() {
	if _, drop := d.s.StopDraining(); drop {
		d.probe = false
	}
}

// The events a session meets, as the caller reacts to them.
var walkEvents = []struct {
	name string
	do   func(d *driver, now int64)
}{
	{"send", func(d *driver, now int64) { d.send(Packet{Type: Message, Data: []byte("0123456789")}, now) }},
	{"GET", func(d *driver, now int64) {
		switch d.s.Poll(now) {
		case PollSecond:
			d.end(now)
		case PollParked:
			d.getOpen = true
		case PollAnswer:
			d.getOpen = true
			d.answer()
		case PollLast:
			d.getOpen = true
			d.answer()
			if d.s.Drained() {
				d.stopDraining()
			}
		}
	}},
	{"GET gone", func(d *driver, now int64) {
		if d.getOpen && !d.s.Closed() && !d.s.WebSocket() {
			d.getOpen = false
			d.s.Unpark()
			d.end(now)
		}
	}},
	{"POST message", func(d *driver, now int64) {
		if d.s.Post() == PostAccept {
			d.receive(&Packet{Type: Message}, now)
		}
	}},
	{"POST close", func(d *driver, now int64) {
		if d.s.Post() == PostAccept {
			d.receive(&Packet{Type: Close}, now)
		}
	}},
	{"pong", func(d *driver, now int64) { d.receive(&Packet{Type: Pong}, now) }},
	{"probe", func(d *driver, now int64) {
		if !d.probe && d.s.Probe(d.cfg, now) {
			d.probe = true
		}
	}},
	{"probe ping", func(d *driver, now int64) { d.probePacket(&Packet{Type: Ping, Data: probeData}) }},
	{"probe upgrade", func(d *driver, now int64) { d.probePacket(&Packet{Type: Upgrade}) }},
	{"probe gone", func(d *driver, now int64) {
		if d.probe {
			d.probe = false
			d.s.ProbeGone()
		}
	}},
	{"server close", func(d *driver, now int64) { d.serverClose(now) }},
	{"tick", func(d *driver, now int64) {
		at := d.s.Deadline()
		if at == 0 {
			return
		}
		d.now = at
		for n := d.s.Tick(d.cfg, at); n != DueNothing; n = d.s.Tick(d.cfg, at) {
			switch n {
			case DuePing:
				d.send(Packet{Type: Ping}, at)
			case DuePingTimeout:
				d.end(at)
			case DueAnswer:
				d.answer()
			case DueProbeExpired:
				d.probe = false
			case DueDrainOver:
				d.stopDraining()
				return
			}
			if d.s.Closed() {
				return
			}
		}
	}},
}

func (d *driver) send(p Packet, now int64) {
	if d.s.WebSocket() && d.s.poll == nil {
		return
	}
	switch d.s.Queue(d.cfg, p) {
	case QueueOverflow:
		d.serverClose(now)
	case QueueAnswerFirst:
		d.answer()
		d.send(p, now)
	case QueueWaiting:
		d.answer()
	}
}

func (d *driver) receive(p *Packet, now int64) {
	switch d.s.Receive(d.cfg, p, now) {
	case InputPing:
		d.send(Packet{Type: Pong}, now)
	case InputClose:
		if d.s.ClientClosePolling(d.cfg, now) {
			d.answer()
		}
		d.end(now)
	case InputInvalid:
		d.serverClose(now)
	}
}

func (d *driver) serverClose(now int64) {
	if d.s.Closed() {
		return
	}
	if d.s.Answerable() {
		d.answer()
	}
	if d.s.ClosePolling() {
		d.answer()
	}
	d.end(now)
}

func (d *driver) probePacket(p *Packet) {
	if !d.probe {
		return
	}
	step, get := d.s.ProbePacket(p)
	switch step {
	case ProbePong:
		if get {
			d.answer()
		}
	case ProbeUpgrade:
		d.probe = false
		if get {
			d.getOpen = false
		}
		d.s.DropPolling()
	case ProbeUpgradeEnded:
		d.probe = false
		d.stopDraining()
	case ProbeFail:
		d.probe = false
		if d.s.Closed() {
			d.stopDraining()
		}
	}
}

// check states the invariants that hold between events.
func (d *driver) check() error {
	s := &d.s
	p := s.poll
	switch {
	case p != nil && p.parked != d.getOpen:
		return fmt.Errorf("machine parked=%v, caller holds a GET=%v", p.parked, d.getOpen)
	case p == nil && d.getOpen:
		return fmt.Errorf("caller holds a GET the machine forgot")
	case (p != nil && p.probing) != d.probe:
		return fmt.Errorf("machine probing=%v, caller holds a probe=%v", p != nil && p.probing, d.probe)
	case !s.Closed() && s.hbAt == 0:
		return fmt.Errorf("open without a heartbeat")
	case s.Closed() && !s.Draining() && s.Deadline() != 0:
		return fmt.Errorf("ended, not draining, with a deadline")
	case s.Closed() && s.Draining() && s.Deadline() == 0:
		return fmt.Errorf("draining without a deadline")
	case s.Writable() && (s.Closed() || d.s.Buffered() != 0):
		return fmt.Errorf("writable while closed or buffering")
	case p != nil && !s.Closed() && p.parked && len(p.queue) > 0:
		return fmt.Errorf("a GET parked while packets wait")
	case p != nil && p.draining && !s.Closed():
		return fmt.Errorf("draining while open")
	case s.WebSocket() && !s.Closed() && p != nil && p.parked:
		return fmt.Errorf("a GET parked on websocket")
	}
	if p != nil {
		n := 0
		for i := range p.queue {
			n += packetSize(&p.queue[i])
		}
		if n != p.queued {
			return fmt.Errorf("queued %d bytes, counted %d", n, p.queued)
		}
	}
	return nil
}

// TestMachineWalk runs every sequence of up to four events, half a second
// apart (a tick jumps to the next deadline), from a few starting states
// through the machine, as the caller drives it, and checks the invariants
// after each event: every (state, event) pair the machine can reach in four
// steps is taken.
func TestMachineWalk(t *testing.T) {
	cfg := testConfig
	cfg.MaxBuffered = 25 // two sends fit, a third overflows
	starts := []struct {
		name    string
		version int
		ws      bool
	}{{"polling v4", 4, false}, {"polling v3", 3, false}, {"websocket v4", 4, true}}
	const depth = 4
	steps := 0
	for _, st := range starts {
		var walk func(seq []int)
		walk = func(seq []int) {
			if len(seq) == depth {
				return
			}
			for e := range walkEvents {
				next := append(seq[:len(seq):len(seq)], e)
				d := &driver{}
				d.cfg = &cfg
				d.s.Init(st.version, st.ws)
				d.s.Open(d.cfg, at(0))
				d.now = at(0)
				for i, ev := range next {
					d.now += sec / 2
					walkEvents[ev].do(d, d.now)
					steps++
					if err := d.check(); err != nil {
						names := make([]string, len(next[:i+1]))
						for j, k := range next[:i+1] {
							names[j] = walkEvents[k].name
						}
						t.Fatalf("%s, after %s: %v (trace %q)", st.name, strings.Join(names, ", "), err, d.trace)
					}
				}
				walk(next)
			}
		}
		walk(nil)
	}
	t.Logf("%d steps", steps)
}
