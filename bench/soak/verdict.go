package soak

import (
	"fmt"
	"math"
)

// Check is one line of the verdict.
type Check struct {
	Name   string
	Pass   bool
	Detail string
}

// Trend is the least-squares line of one metric over the steady part.
type Trend struct {
	Metric  string
	Mean    float64
	Slope   float64 // per second
	Growth  float64 // Slope × the steady part's length
	Allowed float64 // the most Growth may be
	Unit    string
}

// Growth thresholds: over the steady part (after the warm-up, while the
// clients churn) the fitted line may rise by at most Rel × the mean or
// Abs, whichever is more. A leak of a few bytes, a goroutine or a file per
// session passes Abs within a minute or two and fails a 10-minute soak.
var trendLimits = []struct {
	metric string
	rel    float64
	abs    float64
	unit   string
	value  func(Sample) float64
}{
	{"RSS", 0.10, 8 << 20, "MiB", func(s Sample) float64 { return float64(s.RSS) }},
	{"goroutines", 0.05, 4, "", func(s Sample) float64 { return float64(s.Goroutines) }},
	{"open files", 0.10, 40, "", func(s Sample) float64 { return float64(s.FDs) }},
	// Sessions follow the clients open, plus the abandoned ones the
	// server's timers have not ended yet: flat while the clients are.
	{"sessions", 0.15, 20, "", func(s Sample) float64 { return float64(s.Sessions) }},
}

// After the clients are gone the server may hold this many files and
// goroutines more than before them (the stats endpoint's own connection).
const (
	settledFDSlack        = 2
	settledGoroutineSlack = 3
)

// Leave rates: a healthy or abrupt client's session may end on the
// server's side, or a handshake fail, in at most this share of sessions
// (a loaded machine can starve a client past a ping timeout).
const maxDropRate = 0.01

// fit is the least-squares line y = a + b·x.
func fit(xs, ys []float64) (mean, slope float64) {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	mean = sy / n
	den := n*sxx - sx*sx
	if den == 0 {
		return mean, 0
	}
	return mean, (n*sxy - sx*sy) / den
}

// Trends fits each metric over the samples with from ≤ T ≤ to.
func Trends(samples []Sample, from, to float64) []Trend {
	var steady []Sample
	for _, s := range samples {
		if s.T >= from && s.T <= to {
			steady = append(steady, s)
		}
	}
	var out []Trend
	for _, l := range trendLimits {
		if len(steady) < 3 {
			break
		}
		xs := make([]float64, len(steady))
		ys := make([]float64, len(steady))
		for i, s := range steady {
			xs[i], ys[i] = s.T, l.value(s)
		}
		mean, slope := fit(xs, ys)
		span := steady[len(steady)-1].T - steady[0].T
		out = append(out, Trend{Metric: l.metric, Mean: mean, Slope: slope, Growth: slope * span,
			Allowed: math.Max(l.rel*mean, l.abs), Unit: l.unit})
	}
	return out
}

// Outcome is everything the verdict reads.
type Outcome struct {
	Samples              []Sample
	WarmupEnd, SteadyEnd float64 // seconds: the steady part, from the warm-up's end until slots stop opening clients
	Baseline, Final      Sample  // before the clients, after they left and the server settled
	Server               ServerStats
	Clients              []KindStats
	SampleErrors         int    // samples that could not be taken (the server did not answer)
	SampleError          string // the last such error
}

