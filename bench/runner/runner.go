// Package runner runs tornadio's side-by-side benchmarks: it starts each
// server under test pinned to one core (taskset), drives it with the load
// generator (bench/cmd/loadgen) pinned to the other, repeats every point,
// and reduces the repeats to medians with ratios against the peers measured
// in the same run (see Report).
//
// Every process it starts runs in its own process group with a parent-death
// signal and a stdin pipe whose end makes the servers exit; KillAll ends
// whatever is left. A server that does not start, or dies, or a load run
// that fails, becomes a "failed" cell; the run goes on.
package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ServerSpec is one server under test.
type ServerSpec struct {
	Name string   // "tornadio", "node", "zishang", "raw"
	Argv []string // the command (taskset is added)
	Dir  string
	Env  []string
	// Raw: the server speaks bare websocket frames (loadgen -raw); it has no
	// long-polling, so polling scenarios skip it.
	Raw bool
	// LoadFlags are more load generator flags for every point run against
	// this server (-deflate for a server with permessage-deflate on).
	LoadFlags []string
	// Points, when set, names the only points (Point.Name) this server runs.
	Points []string
}

// Point is one measurement: a scenario at one size.
type Point struct {
	Scenario string        // conns, echo, broadcast, polling-echo
	Clients  int           // sessions (conns), C (echo), receivers (broadcast)
	Duration time.Duration // measured window (echo, broadcast); hold (conns)
	Rate     float64       // sessions/s (conns), messages/s (broadcast)
	Payload  int           // bytes
	Extra    []string      // more loadgen flags
	// Transport "polling" runs conns over long-polling; empty: websocket.
	Transport string
	// Window is the echoes each client keeps in flight (echo only): 0 or 1
	// is the browser-like pattern, more pipelines (loadgen -window).
	Window int
	// MaxRate runs broadcast as a closed loop (loadgen -max-rate) instead
	// of at Rate; Window is then the broadcasts undelivered at most.
	MaxRate bool
	// Tag tells apart points of one scenario that differ otherwise (payload,
	// Extra): it is appended to Name and Label.
	Tag string
}

// Label names the point in tables and progress lines.
func (p Point) Label() string {
	if p.Tag != "" {
		q := p
		q.Tag = ""
		return q.Label() + " · " + p.Tag
	}
	switch p.Scenario {
	case "conns":
		return fmt.Sprintf("%s N=%d", p.Name(), p.Clients)
	case "broadcast":
		if p.MaxRate && p.Window > 1 {
			return fmt.Sprintf("broadcast N=%d @max (%d in flight)", p.Clients, p.Window)
		}
		if p.MaxRate {
			return fmt.Sprintf("broadcast N=%d @max", p.Clients)
		}
		return fmt.Sprintf("broadcast N=%d @%g/s", p.Clients, p.Rate)
	case "echo":
		if p.Window > 1 {
			return fmt.Sprintf("echo C=%d pipelined (%d in flight)", p.Clients, p.Window)
		}
		return fmt.Sprintf("echo C=%d browser-like (1 in flight)", p.Clients)
	default:
		return fmt.Sprintf("%s C=%d", p.Scenario, p.Clients)
	}
}

// Config is a whole run.
type Config struct {
	Servers     []ServerSpec
	Points      []Point
	Repeats     int      // at least 3 for a median worth the name
	Loadgen     []string // the load generator's command
	ServerCPUs  string   // taskset list for the servers; default "0"
	LoadCPUs    string   // taskset list for the load generator; default "1"
	StartWait   time.Duration
	Settle      time.Duration // between ready and the load; default 300 ms
	Progress    io.Writer     // progress lines; nil for none
	SampleEvery time.Duration // CPU/RSS sampling period; default 50 ms
	// Scaling, when set, is run after the points: one server at two loop
	// counts (see Scaling); its result gets its own table.
	Scaling *Scaling
}

// Sample is one run of one point against one server.
type Sample struct {
	Err        string
	ServerCPU  time.Duration   // utime+stime during the load run (all its processes)
	ProcCPU    []time.Duration // ServerCPU by process, in start order
	LoadCPU    time.Duration   // the load generator's user+sys
	Wall       time.Duration   // the load run's wall time
	RSSBase    int64           // server RSS before the load
	RSSPeak    int64           // highest RSS sampled during the load
	Ops        float64         // acks (echo), deliveries (broadcast), sessions (conns)
	Sent       int64           // broadcasts sent (broadcast)
	SentPerSec float64         // broadcasts per second of the send window
	Publishes  int64           // PUBLISH commands Redis executed during the load run (cluster point)
	Throughput float64         // ops per second of the measured window
	P50, P99   float64         // latency, milliseconds
	P999       float64
	Delivery   float64 // delivery ratio (broadcast), else 0
	Saturated  bool    // the load generator says it was its own limit
	// The rest of the machine during the load run (see noise.go):
	OtherShare      float64 // CPU of everything but server and load generator, in cores
	SynRetrans      int64   // kernel-wide TCPSynRetrans delta
	ListenOverflows int64   // kernel-wide ListenOverflows delta
	Result          json.RawMessage

	window     time.Duration // the load generator's measured window
	loadRunCPU time.Duration // its CPU during that window
}

