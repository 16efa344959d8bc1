package loop

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The connection cap and the file limit.
//
// gnet v2.9.7 stops its whole engine when accept(2) fails with EMFILE
// (listen.go). Keeping the connections below the file limit by a fixed
// headroom avoids that but refuses clients the limit has room for (a
// sixty-fourth of the limit refused 212 of 19 900 websocket clients under
// a 20 000-file limit). The ways weighed to do without one:
//
//   - A small headroom, counting the descriptors open at Start: it still
//     has to guess what the application opens later (log files, database
//     and adapter connections, a second engine), and a wrong guess stops
//     the engine with every connection on it.
//   - A spare descriptor closed to make room when a loop accepts (libuv's
//     way): gnet runs accept(2) itself, with no hook before or after it,
//     and with several loops accepting at once a spare freed by one is
//     taken by another.
//   - Steering connections away from gnet's listeners near the limit (a
//     reuseport BPF program): the decision still rests on a count of free
//     descriptors that nothing gives cheaply and exactly.
//   - Owning accept(2), and handing each accepted connection to a loop
//     with gnet's Engine.Register: EMFILE is then the engine's to handle,
//     gnet never sees it. Chosen. The price is paid per connection, off
//     the loops: a task of gnet's goroutine pool, one dup(2) and one
//     close(2).
//
// So no headroom is kept: every connection the file limit allows is held.
// At the limit the acceptor pauses on EMFILE (the clients wait in the
// listen queue) or a connection gnet cannot take is closed at once, and
// the engine keeps running; the first connection that closes makes room
// again. MaxConns remains for a cap below the file limit (a memory budget,
// a share of the machine); by default it is the file limit, which it can
// never exceed anyway.

// DefaultMaxConns is the connection cap when Options.MaxConns is not set:
// the process's RLIMIT_NOFILE soft limit (Go raises it to the hard limit
// at startup). The file limit itself is the real bound: a connection it
// has no room for is paused or refused, never fatal (listen.go).
func DefaultMaxConns() (int, error) {
	return fileLimit()
}

// fileLimit is the soft RLIMIT_NOFILE, capped to what an int holds.
func fileLimit() (int, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, fmt.Errorf("tornadio/loop: getrlimit NOFILE: %w", err)
	}
	if rl.Cur > 1<<30 {
		return 1 << 30, nil
	}
	return int(rl.Cur), nil
}

// resolveMaxConns turns Options.MaxConns into the cap in force.
func resolveMaxConns(asked int) (int, error) {
	if asked > 0 {
		return asked, nil
	}
	return DefaultMaxConns()
}

// connLimit counts open connections and refuses those past max or past
// what the file limit holds. admit and refuse are called by the acceptors,
// release on the loops; refusals are rare and take a lock only to log.
// Refusals that come within LimitLogEvery of the last line are logged
// together when the interval ends, by a runtime timer armed for it then
// and only then: a limit nobody hits arms nothing.
type connLimit struct {
	max     int64
	open    atomic.Int64
	refused atomic.Int64 // since the start
	every   time.Duration
	logger  *slog.Logger
	wakeups *atomic.Int64 // counts the timer's expiries; may be nil
	waiting atomic.Int32  // acceptors paused at the file limit
	room    chan struct{} // a connection closed while some were paused

	mu        sync.Mutex
	lastLog   time.Time
	unlogged  int64       // refusals not logged yet
	timer     *time.Timer // logs them at the end of the interval
	armed     bool        // the timer is set
	stopped   bool
	lastPause time.Time // when a pause at the file limit was last logged
}

func newConnLimit(max int64, every time.Duration, logger *slog.Logger, wakeups *atomic.Int64) *connLimit {
	return &connLimit{max: max, every: every, logger: logger, wakeups: wakeups, room: make(chan struct{}, 1)}
}

// admit counts a new connection, or refuses it: it must be closed.
func (l *connLimit) admit(now time.Time) bool {
	if l.open.Add(1) <= l.max {
		return true
	}
	l.open.Add(-1)
	l.refuse(now)
	return false
}

// refuse counts and logs a connection closed for want of room.
func (l *connLimit) refuse(now time.Time) {
	l.refused.Add(1)
	l.mu.Lock()
	l.unlogged++
	l.flushLocked(now)
	l.armLocked(now)
	l.mu.Unlock()
}

// release uncounts a connection admit let in, and wakes an acceptor
// paused at the file limit.
func (l *connLimit) release() {
	l.open.Add(-1)
	if l.waiting.Load() > 0 {
		select {
		case l.room <- struct{}{}:
		default:
		}
	}
}

// waitRoom pauses an acceptor that met the file limit until a connection
// closes, or for at most d.
func (l *connLimit) waitRoom(d time.Duration) {
	now := time.Now()
	l.mu.Lock()
	if l.lastPause.IsZero() || now.Sub(l.lastPause) >= l.every {
		l.lastPause = now
		l.logger.Warn("tornadio: accepting paused at the file limit",
			"open", l.open.Load(), "max_connections", l.max)
	}
	l.mu.Unlock()
	l.waiting.Add(1)
	defer l.waiting.Add(-1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-l.room:
	case <-t.C:
	}
}

// armLocked sets the timer for the end of the interval when refusals wait
// to be logged and it is not set yet.
func (l *connLimit) armLocked(now time.Time) {
	if l.unlogged == 0 || l.armed || l.stopped {
		return
	}
	l.armed = true
	wait := l.lastLog.Add(l.every).Sub(now)
	if l.timer == nil {
		l.timer = time.AfterFunc(wait, l.expire)
	} else {
		l.timer.Reset(wait)
	}
}

// expire is the timer's: it logs what the interval held back.
func (l *connLimit) expire() {
	if l.wakeups != nil {
		l.wakeups.Add(1)
	}
	l.mu.Lock()
	l.armed = false
	now := time.Now()
	l.flushLocked(now)
	l.armLocked(now) // early by the clock: again
	l.mu.Unlock()
}

// flush logs the refusals not logged yet, at most once per interval (the
// first refusal at once).
func (l *connLimit) flush(now time.Time) {
	l.mu.Lock()
	l.flushLocked(now)
	l.mu.Unlock()
}

func (l *connLimit) flushLocked(now time.Time) {
	if l.unlogged == 0 || (!l.lastLog.IsZero() && now.Sub(l.lastLog) < l.every) {
		return
	}
	l.logger.Warn("tornadio: connections refused at the connection or file limit",
		"refused", l.unlogged, "refused_total", l.refused.Load(), "max_connections", l.max)
	l.unlogged = 0
	l.lastLog = now
}

// stop disarms the timer once the engine has stopped.
func (l *connLimit) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.timer != nil {
		l.timer.Stop()
	}
}
