package soak

import (
	"math"
	"strings"
	"testing"
)

func TestFit(t *testing.T) {
	xs := []float64{0, 1, 2, 3, 4}
	ys := []float64{1, 3, 5, 7, 9}
	mean, slope := fit(xs, ys)
	if mean != 5 || math.Abs(slope-2) > 1e-9 {
		t.Fatalf("mean %v slope %v, want 5 and 2", mean, slope)
	}
}

// outcome is a clean run: flat metrics over 100 s, everything closed.
func outcome() Outcome {
	var samples []Sample
	for i := range 100 {
		samples = append(samples, Sample{T: float64(i), RSS: 40 << 20, FDs: 200 + i%7, Goroutines: 13, Sessions: 90})
	}
	base := Sample{RSS: 12 << 20, FDs: 27, Goroutines: 13}
	return Outcome{
		Samples: samples, WarmupEnd: 20, SteadyEnd: 90, Baseline: base, Final: base,
		Server:  ServerStats{Opens: 300, Closes: 300},
		Clients: []KindStats{{Kind: "k", Sessions: 300, Healthy: 250, Abrupt: 40, Slow: 10, Broadcasts: 5000, Requests: 900, Answers: 900}},
	}
}

func failed(checks []Check) string {
	var out []string
	for _, c := range checks {
		if !c.Pass {
			out = append(out, c.Name)
		}
	}
	return strings.Join(out, ", ")
}

func TestJudge(t *testing.T) {
	if got := failed(Judge(outcome())); got != "" {
		t.Fatalf("a clean run failed: %s", got)
	}
	cases := []struct {
		name, want string
		spoil      func(*Outcome)
	}{
		{"RSS leak", "no RSS growth", func(o *Outcome) {
			for i := range o.Samples {
				o.Samples[i].RSS += int64(i) << 18 // 256 KiB a second
			}
		}},
		{"goroutine leak", "no goroutines growth", func(o *Outcome) {
			for i := range o.Samples {
				o.Samples[i].Goroutines += i / 10
			}
		}},
		{"fd leak", "no open files growth", func(o *Outcome) {
			for i := range o.Samples {
				o.Samples[i].FDs += i
			}
		}},
		{"session leak", "no sessions growth", func(o *Outcome) {
			for i := range o.Samples {
				o.Samples[i].Sessions += i / 2
			}
		}},
		{"server not answering", "server sampled every second", func(o *Outcome) { o.SampleErrors, o.SampleError = 2, "timeout" }},
		{"gap", "no broadcast lost", func(o *Outcome) { o.Clients[0].Gaps = 1 }},
		{"dup", "no broadcast duplicated", func(o *Outcome) { o.Clients[0].Dups = 1 }},
		{"unanswered", "every request answered", func(o *Outcome) { o.Clients[0].Unanswered = 1 }},
		{"double close", "every socket closed exactly once", func(o *Outcome) { o.Server.Closes++; o.Server.StrayCloses++ }},
		{"never closed", "every socket closed exactly once", func(o *Outcome) { o.Server.Closes--; o.Server.OpenSockets++ }},
		{"session left", "no session left", func(o *Outcome) { o.Final.Sessions = 1 }},
		{"fd left", "open files back to baseline", func(o *Outcome) { o.Final.FDs += 3 }},
		{"dropped", "sessions kept", func(o *Outcome) { o.Clients[0].Dropped = 10 }},
	}
	for _, c := range cases {
		o := outcome()
		c.spoil(&o)
		if got := failed(Judge(o)); got != c.want {
			t.Errorf("%s: failed %q, want %q", c.name, got, c.want)
		}
	}
}

func TestClientRunSequence(t *testing.T) {
	var r clientRun
	for _, n := range []int64{7, 8, 9, 11, 11, 12} {
		r.see(event{n: n})
	}
	if r.received != 6 || r.gaps != 1 || r.dups != 1 {
		t.Fatalf("received %d, gaps %d, dups %d; want 6, 1, 1", r.received, r.gaps, r.dups)
	}
	r.requests = 2
	r.see(event{reply: true, n: 2})
	r.see(event{reply: true, n: 2})
	r.see(event{reply: true, n: 5})
	if r.answers != 1 || r.extraAnsw != 2 || r.outstanding() != 1 {
		t.Fatalf("answers %d, extra %d, outstanding %d; want 1, 2, 1", r.answers, r.extraAnsw, r.outstanding())
	}
}

func TestFraming(t *testing.T) {
	msgs, err := decodeFrames(frameMessage("seq:1:x") + frameMessage("h\u00e9llo \U0001F600") + frameMessage(""))
	if err != nil || len(msgs) != 3 || msgs[1] != "h\u00e9llo \U0001F600" || msgs[2] != "" {
		t.Fatalf("%q, %v", msgs, err)
	}
	if _, err := decodeFrames("~m~5~m~abc"); err == nil {
		t.Fatal("a short frame decoded")
	}
	pk, err := splitPayload(3, "2:40"+"7:42[\"a\"]")
	if err != nil || len(pk) != 2 || pk[1] != `42["a"]` {
		t.Fatalf("%q, %v", pk, err)
	}
}