// cpuPoint is the server's CPU time at t after the load generator started.
type cpuPoint struct {
	t, cpu time.Duration
}

// cpuAt interpolates the server's CPU time at t.
func cpuAt(series []cpuPoint, t time.Duration) time.Duration {
	if len(series) == 0 {
		return 0
	}
	if t <= series[0].t {
		return series[0].cpu
	}
	for i := 1; i < len(series); i++ {
		a, b := series[i-1], series[i]
		if t <= b.t {
			if b.t == a.t {
				return b.cpu
			}
			return a.cpu + time.Duration(float64(b.cpu-a.cpu)*float64(t-a.t)/float64(b.t-a.t))
		}
	}
	return series[len(series)-1].cpu
}

// Cell is the median of a point's samples for one server.
type Cell struct {
	Server   string
	Point    Point
	OK, Runs int
	Err      string // the first error, when some or all runs failed
	// Medians over the successful runs:
	CPUPerOp      float64 // server CPU µs per op (ack, delivery, session)
	RSSPerSession float64 // KiB per held session (conns)
	Throughput    float64 // ops/s
	P50, P99      float64 // ms
	P999          float64
	Delivery      float64
	LoadCPUPerOp  float64 // load generator CPU µs per op
	LoadCPUShare  float64 // load generator CPU / wall (1 = one core busy)
	ServerShare   float64 // server CPU / wall
	Samples       []Sample
}

// Failed tells whether no run succeeded.
func (c *Cell) Failed() bool { return c.OK == 0 }

// Results are all cells, by point then server, in Config order.
type Results struct {
	Config  Config
	Cells   [][]*Cell // [point][server]
	Scaling *ScalingResult
	Started time.Time
	Elapsed time.Duration
}

// Run runs every point Repeats times against every server, interleaving
// the servers (rep 1 of each, then rep 2, …) so that slow drifts of the
// machine hit them alike.
func Run(ctx context.Context, cfg Config) *Results {
	cfg = withDefaults(cfg)
	res := &Results{Config: cfg, Started: time.Now()}
	total := 0
	for _, p := range cfg.Points {
		for _, s := range cfg.Servers {
			if applies(s, p) {
				total += cfg.Repeats
			}
		}
	}
	if cfg.Scaling != nil {
		total += 2 * cfg.Repeats
	}
	n := 0
	for _, p := range cfg.Points {
		row := make([]*Cell, len(cfg.Servers))
		for i, s := range cfg.Servers {
			row[i] = &Cell{Server: s.Name, Point: p}
		}
		res.Cells = append(res.Cells, row)
		for rep := 1; rep <= cfg.Repeats; rep++ {
			for i, s := range cfg.Servers {
				if !applies(s, p) {
					continue
				}
				n++
				if ctx.Err() != nil {
					row[i].Samples = append(row[i].Samples, Sample{Err: "interrupted"})
					continue
				}
				cfg.progress("[%d/%d %s] %s · %s · rep %d/%d …", n, total, since(res.Started), p.Label(), s.Name, rep, cfg.Repeats)
				sm := runOnce(ctx, cfg, s, p)
				row[i].Samples = append(row[i].Samples, sm)
				if sm.Err != "" {
					cfg.progress("    %s failed: %s", s.Name, sm.Err)
				} else {
					cfg.progress("    %s", summary(p, sm))
				}
			}
		}
		for _, c := range row {
			c.reduce()
		}
	}
	if cfg.Scaling != nil {
		res.Scaling = runScaling(ctx, cfg, *cfg.Scaling, &n, total, res)
	}
	res.Elapsed = time.Since(res.Started)
	return res
}

func applies(s ServerSpec, p Point) bool {
	if s.Raw && p.polling() {
		return false
	}
	return len(s.Points) == 0 || slices.Contains(s.Points, p.Name())
}

func since(t time.Time) string {
	d := time.Since(t).Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func (cfg *Config) progress(format string, args ...any) {
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, format+"\n", args...)
	}
}

