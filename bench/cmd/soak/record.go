package main

import (
	"context"
	"sync"
	"time"

	"github.com/tornadio/tornadio/bench/soak"
)

// recorder samples the server every second, in order, from its own
// goroutine, and keeps the samples and the last server stats.
type recorder struct {
	sampler *soak.Sampler
	live    func() int // the clients open now

	mu      sync.Mutex
	samples []soak.Sample
	last    soak.ServerStats
	errs    int
	lastErr error

	cancel context.CancelFunc
	done   sync.WaitGroup
}

func startRecorder(ctx context.Context, s *soak.Sampler, live func() int) *recorder {
	r := &recorder{sampler: s, live: live}
	ctx, r.cancel = context.WithCancel(ctx)
	r.done.Add(1)
	go func() {
		defer r.done.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				r.take()
			}
		}
	}()
	return r
}

func (r *recorder) take() {
	smp, st, err := r.sampler.Take(r.live())
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errs++
		r.lastErr = err
		return
	}
	r.samples = append(r.samples, smp)
	r.last = st
}

// latest is the newest sample and server stats; ok is false before the first.
func (r *recorder) latest() (soak.Sample, soak.ServerStats, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.samples) == 0 {
		return soak.Sample{}, r.last, false
	}
	return r.samples[len(r.samples)-1], r.last, true
}

// settled reports whether the server holds no session and every socket
// it opened has closed.
func (r *recorder) settled() bool {
	smp, st, ok := r.latest()
	return ok && smp.Sessions == 0 && st.OpenSockets == 0 && st.Opens == st.Closes
}

// stop ends the sampling and returns what it recorded.
func (r *recorder) stop() (samples []soak.Sample, last soak.ServerStats, errs int, lastErr error) {
	r.cancel()
	r.done.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.samples, r.last, r.errs, r.lastErr
}
