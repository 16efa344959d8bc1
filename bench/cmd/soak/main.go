// Command soak runs make soak and make soak-short: it builds and starts
// the soak server (bench/cmd/soak-server) as its own process, samples its
// RSS and open files (/proc/<pid>) and its goroutines and sessions (its
// /stats endpoint) every second, churns clients of every transport against
// it (package soak) for -duration, waits for the server to settle once
// they are gone, and writes the verdict as markdown and a PNG plot. The
// exit status is 0 when every check passed, 1 when one failed, 2 on error.
//
// Everything is on loopback; the clients stay far under 20 000 open files
// (two connections at most per slot).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/tornadio/tornadio/bench/soak"
)

func main() {
	duration := flag.Duration("duration", 10*time.Minute, "how long the clients churn")
	short := flag.Bool("short", false, "the CI profile: fewer clients, shorter lives")
	slots := flag.Int("clients", 0, "clients open at once (default 220, or 88 with -short)")
	out := flag.String("out", "", "markdown report (default: stdout only)")
	png := flag.String("png", "", "PNG plot")
	loops := flag.Int("loops", 4, "the server's event loops")
	every := flag.Duration("broadcast", 50*time.Millisecond, "the server's broadcast period")
	flag.Parse()

	setup := soak.Setup{
		Duration: *duration, Slots: 220, MinLife: 2 * time.Second, MaxLife: 20 * time.Second,
		Every: 300 * time.Millisecond, Abrupt: 0.15, Slow: 0.05, Broadcast: *every, Padding: 200,
		Loops: *loops, GoVersion: runtime.Version(), When: time.Now(),
	}
	if *short {
		setup.Slots, setup.MaxLife = 88, 8*time.Second
	}
	if *slots > 0 {
		setup.Slots = *slots
	}
	// The warm-up: a fifth of the run, at least two longest lifetimes (the
	// sessions' mix and the heap settle).
	setup.Warmup = max(*duration/5, 2*setup.MaxLife)
	if setup.Warmup >= *duration {
		log.Fatalf("soak: -duration %s leaves no steady part after the %s warm-up", *duration, setup.Warmup)
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	pass, err := run(ctx, setup, *out, *png)
	if err != nil {
		log.Printf("soak: %v", err)
		os.Exit(2)
	}
	if !pass {
		os.Exit(1)
	}
}

func run(ctx context.Context, setup soak.Setup, out, png string) (bool, error) {
	tmp, err := os.MkdirTemp("", "tornadio-soak")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "soak-server")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/soak-server")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return false, fmt.Errorf("building the soak server: %w", err)
	}
	srv, err := startServer(ctx, bin, setup)
	if err != nil {
		return false, err
	}
	defer srv.stop()
	log.Printf("soak: server pid %d on %s, %d clients for %s", srv.pid, srv.addr, setup.Slots, setup.Duration)

	churn := soak.NewChurn(soak.ChurnConfig{
		Addr: srv.addr, Slots: setup.Slots, Duration: setup.Duration, MinLife: setup.MinLife, MaxLife: setup.MaxLife,
		Every: setup.Every, Abrupt: setup.Abrupt, Slow: setup.Slow,
	})
	sampler := &soak.Sampler{PID: srv.pid, StatsURL: "http://" + srv.stats + "/stats", Start: time.Now()}
	rec := startRecorder(ctx, sampler, churn.Live)
	// The baseline: the server up, broadcasting, no client yet.
	time.Sleep(2500 * time.Millisecond)
	baseline, _, ok := rec.latest()
	if !ok {
		_, _, _, err := rec.stop()
		return false, fmt.Errorf("no sample of the server: %v", err)
	}
	churnStart := sampler.Since()
	progressDone := make(chan struct{})
	go progress(ctx, churn, setup.Duration, progressDone)
	churn.Run(ctx)
	close(progressDone)
	if ctx.Err() != nil {
		rec.stop()
		return false, ctx.Err()
	}
	// Settle: every session ended on the server (by the clients, or by its
	// timers for the abandoned ones).
	log.Printf("soak: clients done; waiting up to %s for the server to settle", soak.Settle)
	deadline := time.Now().Add(soak.Settle)
	for !rec.settled() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(250 * time.Millisecond)
	}
	// Two more samples: closed connections' files go last.
	time.Sleep(2500 * time.Millisecond)
	samples, last, errs, lastErr := rec.stop()
	if len(samples) < 3 {
		return false, fmt.Errorf("%d samples of the server: %v", len(samples), lastErr)
	}
	o := soak.Outcome{
		Samples: samples, WarmupEnd: churnStart + setup.Warmup.Seconds(), SteadyEnd: churnStart + setup.Duration.Seconds(),
		Baseline: baseline, Final: samples[len(samples)-1], Server: last, Clients: churn.Stats(), SampleErrors: errs,
	}
	if lastErr != nil {
		o.SampleError = lastErr.Error()
	}
	checks := soak.Judge(o)
	if png != "" {
		if err := soak.Plot(o, png); err != nil {
			return false, fmt.Errorf("plot: %w", err)
		}
	}
	w := io.Writer(os.Stdout)
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return false, err
		}
		defer f.Close()
		w = io.MultiWriter(os.Stdout, f)
	}
	pngRef := ""
	if png != "" && out != "" {
		if rel, err := filepath.Rel(filepath.Dir(out), png); err == nil {
			pngRef = rel
		}
	}
	soak.Report(w, setup, o, checks, pngRef)
	return soak.Passed(checks), nil
}

// progress prints a line every 30 s while the clients churn.
func progress(ctx context.Context, churn *soak.Churn, d time.Duration, done <-chan struct{}) {
	start := time.Now()
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-done:
			return
		case <-t.C:
			var sessions, gaps, dups int64
			for _, k := range churn.Stats() {
				sessions += k.Sessions
				gaps += k.Gaps
				dups += k.Dups
			}
			log.Printf("soak: %s of %s, %d clients open, %d sessions so far, %d gaps, %d dups",
				time.Since(start).Round(time.Second), d, churn.Live(), sessions, gaps, dups)
		}
	}
}

type server struct {
	cmd         *exec.Cmd
	stdin       io.WriteCloser
	pid         int
	addr, stats string
	done        chan struct{}
}

// startServer starts bin in its own process group (killed if we die) and
// reads its readiness line.
func startServer(ctx context.Context, bin string, setup soak.Setup) (*server, error) {
	c := exec.Command(bin, "-loops", fmt.Sprint(setup.Loops), "-every", setup.Broadcast.String(), "-padding", fmt.Sprint(setup.Padding))
	c.Stderr = os.Stderr
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdin, err := c.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("soak server: %w", err)
	}
	s := &server{cmd: c, stdin: stdin, pid: c.Process.Pid, done: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { _ = c.Wait(); close(s.done) }()
	var ready struct {
		Ready       bool
		Addr, Stats string
	}
	select {
	case line := <-lines:
		if err := json.Unmarshal([]byte(line), &ready); err != nil || !ready.Ready {
			s.stop()
			return nil, fmt.Errorf("soak server: readiness line %q", line)
		}
	case <-s.done:
		return nil, errors.New("soak server exited before ready")
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, errors.New("soak server not ready within 30s")
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
	s.addr, s.stats = ready.Addr, ready.Stats
	return s, nil
}

// stop closes the server's stdin (it exits), then kills its group if it
// has not exited within 3 s.
func (s *server) stop() {
	_ = s.stdin.Close()
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-s.pid, syscall.SIGKILL)
		<-s.done
	}
}
