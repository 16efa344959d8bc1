package loadgen

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Share is the part of a run one process drives: the clients with global
// indices [First, First+Count), and the broadcast sender if Sender.
type Share struct {
	First  int  `json:"first"`
	Count  int  `json:"count"`
	Sender bool `json:"sender"`
}

// Session drives one process's share of a run on its epoll loops.
//
// Open, Run, Close and Part are called in that order from one goroutine;
// Progress is safe from any goroutine.
type Session struct {
	cfg   Config
	share Share

	targets    []target
	connectPkt []byte
	pad        []byte

	loops []*loop
	// counted is loops once Open has made them all, for Progress, which
	// runs on another goroutine (the progress printer) while Open works.
	counted atomic.Pointer[[]*loop]
	started bool
	closed  bool

	cpuOpen, cpuRun0, cpuRun1 cpuTimes
	window, sendWindow        time.Duration
	alive                     int64
}

// NewSession prepares a session; cfg must have been normalized.
func NewSession(cfg Config, sh Share) (*Session, error) {
	if cfg.Loops <= 0 || cfg.SrcIPs <= 0 {
		return nil, errors.New("loadgen: NewSession needs a normalized Config")
	}
	raiseFileLimit()
	s := &Session{cfg: cfg, share: sh}
	s.targets = newTargets(&cfg)
	s.connectPkt = []byte("40")
	s.pad = bytes.Repeat([]byte{'x'}, cfg.Payload)
	if cfg.Words {
		s.pad = words(cfg.Payload)
	}
	return s, nil
}

func (s *Session) echoes() bool { return s.cfg.Scenario == Echo || s.cfg.Scenario == PollingEcho }

