package loadgen

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// Run performs a whole run in this process (Procs is forced to 1) and
// writes progress lines to progress (may be nil).
func Run(ctx context.Context, cfg Config, progress io.Writer) (*Result, error) {
	cfg.Procs = 1
	if err := cfg.Normalize(); err != nil {
		return nil, err
	}
	start := time.Now()
	s, err := NewSession(cfg, Share{Count: cfg.Clients, Sender: cfg.Scenario == Broadcast})
	if err != nil {
		return nil, err
	}
	pr := startProgress(progress, &cfg, s.Progress)
	defer pr.stop()
	if err := s.Open(ctx); err != nil {
		s.Close()
		return nil, err
	}
	pr.setPhase("running")
	if s.Progress().Connected == 0 {
		err = ErrNoSession
	} else {
		err = s.Run(ctx)
	}
	s.Close()
	pr.stop()
	return Merge(cfg, start, []*Part{s.Part()}, cpuTimes{}), err
}

// A job is what the parent sends a worker: one line of JSON on its stdin.
// The worker answers with lines of workerMsg on its stdout: progress while
// it runs, ready once its sessions are open, then its part. The parent
// writes "go\n" once every worker is ready.
type job struct {
	Config Config `json:"config"`
	Share  Share  `json:"share"`
}