// Judge is the verdict: every check must pass.
func Judge(o Outcome) []Check {
	var checks []Check
	add := func(name string, pass bool, format string, args ...any) {
		checks = append(checks, Check{Name: name, Pass: pass, Detail: fmt.Sprintf(format, args...)})
	}
	add("server sampled every second", o.SampleErrors == 0, "%d samples failed %s", o.SampleErrors, o.SampleError)
	trends := Trends(o.Samples, o.WarmupEnd, o.SteadyEnd)
	if len(trends) == 0 {
		add("growth", false, "fewer than 3 samples in the steady part")
	}
	for _, t := range trends {
		add("no "+t.Metric+" growth", t.Growth <= t.Allowed, "%s over the steady part (allowed %s; mean %s)",
			t.format(t.Growth), t.format(t.Allowed), t.format(t.Mean))
	}
	var tot KindStats
	for _, k := range o.Clients {
		tot.add(k)
		if k.Sessions > 0 && k.Healthy+k.Abrupt > 0 && k.Broadcasts == 0 {
			add("broadcasts reach "+k.Kind, false, "no broadcast received in %d sessions", k.Healthy+k.Abrupt)
		}
	}
	add("no broadcast lost", tot.Gaps == 0, "%d missing of %d received by healthy and abrupt clients", tot.Gaps, tot.Broadcasts)
	add("no broadcast duplicated", tot.Dups == 0, "%d duplicated or out of order", tot.Dups)
	add("every request answered", tot.Unanswered == 0 && tot.ExtraAnswers == 0,
		"%d of %d unanswered (healthy clients), %d answers to no request", tot.Unanswered, tot.Requests, tot.ExtraAnswers)
	live := tot.Healthy + tot.Abrupt
	add("sessions kept", float64(tot.Dropped) <= maxDropRate*float64(live),
		"%d of %d healthy and abrupt sessions ended by the server or an error (allowed %.0f%%)", tot.Dropped, live, 100*maxDropRate)
	add("handshakes succeed", float64(tot.OpenFailures) <= maxDropRate*float64(tot.Sessions),
		"%d of %d failed (allowed %.0f%%)", tot.OpenFailures, tot.Sessions, 100*maxDropRate)
	s := o.Server
	cuts := s.Reasons["slow consumer"]
	add("flooded clients cut", cuts >= tot.Floods, "%d sockets closed as slow consumers, %d slow clients flooded", cuts, tot.Floods)
	add("every socket closed exactly once", s.Opens == s.Closes && s.StrayCloses == 0 && s.DoubleOpens == 0 && s.OpenSockets == 0,
		"%d opened, %d closed, %d closed again, %d ids opened twice, %d still open", s.Opens, s.Closes, s.StrayCloses, s.DoubleOpens, s.OpenSockets)
	opened := tot.Healthy + tot.Abrupt + tot.Slow
	add("server saw every client", s.Opens >= opened && s.Opens <= opened+tot.OpenFailures,
		"%d sockets opened, %d client sessions opened (%d more failed on the client's side)", s.Opens, opened, tot.OpenFailures)
	add("no session left", o.Final.Sessions == 0, "%d sessions after the clients left (%d legacy)", o.Final.Sessions, o.Final.LegacySessions)
	add("open files back to baseline", o.Final.FDs <= o.Baseline.FDs+settledFDSlack,
		"%d after, %d before the clients", o.Final.FDs, o.Baseline.FDs)
	add("goroutines back to baseline", o.Final.Goroutines <= o.Baseline.Goroutines+settledGoroutineSlack,
		"%d after, %d before the clients", o.Final.Goroutines, o.Baseline.Goroutines)
	return checks
}

// Passed reports whether every check passed.
func Passed(checks []Check) bool {
	for _, c := range checks {
		if !c.Pass {
			return false
		}
	}
	return true
}

func (t Trend) format(v float64) string {
	if t.Unit == "MiB" {
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	}
	return fmt.Sprintf("%.1f", v)
}

func (k *KindStats) add(o KindStats) {
	k.Sessions += o.Sessions
	k.OpenFailures += o.OpenFailures
	k.Healthy += o.Healthy
	k.Abrupt += o.Abrupt
	k.Slow += o.Slow
	k.Floods += o.Floods
	k.Dropped += o.Dropped
	k.Broadcasts += o.Broadcasts
	k.Gaps += o.Gaps
	k.Dups += o.Dups
	k.Requests += o.Requests
	k.Answers += o.Answers
	k.Unanswered += o.Unanswered
	k.ExtraAnswers += o.ExtraAnswers
}