// Open starts the loops and opens every session of the share, at the
// configured pace; it returns once each has connected or failed.
func (s *Session) Open(ctx context.Context) error {
	cfg := &s.cfg
	s.cpuOpen = cpuNow()
	rate := cfg.ConnectRate
	if cfg.Scenario == Conns {
		rate = cfg.Rate
	}
	nl := cfg.Loops
	for i := range nl {
		l, err := newLoop(s, i, cfg.MaxInflight/nl)
		if err != nil {
			s.closeLoops()
			return err
		}
		if rate > 0 {
			l.openRate = rate / float64(cfg.Procs) / float64(nl)
		}
		s.loops = append(s.loops, l)
	}
	loops := s.loops
	s.counted.Store(&loops)
	if s.share.Sender {
		c := &client{l: s.loops[0], src: [4]byte{127, 0, 0, 2}, sender: true}
		s.loops[0].sender = c
		s.loops[0].clients = append(s.loops[0].clients, c)
	}
	for i := range s.share.Count {
		g := s.share.First + i
		l := s.loops[i%nl]
		l.clients = append(l.clients, &client{l: l, src: cfg.srcAddr(g), poll: cfg.polling(), dst: targetOf(g, len(s.targets))})
	}
	now := nanotime()
	for _, l := range s.loops {
		l.openAt = now
		go l.run()
	}
	s.started = true
	for _, l := range s.loops {
		select {
		case <-l.openDone:
		case <-l.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Run measures: holds the sessions (conns), runs the closed echo loops
// (echo, polling-echo) or sends and receives broadcasts (broadcast).
func (s *Session) Run(ctx context.Context) error {
	cfg := &s.cfg
	s.cpuRun0 = cpuNow()
	defer func() { s.cpuRun1 = cpuNow() }()
	start := time.Now()
	switch cfg.Scenario {
	case Conns:
		sleep(ctx, cfg.Hold)
		s.window = time.Since(start)
		for _, l := range s.loops {
			l.call(func() {
				n := 0
				for _, c := range l.clients {
					if c.state == stReady && !c.sender {
						n++
					}
				}
				s.alive += int64(n)
			})
		}
	case Echo, PollingEcho:
		s.each(func(l *loop) {
			l.measuring = true
			now := nanotime()
			for _, c := range l.clients {
				c.fillWindow(now)
			}
		})
		sleep(ctx, cfg.Duration)
		s.eachWait(func(l *loop) { l.measuring = false })
		s.window = time.Since(start)
	case Broadcast:
		// Every loop counts deliveries before the first send: the max-rate
		// sender waits for each one.
		s.eachWait(func(l *loop) { l.measuring = true })
		s.each(func(l *loop) {
			if l.sender != nil && l.sender.state == stReady {
				l.sending = true
				l.sendAt = nanotime()
				l.sendRate = cfg.Rate
			}
		})
		sleep(ctx, cfg.Duration)
		s.eachWait(func(l *loop) { l.sending = false })
		s.sendWindow = time.Since(start)
		s.drain(ctx)
		s.eachWait(func(l *loop) { l.measuring = false })
		s.window = time.Since(start)
	}
	return ctx.Err()
}

// drain waits for the broadcasts in flight: until every one is delivered
// (when this process sees the whole run), deliveries stop for 500 ms, or
// Drain passes.
func (s *Session) drain(ctx context.Context) {
	deadline := time.Now().Add(s.cfg.Drain)
	last, quietSince := int64(-1), time.Now()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		p := s.Progress()
		if s.share.Sender && s.share.Count == s.cfg.Clients && p.Delivered >= p.Sent*(p.Connected-p.Dropped) {
			return
		}
		if p.Delivered != last {
			last, quietSince = p.Delivered, time.Now()
		} else if time.Since(quietSince) > 500*time.Millisecond {
			return
		}
		sleep(ctx, 20*time.Millisecond)
	}
}

// windowRoom is how many broadcasts the max-rate sender may emit now: the
// window less the broadcasts' worth of deliveries still missing (a partly
// delivered broadcast counts in full until its last receiver has it).
func (s *Session) windowRoom() int64 {
	p := s.Progress()
	receivers := p.Connected - p.Dropped
	if receivers <= 0 {
		return 0
	}
	missing := p.Sent*receivers - p.Delivered
	return max(0, int64(s.cfg.Window)-(missing+receivers-1)/receivers)
}

func (s *Session) each(fn func(*loop)) {
	for _, l := range s.loops {
		l.do(func() { fn(l) })
	}
}

func (s *Session) eachWait(fn func(*loop)) {
	for _, l := range s.loops {
		l.call(func() { fn(l) })
	}
}

// Close stops the loops and closes every socket.
func (s *Session) Close() {
	if s.closed {
		return
	}
	s.closed = true
	s.closeLoops()
}

func (s *Session) closeLoops() {
	for _, l := range s.loops {
		if s.started {
			l.do(func() { l.quit = true })
			<-l.done
		} else {
			l.shutdown()
		}
	}
}

// Progress is a snapshot of a run's counters.
type Progress struct {
	Connected int64 `json:"connected"`
	Failed    int64 `json:"failed"`
	Dropped   int64 `json:"dropped"`
	Acks      int64 `json:"acks"`
	Sent      int64 `json:"sent"`
	Delivered int64 `json:"delivered"`
	Pongs     int64 `json:"pongs"`
	Inflated  int64 `json:"inflated,omitempty"` // compressed messages received
	Deflated  int64 `json:"deflated,omitempty"` // compressed messages sent
}

func (p *Progress) add(o Progress) {
	p.Connected += o.Connected
	p.Failed += o.Failed
	p.Dropped += o.Dropped
	p.Acks += o.Acks
	p.Sent += o.Sent
	p.Delivered += o.Delivered
	p.Pongs += o.Pongs
	p.Inflated += o.Inflated
	p.Deflated += o.Deflated
}

// Progress sums the loops' counters. The broadcast sender is not counted
// among the sessions.
func (s *Session) Progress() Progress {
	var p Progress
	loops := s.counted.Load()
	if loops == nil {
		return p // Open has not made its loops yet
	}
	for _, l := range *loops {
		p.Connected += l.st.connected.Load()
		p.Failed += l.st.failed.Load()
		p.Dropped += l.st.dropped.Load()
		p.Acks += l.st.acks.Load()
		p.Sent += l.st.sent.Load()
		p.Delivered += l.st.delivered.Load()
		p.Pongs += l.st.pongs.Load()
		p.Inflated += l.st.inflated.Load()
		p.Deflated += l.st.deflated.Load()
	}
	return p
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

type cpuTimes struct{ user, sys float64 }

func cpuNow() cpuTimes {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) != nil {
		return cpuTimes{}
	}
	tv := func(t unix.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return cpuTimes{user: tv(ru.Utime), sys: tv(ru.Stime)}
}

func (a cpuTimes) sub(b cpuTimes) cpuTimes { return cpuTimes{a.user - b.user, a.sys - b.sys} }

// raiseFileLimit lifts the soft RLIMIT_NOFILE to the hard one.
func raiseFileLimit() {
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil && rl.Cur < rl.Max {
		rl.Cur = rl.Max
		unix.Setrlimit(unix.RLIMIT_NOFILE, &rl)
	}
}
