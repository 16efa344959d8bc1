package soak

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// ChurnConfig is the client side of a soak.
type ChurnConfig struct {
	Addr     string
	Slots    int           // clients open at once: each slot opens the next when its client is done
	Duration time.Duration // slots stop opening clients after this long
	MinLife  time.Duration // a client's lifetime is uniform in [MinLife, MaxLife] (a slow one's longer: slowExtra)
	MaxLife  time.Duration
	Every    time.Duration // a healthy client's requests: one per Every
	Abrupt   float64       // share of clients that reset their connections at the end
	Slow     float64       // share of clients that stop reading after connecting
}

// Role is what a client does.
type Role uint8

const (
	Healthy Role = iota // reads everything and checks it, sends requests, leaves cleanly
	Abrupt              // healthy, then resets its connections mid-request or mid-frame
	Slow                // stops reading after connecting (some flood first)
)

func (r Role) String() string {
	switch r {
	case Healthy:
		return "healthy"
	case Abrupt:
		return "abrupt"
	}
	return "slow"
}

// slowExtra is added to a slow client's lifetime: past every timer by
// which the server ends a client that stopped reading.
const slowExtra = PingInterval + PingTimeout + time.Second

// answerWait is how long a leaving client waits for its requests' answers.
const answerWait = 10 * time.Second

// Churn is the client side of a soak: slots opening clients in turn, and
// their counts by kind.
type Churn struct {
	cfg   ChurnConfig
	live  atomic.Int64
	mu    sync.Mutex
	stats []KindStats // by index in Kinds
}

// NewChurn prepares a churn; Run runs it.
func NewChurn(cfg ChurnConfig) *Churn {
	c := &Churn{cfg: cfg, stats: make([]KindStats, len(Kinds))}
	for i, k := range Kinds {
		c.stats[i].Kind = k.Name
	}
	return c
}

// Live is the number of clients open now.
func (c *Churn) Live() int { return int(c.live.Load()) }

// Stats is a copy of the counts so far.
func (c *Churn) Stats() []KindStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]KindStats, len(c.stats))
	for i, s := range c.stats {
		out[i] = s
		out[i].Errors = append([]string(nil), s.Errors...)
	}
	return out
}

// Run opens clients in every slot until the duration has passed, then
// waits for the last ones to finish.
func (c *Churn) Run(ctx context.Context) {
	end := time.Now().Add(c.cfg.Duration)
	var wg sync.WaitGroup
	for slot := range c.cfg.Slots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(slot), uint64(time.Now().UnixNano())))
			// Slots start spread over the shortest lifetime, not at once.
			sleepCtx(ctx, time.Duration(rng.Int64N(int64(c.cfg.MinLife))))
			for n := 0; time.Now().Before(end) && ctx.Err() == nil; n++ {
				kind := (slot + n) % len(Kinds)
				role := Healthy
				switch x := rng.Float64(); {
				case x < c.cfg.Slow:
					role = Slow
				case x < c.cfg.Slow+c.cfg.Abrupt:
					role = Abrupt
				}
				life := c.cfg.MinLife + time.Duration(rng.Int64N(int64(c.cfg.MaxLife-c.cfg.MinLife)+1))
				c.client(ctx, kind, role, life)
			}
		}()
	}
	wg.Wait()
}

// client runs one client session of kind and role for life.
func (c *Churn) client(ctx context.Context, kind int, role Role, life time.Duration) {
	r := clientRun{role: role}
	s := Kinds[kind].New(c.cfg.Addr)
	f, floods := s.(flooder)
	floods = floods && role == Slow && f.willFlood()
	c.live.Add(1)
	defer c.live.Add(-1)
	openCtx, cancel := context.WithTimeout(ctx, ioTimeout)
	err := s.open(openCtx)
	cancel()
	if err != nil {
		s.reset()
		c.record(kind, &r, err)
		return
	}
	r.opened = true
	if role == Slow {
		if floods && f.flood(Flood) == nil {
			r.flooded = true
		}
		// Long enough for the server to end it (ping or heartbeat timeout,
		// poll close timeout, or a slow-consumer cut).
		sleepCtx(ctx, life+slowExtra)
		s.reset()
		c.record(kind, &r, nil)
		return
	}
	var (
		leaving   atomic.Bool
		readerErr error
		sendErr   error
		done      = make(chan struct{})
		mu        sync.Mutex // r's counts, shared with the reader
	)
	answered := make(chan struct{}, 1)
	go func() {
		defer close(done)
		for {
			ev, err := s.next()
			if err != nil {
				if !leaving.Load() {
					readerErr = err
				}
				return
			}
			mu.Lock()
			r.see(ev)
			if r.outstanding() == 0 {
				select {
				case answered <- struct{}{}:
				default:
				}
			}
			mu.Unlock()
		}
	}()
	t := time.NewTicker(c.cfg.Every)
	stop := time.NewTimer(life)
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-done:
			break loop
		case <-stop.C:
			break loop
		case <-t.C:
			mu.Lock()
			r.requests++
			k := r.requests
			mu.Unlock()
			if err := s.request(k); err != nil {
				sendErr = err
				break loop
			}
		}
	}
	t.Stop()
	stop.Stop()
	if role == Healthy {
		// Wait for the answers still due.
		deadline := time.NewTimer(answerWait)
		for {
			mu.Lock()
			due := r.outstanding()
			mu.Unlock()
			if due == 0 {
				break
			}
			select {
			case <-answered:
				continue
			case <-done:
			case <-deadline.C:
			}
			break
		}
		deadline.Stop()
	}
	leaving.Store(true)
	if role == Abrupt {
		s.reset()
	} else {
		s.leave()
	}
	<-done
	mu.Lock()
	defer mu.Unlock()
	if readerErr == nil && sendErr != nil {
		readerErr = fmt.Errorf("request: %w", sendErr)
	}
	c.record(kind, &r, readerErr)
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
