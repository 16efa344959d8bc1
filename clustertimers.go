package tornadio

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// clusterTimer is a cluster adapter's timer (adapter.Timers).
type clusterTimer struct {
	d       time.Duration
	fn      func()
	stopped atomic.Bool
	home    atomic.Pointer[collectorHome]
	timer   *transports.Timer // on home's loop
	// engineStop stops the engine's timer armed while no loop was active.
	engineStop atomic.Pointer[func()]
}

// earlyTimers holds the timers armed before the server started: Start arms
// them, each for its whole duration (there is no loop clock before).
type earlyTimers struct {
	mu   sync.Mutex
	list []*clusterTimer
}

// AfterFunc arms a cluster adapter's timer on the event loops' clock: on
// the next active loop in turn, where fn runs; while no loop has had a
// connection, on the engine's own timer (loop.Engine.AfterFunc); before
// the server starts, it waits for Start. Any goroutine.
func (l *serverLoops) AfterFunc(d time.Duration, fn func()) (stop func()) {
	srv := (*Server)(l)
	t := &clusterTimer{d: d, fn: fn}
	if !srv.armTimer(t) {
		srv.early.mu.Lock()
		srv.early.list = append(srv.early.list, t)
		srv.early.mu.Unlock()
		if srv.startedEngine() != nil {
			srv.armEarlyTimers() // Start ran meanwhile
		}
	}
	return t.stop
}

// armTimer arms t on an active loop, or on the engine while no loop is
// active; false before Start.
func (s *Server) armTimer(t *clusterTimer) bool {
	h := newCallbackHome(&s.core)
	if h.loop < 0 {
		eng := s.startedEngine()
		if eng == nil {
			return false
		}
		stop := eng.AfterFunc(t.d, func() {
			if !t.stopped.Load() {
				t.fn()
			}
		})
		t.home.Store(&collectorHome{srv: &s.core, loop: -1}) // Post runs at once
		t.engineStop.Store(&stop)
		return true
	}
	t.home.Store(h)
	h.Post(func() {
		if !t.stopped.Load() {
			t.timer = s.tp.AfterFunc(h.loop, t.d, func() {
				if !t.stopped.Load() {
					t.fn()
				}
			})
		}
	})
	return true
}

// armEarlyTimers arms the timers armed before the loops ran. Any
// goroutine.
func (s *Server) armEarlyTimers() {
	s.early.mu.Lock()
	list := s.early.list
	s.early.list = nil
	s.early.mu.Unlock()
	for _, t := range list {
		if !t.stopped.Load() && !s.armTimer(t) {
			s.early.mu.Lock()
			s.early.list = append(s.early.list, t)
			s.early.mu.Unlock()
		}
	}
}

// stop keeps t from firing. Any goroutine.
func (t *clusterTimer) stop() {
	h := t.home.Load()
	if t.stopped.Swap(true) || h == nil {
		return
	}
	if stop := t.engineStop.Load(); stop != nil {
		(*stop)()
		return
	}
	h.Post(func() {
		if t.timer != nil {
			t.timer.Stop()
		}
	})
}
