package engineio

import (
	"slices"
	"testing"
	"time"
)

var testConfig = Config{
	PingInterval:   25 * time.Second,
	PingTimeout:    20 * time.Second,
	UpgradeTimeout: 10 * time.Second,
	MaxBuffered:    100,
}

const (
	sec      = int64(time.Second)
	interval = 25 * sec
	timeout  = 20 * sec
)

// step is one thing that happens to a session in a heartbeat script: a
// packet received (recv) or a timer pass (tick), at a time in seconds.
type step struct {
	at   int64 // seconds after the open, at 1000 s
	recv *Packet
	tick bool

	want         any   // the Input of recv, or the Dues of tick, in order
	wantDeadline int64 // seconds after the open; -1000 for none
}

func TestHeartbeat(t *testing.T) {
	pong := &Packet{Type: Pong}
	ping := &Packet{Type: Ping, Data: []byte("x")}
	msg := &Packet{Type: Message, Data: []byte("hi")}
	const open = 1000
	none := int64(-open)
	for _, tc := range []struct {
		name    string
		version int
		steps   []step
	}{
		{"v4 pings after the interval, the pong restarts it", 4, []step{
			{at: 0, wantDeadline: 25},
			{at: 25, tick: true, want: []Due{DuePing}, wantDeadline: 45},
			{at: 30, recv: pong, want: InputNone, wantDeadline: 55},
			{at: 55, tick: true, want: []Due{DuePing}, wantDeadline: 75},
		}},
		{"v4 without a pong times out", 4, []step{
			{at: 25, tick: true, want: []Due{DuePing}, wantDeadline: 45},
			{at: 44, tick: true, want: []Due(nil), wantDeadline: 45},
			{at: 45, tick: true, want: []Due{DuePingTimeout}, wantDeadline: none},
		}},
		{"v4 late pass pings and times out at once", 4, []step{
			{at: 50, tick: true, want: []Due{DuePing, DuePingTimeout}, wantDeadline: none},
		}},
		{"v4 messages do not count as pongs", 4, []step{
			{at: 25, tick: true, want: []Due{DuePing}, wantDeadline: 45},
			{at: 30, recv: msg, want: InputMessage, wantDeadline: 45},
			{at: 45, tick: true, want: []Due{DuePingTimeout}, wantDeadline: none},
		}},
		{"v4 ping from the client is ignored", 4, []step{
			{at: 1, recv: ping, want: InputNone, wantDeadline: 25},
		}},
		{"v3 client pings, any packet gives it more time", 3, []step{
			{at: 0, wantDeadline: 45},
			{at: 10, recv: ping, want: InputPing, wantDeadline: 55},
			{at: 20, recv: msg, want: InputMessage, wantDeadline: 65},
			{at: 64, tick: true, want: []Due(nil), wantDeadline: 65},
			{at: 65, tick: true, want: []Due{DuePingTimeout}, wantDeadline: none},
		}},
		{"v3 pong is ignored but counts as heard from", 3, []step{
			{at: 5, recv: pong, want: InputNone, wantDeadline: 50},
		}},
		{"close from the client", 4, []step{
			{at: 3, recv: &Packet{Type: Close}, want: InputClose, wantDeadline: 25},
		}},
		{"open from the client is invalid", 3, []step{
			{at: 3, recv: &Packet{Type: Open}, want: InputInvalid, wantDeadline: 45},
		}},
		{"noop and upgrade need nothing", 4, []step{
			{at: 3, recv: &Packet{Type: Noop}, want: InputNone, wantDeadline: 25},
			{at: 4, recv: &Packet{Type: Upgrade}, want: InputNone, wantDeadline: 25},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s testSession
			s.Init(tc.version, true)
			s.Open(&testConfig, open*sec)
			for i, st := range tc.steps {
				now := (open + st.at) * sec
				switch {
				case st.recv != nil:
					if got := s.Receive(&testConfig, st.recv, now); got != st.want {
						t.Fatalf("step %d: Receive(%v) = %v, want %v", i, st.recv.Type, got, st.want)
					}
				case st.tick:
					var got []Due
					for d := s.Tick(&testConfig, now); d != DueNothing; d = s.Tick(&testConfig, now) {
						got = append(got, d)
						if len(got) > 5 {
							t.Fatalf("step %d: Tick does not settle: %v", i, got)
						}
					}
					if want := st.want.([]Due); !slices.Equal(got, want) {
						t.Fatalf("step %d: Tick gave %v, want %v", i, got, want)
					}
				}
				if got := s.Deadline(); got != (open+st.wantDeadline)*sec && !(got == 0 && st.wantDeadline == none) {
					t.Fatalf("step %d: deadline %v s, want %v s", i, got/sec-open, st.wantDeadline)
				}
			}
		})
	}
}

// An ended session has no deadline and takes no packet.
func TestEndedSessionIsInert(t *testing.T) {
	var s testSession
	s.Init(4, true)
	s.Open(&testConfig, sec)
	if _, ok := s.End(&testConfig, sec); !ok {
		t.Fatal("End of an open session reported false")
	}
	if _, ok := s.End(&testConfig, sec); ok {
		t.Fatal("second End reported true")
	}
	if d := s.Deadline(); d != 0 {
		t.Errorf("deadline %d after End", d)
	}
	if in := s.Receive(&testConfig, &Packet{Type: Message}, 2*sec); in != InputNone {
		t.Errorf("Receive after End = %v", in)
	}
	if d := s.Tick(&testConfig, 100*sec); d != DueNothing {
		t.Errorf("Tick after End = %v", d)
	}
}

// testSession is a Session whose caller keeps nothing for polling.
type testSession = Session[struct{}]
