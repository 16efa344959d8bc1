package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// measure runs the load generator once with args against servers already
// started and settled, samples their CPU and RSS meanwhile, and returns the
// sample: server figures are summed over procs (the nodes of a cluster and
// its Redis count as one server), ProcCPU keeps each one's share.
func measure(ctx context.Context, cfg Config, procs []*server, args []string, p Point) (sm Sample) {
	died := func(when string) bool {
		for _, s := range procs {
			if !s.alive() {
				sm.Err = fmt.Sprintf("%s died %s: %s", s.name, when, oneLine(s.stderr.String()))
				return true
			}
		}
		return false
	}
	series := make([][]cpuPoint, len(procs))
	sampleCPU := func(t time.Duration) error {
		for i, s := range procs {
			c, err := cpuTime(s.pid)
			if err != nil {
				return err
			}
			series[i] = append(series[i], cpuPoint{t, c})
		}
		return nil
	}
	sumRSS := func() (int64, error) {
		var n int64
		for _, s := range procs {
			r, err := rss(s.pid)
			if err != nil {
				return 0, err
			}
			n += r
		}
		return n, nil
	}
	err1 := sampleCPU(0)
	rss0, err2 := sumRSS()
	if err1 != nil || err2 != nil || died("before the load") {
		if sm.Err == "" {
			sm.Err = "server died before the load: " + oneLine(procs[0].stderr.String())
		}
		return sm
	}
	sm.RSSBase, sm.RSSPeak = rss0, rss0

	argv := append(append([]string(nil), cfg.Loadgen...), args...)
	lg := command(cfg.LoadCPUs, argv, "", nil)
	var out strings.Builder
	errTail := &tailBuffer{max: 4096}
	lg.Stdout, lg.Stderr = &out, errTail
	m0, merr := snapMachine()
	t0 := time.Now()
	if err := lg.Start(); err != nil {
		sm.Err = "loadgen: " + err.Error()
		return sm
	}
	track(lg)
	done := make(chan struct{})
	var werr error
	go func() { werr = lg.Wait(); close(done) }()
	limit := time.NewTimer(p.Duration + 90*time.Second + time.Duration(p.Clients)*time.Millisecond)
	defer limit.Stop()
	tick := time.NewTicker(cfg.SampleEvery)
	defer tick.Stop()
wait:
	for {
		select {
		case <-done:
			break wait
		case <-tick.C:
			if r, err := sumRSS(); err == nil && r > sm.RSSPeak {
				sm.RSSPeak = r
			}
			_ = sampleCPU(time.Since(t0))
		case <-limit.C:
			stop(lg, done, time.Second)
			sm.Err = "loadgen timed out: " + oneLine(errTail.String())
			return sm
		case <-ctx.Done():
			stop(lg, done, time.Second)
			sm.Err = "interrupted"
			return sm
		}
	}
	stop(lg, done, 0)
	sm.Wall = time.Since(t0)
	_ = sampleCPU(sm.Wall)
	if r, err := sumRSS(); err == nil && r > sm.RSSPeak {
		sm.RSSPeak = r
	}
	// Over the whole load run first; cut to the measured window below.
	cpuOver := func(from, to time.Duration) {
		sm.ServerCPU, sm.ProcCPU = 0, make([]time.Duration, len(procs))
		for i, sr := range series {
			sm.ProcCPU[i] = cpuAt(sr, to) - cpuAt(sr, from)
			sm.ServerCPU += sm.ProcCPU[i]
		}
	}
	cpuOver(0, sm.Wall)
	if lg.ProcessState != nil {
		sm.LoadCPU = lg.ProcessState.UserTime() + lg.ProcessState.SystemTime()
	}
	if m1, err := snapMachine(); err == nil && merr == nil {
		other := m1.busy - m0.busy - sm.ServerCPU - sm.LoadCPU
		sm.OtherShare = max(0, other.Seconds()/sm.Wall.Seconds())
		sm.SynRetrans = m1.tcp["TCPSynRetrans"] - m0.tcp["TCPSynRetrans"]
		sm.ListenOverflows = m1.tcp["ListenOverflows"] - m0.tcp["ListenOverflows"]
	}
	if died("during the load") {
		return sm
	}
	if werr != nil {
		var ee *exec.ExitError
		if !asExit(werr, &ee) || strings.TrimSpace(out.String()) == "" {
			sm.Err = fmt.Sprintf("loadgen: %v: %s", werr, oneLine(errTail.String()))
			return sm
		}
	}
	sm.Result = json.RawMessage(strings.TrimSpace(lastJSON(out.String())))
	if err := extract(p.Scenario, sm.Result, &sm); err != nil {
		sm.Err = "loadgen: " + err.Error()
		return sm
	}
	// Echo and broadcast count ops in the measured window only, which the
	// load generator ends just before it closes its sockets and exits: the
	// server's CPU is taken over the last window of the run (connects
	// excluded). conns keeps the whole run (opening, hold, closing).
	if p.Scenario != "conns" && sm.window > 0 && sm.window < sm.Wall {
		cpuOver(sm.Wall-sm.window, sm.Wall)
		sm.Wall = sm.window
		if sm.loadRunCPU > 0 {
			sm.LoadCPU = sm.loadRunCPU
		}
	}
	return sm
}