func summary(p Point, s Sample) string {
	unit := "ops"
	switch p.Scenario {
	case "echo", "polling-echo":
		unit = "acks"
	case "broadcast":
		unit = "deliveries"
	case "conns":
		return fmt.Sprintf("%.0f sessions, server RSS %+.1f MiB (%.2f KiB/session), CPU %.0f ms",
			s.Ops, float64(s.RSSPeak-s.RSSBase)/(1<<20), perSession(s), s.ServerCPU.Seconds()*1e3)
	}
	return fmt.Sprintf("%.0f %s/s, server CPU %.2f µs per op, p99 %.2f ms, loadgen CPU %.0f%%, other CPU %.0f%%, SYN retransmits %d",
		s.Throughput, unit, perOp(s.ServerCPU, s.Ops), s.P99, 100*s.LoadCPU.Seconds()/s.Wall.Seconds(), 100*s.OtherShare, s.SynRetrans)
}

func perOp(d time.Duration, ops float64) float64 {
	if ops <= 0 {
		return 0
	}
	return float64(d.Nanoseconds()) / 1e3 / ops
}

func perSession(s Sample) float64 {
	if s.Ops <= 0 {
		return 0
	}
	return float64(s.RSSPeak-s.RSSBase) / 1024 / s.Ops
}

// loadArgs are the load generator's flags for p against addr.
func loadArgs(s ServerSpec, p Point, addr string) []string {
	a := []string{
		"-target", addr,
		"-scenario", p.Scenario,
		"-clients", strconv.Itoa(p.Clients),
	}
	if p.Scenario == "conns" {
		a = append(a, "-hold", p.Duration.String())
	} else {
		a = append(a, "-duration", p.Duration.String())
	}
	if p.Rate > 0 {
		a = append(a, "-rate", strconv.FormatFloat(p.Rate, 'f', -1, 64))
	}
	if p.Payload > 0 {
		a = append(a, "-payload", strconv.Itoa(p.Payload))
	}
	if s.Raw {
		a = append(a, "-raw")
	}
	if p.Transport != "" {
		a = append(a, "-transport", p.Transport)
	}
	if p.Window > 1 {
		a = append(a, "-window", strconv.Itoa(p.Window))
	}
	if p.MaxRate {
		a = append(a, "-max-rate")
	}
	a = append(a, p.Extra...)
	return append(a, s.LoadFlags...)
}

// runOnce starts a fresh server, runs the load once, and stops both.
func runOnce(ctx context.Context, cfg Config, spec ServerSpec, p Point) (sm Sample) {
	srv, err := startServer(ctx, spec, cfg.ServerCPUs, cfg.StartWait)
	if err != nil {
		sm.Err = "start: " + oneLine(err.Error())
		return sm
	}
	defer srv.close()
	select {
	case <-time.After(cfg.Settle):
	case <-ctx.Done():
		sm.Err = "interrupted"
		return sm
	}
	return measure(ctx, cfg, []*server{srv}, loadArgs(spec, p, srv.addr), p)
}

func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}

// lastJSON is the last line of s that looks like a JSON object (the load
// generator prints one object; anything before it is tolerated).
func lastJSON(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, "{") {
			return l
		}
	}
	return strings.TrimSpace(s)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// reduce computes the medians of the successful samples.
func (c *Cell) reduce() {
	var ok []Sample
	for _, s := range c.Samples {
		c.Runs++
		if s.Err == "" {
			ok = append(ok, s)
		} else if c.Err == "" {
			c.Err = s.Err
		}
	}
	c.OK = len(ok)
	if len(ok) == 0 {
		return
	}
	med := func(f func(Sample) float64) float64 {
		v := make([]float64, len(ok))
		for i, s := range ok {
			v[i] = f(s)
		}
		return median(v)
	}
	c.CPUPerOp = med(func(s Sample) float64 { return perOp(s.ServerCPU, s.Ops) })
	c.LoadCPUPerOp = med(func(s Sample) float64 { return perOp(s.LoadCPU, s.Ops) })
	c.RSSPerSession = med(perSession)
	c.Throughput = med(func(s Sample) float64 { return s.Throughput })
	c.P50 = med(func(s Sample) float64 { return s.P50 })
	c.P99 = med(func(s Sample) float64 { return s.P99 })
	c.P999 = med(func(s Sample) float64 { return s.P999 })
	c.Delivery = med(func(s Sample) float64 { return s.Delivery })
	c.LoadCPUShare = med(func(s Sample) float64 { return s.LoadCPU.Seconds() / s.Wall.Seconds() })
	c.ServerShare = med(func(s Sample) float64 { return s.ServerCPU.Seconds() / s.Wall.Seconds() })
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}
