package loadgen

import (
	"math"
	"runtime"
	"time"
)

// Part is what one process measured; Merge combines the parts of a run.
type Part struct {
	Clients    int              `json:"clients"`
	Progress   Progress         `json:"progress"`
	Alive      int64            `json:"alive"`
	Window     float64          `json:"window_s"`
	SendWindow float64          `json:"send_window_s"`
	ConnectH   wireHist         `json:"connect_hist"`
	LatencyH   wireHist         `json:"latency_hist"`
	CPUWire    [4]float64       `json:"cpu"` // user, sys, user during Run, sys during Run
	Errors     map[string]int64 `json:"errors,omitempty"`
}

// Part returns the session's measurements; call it after Close.
func (s *Session) Part() *Part {
	p := &Part{
		Clients:    s.share.Count,
		Progress:   s.Progress(),
		Alive:      s.alive,
		Window:     s.window.Seconds(),
		SendWindow: s.sendWindow.Seconds(),
		Errors:     map[string]int64{},
	}
	var ch, lh Histogram
	for _, l := range s.loops {
		ch.Merge(&l.connectH)
		lh.Merge(&l.latH)
		for k, v := range l.errs {
			p.Errors[k] += v
		}
	}
	p.ConnectH, p.LatencyH = ch.wire(), lh.wire()
	total := cpuNow()
	run := s.cpuRun1.sub(s.cpuRun0)
	p.CPUWire = [4]float64{total.user, total.sys, run.user, run.sys}
	return p
}

// Result is the JSON object the CLI prints: what ran and what it measured.
// Latencies are in microseconds; rates per second of the measured window.
type Result struct {
	Scenario  string           `json:"scenario"`
	Target    string           `json:"target"`
	Transport string           `json:"transport"` // websocket or polling
	Raw       bool             `json:"raw"`
	Start     string           `json:"start"` // RFC 3339
	Params    Params           `json:"params"`
	Connect   ConnectResult    `json:"connect"`
	Results   ScenarioResult   `json:"results"`
	Loadgen   LoadgenResult    `json:"loadgen"`
	Errors    map[string]int64 `json:"errors,omitempty"`
}

// Params are the run's settings after defaults.
type Params struct {
	Clients       int     `json:"clients"`
	Rate          float64 `json:"rate,omitempty"`
	MaxRate       bool    `json:"max_rate,omitempty"` // broadcast: closed loop, Window broadcasts undelivered at most
	ConnectRate   float64 `json:"connect_rate,omitempty"`
	HoldS         float64 `json:"hold_s,omitempty"`
	DurationS     float64 `json:"duration_s,omitempty"`
	Payload       int     `json:"payload"`
	Window        int     `json:"window,omitempty"` // echoes in flight per client
	Path          string  `json:"path"`
	SrcIPs        int     `json:"src_ips"`
	Procs         int     `json:"procs"`
	LoopsPerProc  int     `json:"loops_per_proc"`
	MaxInflight   int     `json:"max_inflight"`
	Deflate       bool    `json:"deflate,omitempty"` // permessage-deflate offered (and required)
	Words         bool    `json:"words,omitempty"`
	ConnectTimeoS float64 `json:"connect_timeout_s"`
}

// ConnectResult covers the opening of the sessions (the broadcast sender is
// not counted). Latency runs from socket(2) to the Socket.IO CONNECT answer
// (to the 101 in raw mode).
type ConnectResult struct {
	Attempted int64   `json:"attempted"`
	Connected int64   `json:"connected"`
	Failed    int64   `json:"failed"`
	LatencyUS Latency `json:"latency_us"`
}

// ScenarioResult holds the figures of the measured phase. Fields that do
// not apply to the scenario are left out.
type ScenarioResult struct {
	WindowS float64 `json:"window_s"`
	// Dropped counts sessions lost after they had connected.
	Dropped int64 `json:"dropped"`

	// conns
	Alive         int64 `json:"alive,omitempty"` // connected at the end of the hold
	PingsAnswered int64 `json:"pings_answered,omitempty"`

	// echo, polling-echo
	Acks       int64   `json:"acks,omitempty"`
	AcksPerSec float64 `json:"acks_per_s,omitempty"`

	// broadcast
	Receivers        int64   `json:"receivers,omitempty"`
	Sent             int64   `json:"sent,omitempty"`
	SendWindowS      float64 `json:"send_window_s,omitempty"`
	SentPerSec       float64 `json:"sent_per_s,omitempty"`
	Delivered        int64   `json:"delivered,omitempty"`
	DeliveriesPerSec float64 `json:"deliveries_per_s,omitempty"`
	DeliveryRatio    float64 `json:"delivery_ratio,omitempty"`

	// permessage-deflate: compressed messages received and sent.
	CompressedIn  int64 `json:"compressed_in,omitempty"`
	CompressedOut int64 `json:"compressed_out,omitempty"`

	// Ack latency (echoes) or delivery latency (broadcast).
	LatencyUS *Latency `json:"latency_us,omitempty"`
}

