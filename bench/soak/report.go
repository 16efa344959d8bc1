package soak

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Setup is how a soak ran, for the report.
type Setup struct {
	Duration     time.Duration // the clients' churn
	Warmup       time.Duration
	Slots        int
	MinLife      time.Duration
	MaxLife      time.Duration
	Every        time.Duration // a client's requests
	Abrupt, Slow float64
	Broadcast    time.Duration // the server's broadcast period
	Padding      int
	Loops        int
	GoVersion    string
	When         time.Time
}

// Report writes the markdown report.
func Report(w io.Writer, s Setup, o Outcome, checks []Check, png string) {
	verdict := "PASS"
	if !Passed(checks) {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "# Soak: %s\n\n", verdict)
	fmt.Fprintf(w, "`make soak` (bench/cmd/soak), %s, %s. The server (bench/cmd/soak-server) runs tornadio on %d event loops "+
		"with both roads and every transport; a \"message\" broadcast with a sequence number every %s (%d bytes of padding). "+
		"%d client slots churn for %s: each opens a client of the next kind, keeps it %s–%s, and opens the next. "+
		"Clients: %.0f%% abrupt (connections reset at the end in the middle of a request or a frame), %.0f%% slow (stop reading after "+
		"connecting, kept until the server's timers end them; Engine.IO websocket ones first ask for %d MiB, which the server, "+
		"its MaxBufferedBytes at %d KiB, cuts as slow consumers), the rest healthy (a request every %s: a Socket.IO ack or a "+
		"0.6 ping/pong). The steady part, between the plot's dashed lines, starts after a warm-up of %s and ends when the "+
		"slots stop opening clients; then the runner waits for the server to settle.\n\n",
		s.When.UTC().Format("2006-01-02 15:04 UTC"), s.GoVersion, s.Loops, s.Broadcast, s.Padding,
		s.Slots, s.Duration, s.MinLife, s.MaxLife, 100*s.Abrupt, 100*s.Slow, Flood>>20, MaxBuffered>>10, s.Every, s.Warmup)
	if png != "" {
		fmt.Fprintf(w, "![soak](%s)\n\n", png)
	}
	fmt.Fprintf(w, "## Verdict\n\n| check | result | detail |\n|---|---|---|\n")
	for _, c := range checks {
		r := "pass"
		if !c.Pass {
			r = "**FAIL**"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", c.Name, r, c.Detail)
	}
	fmt.Fprintf(w, "\n## Server over time\n\n| | before the clients | steady mean | steady slope /min | after the clients |\n|---|---|---|---|---|\n")
	trends := Trends(o.Samples, o.WarmupEnd, o.SteadyEnd)
	for _, t := range trends {
		var before, after float64
		switch t.Metric {
		case "RSS":
			before, after = float64(o.Baseline.RSS), float64(o.Final.RSS)
		case "goroutines":
			before, after = float64(o.Baseline.Goroutines), float64(o.Final.Goroutines)
		case "open files":
			before, after = float64(o.Baseline.FDs), float64(o.Final.FDs)
		case "sessions":
			before, after = float64(o.Baseline.Sessions), float64(o.Final.Sessions)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", t.Metric, t.format(before), t.format(t.Mean), t.format(t.Slope*60), t.format(after))
	}
	var peakSessions, peakClients int
	for _, smp := range o.Samples {
		peakSessions = max(peakSessions, smp.Sessions)
		peakClients = max(peakClients, smp.Clients)
	}
	fmt.Fprintf(w, "\nPeaks: %d sessions, %d clients open. Samples: %d (one a second).\n", peakSessions, peakClients, len(o.Samples))
	srv := o.Server
	fmt.Fprintf(w, "\n## Server counts\n\nSockets opened %d, closed %d (closed again %d, ids opened twice %d, open at the end %d). Broadcasts sent: %d.\n\nCloses by reason:",
		srv.Opens, srv.Closes, srv.StrayCloses, srv.DoubleOpens, srv.OpenSockets, srv.Broadcasts)
	reasons := make([]string, 0, len(srv.Reasons))
	for r := range srv.Reasons {
		reasons = append(reasons, r)
	}
	slices.Sort(reasons)
	for _, r := range reasons {
		fmt.Fprintf(w, " %s %d;", r, srv.Reasons[r])
	}
	fmt.Fprintf(w, "\n\n## Clients by kind\n\n| kind | sessions | failed | healthy | abrupt | slow (flooded) | dropped | broadcasts | gaps | dups | requests | unanswered |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	var tot KindStats
	var errs []string
	for _, k := range o.Clients {
		tot.add(k)
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d (%d) | %d | %d | %d | %d | %d | %d |\n", k.Kind, k.Sessions, k.OpenFailures,
			k.Healthy, k.Abrupt, k.Slow, k.Floods, k.Dropped, k.Broadcasts, k.Gaps, k.Dups, k.Requests, k.Unanswered)
		for _, e := range k.Errors {
			errs = append(errs, k.Kind+": "+e)
		}
	}
	fmt.Fprintf(w, "| **all** | %d | %d | %d | %d | %d (%d) | %d | %d | %d | %d | %d | %d |\n", tot.Sessions, tot.OpenFailures,
		tot.Healthy, tot.Abrupt, tot.Slow, tot.Floods, tot.Dropped, tot.Broadcasts, tot.Gaps, tot.Dups, tot.Requests, tot.Unanswered)
	fmt.Fprintf(w, "\n\"dropped\": healthy or abrupt sessions that ended before their client ended them; \"failed\": the handshake or connect failed.\n")
	if len(errs) > 0 {
		fmt.Fprintf(w, "\nFirst errors:\n\n")
		for _, e := range errs {
			fmt.Fprintf(w, "- `%s`\n", strings.ReplaceAll(e, "`", "'"))
		}
	}
}