type workerMsg struct {
	Ready    bool      `json:"ready,omitempty"`
	Progress *Progress `json:"progress,omitempty"`
	Part     *Part     `json:"part,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// RunWorker is the body of a worker process started by Orchestrate.
func RunWorker(ctx context.Context, in io.Reader, out io.Writer) error {
	br := bufio.NewReader(in)
	line, err := br.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("loadgen worker: reading the job: %w", err)
	}
	var j job
	if err := json.Unmarshal(line, &j); err != nil {
		return fmt.Errorf("loadgen worker: bad job: %w", err)
	}
	var mu sync.Mutex
	enc := json.NewEncoder(out)
	send := func(m workerMsg) {
		mu.Lock()
		defer mu.Unlock()
		enc.Encode(m)
	}
	s, err := NewSession(j.Config, j.Share)
	if err != nil {
		send(workerMsg{Error: err.Error()})
		return err
	}
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p := s.Progress()
				send(workerMsg{Progress: &p})
			}
		}
	}()
	defer close(stop)
	if err := s.Open(ctx); err != nil {
		s.Close()
		send(workerMsg{Error: err.Error()})
		return err
	}
	p := s.Progress()
	send(workerMsg{Ready: true, Progress: &p})
	if _, err := br.ReadBytes('\n'); err != nil {
		s.Close() // the parent gave up (no session anywhere, or it died)
		return nil
	}
	err = s.Run(ctx)
	s.Close()
	send(workerMsg{Part: s.Part()})
	return err
}

// Orchestrate runs cfg over cfg.Procs worker processes, each started by
// newCmd (typically the running executable in worker mode, which calls
// RunWorker), and merges their parts. The workers open their sessions,
// start measuring together once all are open, and report back. With one
// process it is Run.
func Orchestrate(ctx context.Context, cfg Config, newCmd func() *exec.Cmd, progress io.Writer) (*Result, error) {
	if err := cfg.Normalize(); err != nil {
		return nil, err
	}
	if cfg.Procs <= 1 {
		return Run(ctx, cfg, progress)
	}
	start := time.Now()
	cpu0 := cpuNow()
	n := cfg.Procs
	type worker struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		prog  atomic.Pointer[Progress]
	}
	ws := make([]*worker, n)
	ready := make(chan int, n)
	parts := make(chan *Part, n)
	fails := make(chan error, n)
	defer func() {
		for _, w := range ws {
			if w != nil && w.cmd.Process != nil {
				w.stdin.Close()
				w.cmd.Wait()
			}
		}
	}()
	for i := range n {
		first, end := i*cfg.Clients/n, (i+1)*cfg.Clients/n
		sh := Share{First: first, Count: end - first, Sender: i == 0 && cfg.Scenario == Broadcast}
		w := &worker{cmd: newCmd()}
		ws[i] = w
		var err error
		if w.stdin, err = w.cmd.StdinPipe(); err != nil {
			return nil, err
		}
		stdout, err := w.cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := w.cmd.Start(); err != nil {
			return nil, fmt.Errorf("loadgen: starting worker %d: %w", i, err)
		}
		b, _ := json.Marshal(job{Config: cfg, Share: sh})
		w.stdin.Write(append(b, '\n'))
		go func() {
			r := bufio.NewReader(stdout)
			gotPart := false
			for {
				line, err := r.ReadBytes('\n')
				if len(line) > 0 {
					var m workerMsg
					if json.Unmarshal(line, &m) == nil {
						if m.Progress != nil {
							w.prog.Store(m.Progress)
						}
						switch {
						case m.Error != "":
							fails <- fmt.Errorf("loadgen: worker %d: %s", i, m.Error)
						case m.Ready:
							ready <- i
						case m.Part != nil:
							gotPart = true
							w.prog.Store(&m.Part.Progress)
							parts <- m.Part
						}
					}
				}
				if err != nil {
					if !gotPart {
						fails <- fmt.Errorf("loadgen: worker %d exited before reporting", i)
					}
					return
				}
			}
		}()
	}
	sum := func() Progress {
		var p Progress
		for _, w := range ws {
			if q := w.prog.Load(); q != nil {
				p.add(*q)
			}
		}
		return p
	}
	pr := startProgress(progress, &cfg, sum)
	defer pr.stop()
	for range n {
		select {
		case <-ready:
		case err := <-fails:
			return nil, err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if sum().Connected == 0 {
		return nil, ErrNoSession
	}
	pr.setPhase("running")
	for _, w := range ws {
		w.stdin.Write([]byte("go\n"))
	}
	var got []*Part
	for len(got) < n {
		select {
		case p := <-parts:
			got = append(got, p)
		case err := <-fails:
			return nil, err
		}
	}
	pr.stop()
	return Merge(cfg, start, got, cpuNow().sub(cpu0)), nil
}

// progressPrinter writes one line a second while a run goes on.
type progressPrinter struct {
	w     io.Writer
	cfg   *Config
	read  func() Progress
	phase atomic.Value
	once  sync.Once
	quit  chan struct{}
	done  chan struct{}
}

func startProgress(w io.Writer, cfg *Config, read func() Progress) *progressPrinter {
	p := &progressPrinter{w: w, cfg: cfg, read: read, quit: make(chan struct{}), done: make(chan struct{})}
	p.phase.Store("opening")
	if w == nil {
		close(p.done)
		return p
	}
	go p.loop()
	return p
}

func (p *progressPrinter) setPhase(s string) { p.phase.Store(s) }

func (p *progressPrinter) stop() {
	p.once.Do(func() { close(p.quit) })
	<-p.done
}

func (p *progressPrinter) loop() {
	defer close(p.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	start := time.Now()
	var last Progress
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
		}
		q := p.read()
		line := fmt.Sprintf("loadgen %s %s %3.0fs: sessions %d/%d, failed %d, dropped %d",
			p.cfg.Scenario, p.phase.Load(), time.Since(start).Seconds(), q.Connected, p.cfg.Clients, q.Failed, q.Dropped)
		switch p.cfg.Scenario {
		case Conns:
			line += fmt.Sprintf(", pongs %d", q.Pongs)
		case Echo, PollingEcho:
			line += fmt.Sprintf(", acks %d/s", q.Acks-last.Acks)
		case Broadcast:
			line += fmt.Sprintf(", sent %d/s, delivered %d/s", q.Sent-last.Sent, q.Delivered-last.Delivered)
		}
		last = q
		fmt.Fprintln(p.w, line)
	}
}

// ErrNoSession is returned when not one session could be opened.
var ErrNoSession = errors.New("loadgen: no session connected")

// ErrNotLoopback is returned for a target outside 127.0.0.0/8.
var ErrNotLoopback = errors.New("loadgen: only loopback targets are allowed")