// LoadgenResult is the load generator's own cost, summed over its
// processes: CPU seconds (user+sys) in all, and during the measured phase.
type LoadgenResult struct {
	CPUS      float64 `json:"cpu_s"`
	UserS     float64 `json:"user_s"`
	SysS      float64 `json:"sys_s"`
	RunCPUS   float64 `json:"run_cpu_s"`
	CPUPerOp  float64 `json:"run_cpu_us_per_op,omitempty"` // per ack or per delivery
	Procs     int     `json:"procs"`
	ElapsedS  float64 `json:"elapsed_s"`
	Saturated bool    `json:"saturated"` // run CPU ≥ 90 % of the window × loops: the figures may be the load generator's limit
}

// Merge combines the parts of a run into its result. extraCPU is CPU spent
// outside the parts (the parent of worker processes).
func Merge(cfg Config, start time.Time, parts []*Part, extraCPU cpuTimes) *Result {
	r := &Result{
		Scenario:  cfg.Scenario,
		Target:    cfg.Target,
		Transport: "websocket",
		Raw:       cfg.Raw,
		Start:     start.Format(time.RFC3339),
		Params: Params{
			Clients: cfg.Clients, Payload: cfg.Payload, Path: cfg.Path,
			SrcIPs: cfg.SrcIPs, Procs: cfg.Procs, LoopsPerProc: cfg.Loops,
			MaxInflight: cfg.MaxInflight, ConnectTimeoS: cfg.ConnectTimeout.Seconds(),
			ConnectRate: cfg.ConnectRate, Deflate: cfg.Deflate, Words: cfg.Words,
		},
		Errors: map[string]int64{},
	}
	if cfg.polling() {
		r.Transport = Polling
	}
	switch cfg.Scenario {
	case Conns:
		r.Params.Rate, r.Params.HoldS, r.Params.ConnectRate = cfg.Rate, cfg.Hold.Seconds(), 0
	case Broadcast:
		r.Params.Rate, r.Params.DurationS = cfg.Rate, cfg.Duration.Seconds()
		if cfg.MaxRate {
			r.Params.Rate, r.Params.MaxRate, r.Params.Window = 0, true, cfg.Window
		}
	default:
		r.Params.DurationS, r.Params.Window = cfg.Duration.Seconds(), cfg.Window
	}
	var p Progress
	var ch, lh Histogram
	var window, sendWindow float64
	cpu := extraCPU
	var run cpuTimes
	for _, pt := range parts {
		p.add(pt.Progress)
		r.Connect.Attempted += int64(pt.Clients)
		r.Results.Alive += pt.Alive
		window = math.Max(window, pt.Window)
		sendWindow = math.Max(sendWindow, pt.SendWindow)
		ch.fromWire(pt.ConnectH)
		lh.fromWire(pt.LatencyH)
		cpu.user += pt.CPUWire[0]
		cpu.sys += pt.CPUWire[1]
		run.user += pt.CPUWire[2]
		run.sys += pt.CPUWire[3]
		for k, v := range pt.Errors {
			r.Errors[k] += v
		}
	}
	r.Connect.Connected, r.Connect.Failed = p.Connected, p.Failed
	r.Connect.LatencyUS = ch.Summary()
	res := &r.Results
	res.WindowS = round3(window)
	res.Dropped = p.Dropped
	res.CompressedIn, res.CompressedOut = p.Inflated, p.Deflated
	lat := lh.Summary()
	var ops int64
	switch cfg.Scenario {
	case Conns:
		res.PingsAnswered = p.Pongs
	case Echo, PollingEcho:
		res.Acks = p.Acks
		res.AcksPerSec = round3(rate(p.Acks, window))
		res.LatencyUS = &lat
		ops = p.Acks
	case Broadcast:
		res.Receivers = p.Connected
		res.Sent = p.Sent
		res.SendWindowS = round3(sendWindow)
		res.SentPerSec = round3(rate(p.Sent, sendWindow))
		res.Delivered = p.Delivered
		res.DeliveriesPerSec = round3(rate(p.Delivered, sendWindow))
		if exp := p.Sent * p.Connected; exp > 0 {
			res.DeliveryRatio = float64(p.Delivered) / float64(exp)
		}
		res.LatencyUS = &lat
		ops = p.Delivered
	}
	lg := &r.Loadgen
	lg.UserS, lg.SysS = round3(cpu.user), round3(cpu.sys)
	lg.CPUS = round3(cpu.user + cpu.sys)
	lg.RunCPUS = round3(run.user + run.sys)
	if ops > 0 {
		lg.CPUPerOp = round3((run.user + run.sys) * 1e6 / float64(ops))
	}
	lg.Procs = cfg.Procs
	lg.ElapsedS = round3(time.Since(start).Seconds())
	if window > 0 && cfg.Scenario != Conns {
		cores := min(cfg.Loops*cfg.Procs, runtime.GOMAXPROCS(0))
		lg.Saturated = run.user+run.sys >= 0.9*window*float64(cores)
	}
	if len(r.Errors) == 0 {
		r.Errors = nil
	}
	return r
}

func rate(n int64, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return float64(n) / secs
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
