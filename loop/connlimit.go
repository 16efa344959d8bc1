package loop

import (
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Why this file exists: gnet v2.9.7's acceptor treats every accept(2) error
// but EAGAIN, EINTR, ECONNRESET and ECONNABORTED as fatal
// (acceptor_unix.go: accept0 returns errors.ErrAcceptSocket, the poller
// returns it, and the engine shuts down, closing every connection). A server
// that reaches its file limit (EMFILE) would therefore die. gnet offers no
// hook into accept, so the engine keeps the number of open connections
// below the limit itself: a connection past MaxConns is closed in OnOpen,
// right after accept, and accept never sees EMFILE as long as everything
// else the process opens fits in the reserve left between MaxConns and
// RLIMIT_NOFILE.
//
// The reserve is measured, not guessed: the descriptors the process has
// open when the engine starts, those the engine is about to open (a
// listener per loop and address, a poller and an event descriptor per
// loop), and reserveMargin for what the application opens later. Under a
// 20 000-file limit that is about 50 descriptors, where a sixty-fourth of
// the limit (312) refused 212 of 19 900 clients the limit had room for.
// An application that opens many files after Start, while the server is
// at its cap, should set MaxConns below the limit itself.
//
// Owning accept(2) instead (our own listeners, connections handed to the
// loops with gnet's Engine.Register, pausing at EMFILE) was tried: it keeps
// gnet alive at any file count, but each connection then costs a pool task,
// a dup(2) and a close(2), and keeps the Go connection's addresses: 0.23 KiB
// more RSS per idle websocket session (1.51 → 1.74 KiB, bench-full of
// 2026-12-06) and a fifth more CPU per connection opened.
//
// The engine listens with SO_REUSEPORT so that each loop accepts for
// itself and runs OnOpen before it accepts again (listen.go): accepted but
// not yet counted descriptors never pile up.

// reserveMargin is how many descriptors beyond those open at Start the cap
// leaves for the application (log files, a database or adapter client).
const reserveMargin = 32

// DefaultMaxConns is the connection cap when Options.MaxConns is not set,
// for an engine of loops event loops serving addrs addresses: the process's
// RLIMIT_NOFILE soft limit (Go raises it to the hard limit at startup) less
// the reserve described above.
func DefaultMaxConns(loops, addrs int) (int, error) {
	limit, err := fileLimit()
	if err != nil {
		return 0, err
	}
	return limit - reserve(loops, addrs), nil
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

// reserve is how many descriptors the cap leaves free for an engine of
// loops event loops serving addrs addresses that has not started yet.
func reserve(loops, addrs int) int {
	return openFiles() + loops*(addrs+2) + reserveMargin
}

// openFiles counts the process's open descriptors, or, where /proc/self/fd
// cannot be read, assumes 64.
func openFiles() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 64
	}
	return len(entries) - 1 // less the descriptor that read the folder
}

// resolveMaxConns turns Options.MaxConns into the cap in force. A cap the
// file limit cannot hold is lowered, with a warning, since honouring it
// would let accept(2) fail and stop the engine.
func resolveMaxConns(asked, loops, addrs int, logger *slog.Logger) (int, error) {
	fds, err := fileLimit()
	if err != nil {
		return 0, err
	}
	room := reserve(loops, addrs)
	most := fds - room
	if most < 1 {
		return 0, fmt.Errorf("tornadio/loop: file limit %d leaves no room for connections (needs more than %d)", fds, room)
	}
	switch {
	case asked <= 0:
		return most, nil
	case asked > most:
		logger.Warn("tornadio: MaxConnections lowered to fit the file limit",
			"asked", asked, "max_connections", most, "rlimit_nofile", fds)
		return most, nil
	}
	return asked, nil
}

// connLimit counts open connections across loops and refuses those past
// max. admit and release are called on the loops; refusals are rare and
// take a lock only to log. Refusals that come within LimitLogEvery of the
// last line are logged together when the interval ends, by a runtime timer
// armed for it then and only then: a limit nobody hits arms nothing.
type connLimit struct {
	max     int64
	open    atomic.Int64
	refused atomic.Int64 // since the start
	every   time.Duration
	logger  *slog.Logger
	wakeups *atomic.Int64 // counts the timer's expiries; may be nil

	mu       sync.Mutex
	lastLog  time.Time
	unlogged int64       // refusals not logged yet
	timer    *time.Timer // logs them at the end of the interval
	armed    bool        // the timer is set
	stopped  bool
}

// admit counts a new connection, or reports that it must be closed.
func (l *connLimit) admit(now time.Time) bool {
	if l.open.Add(1) <= l.max {
		return true
	}
	l.open.Add(-1)
	l.refused.Add(1)
	l.mu.Lock()
	l.unlogged++
	l.flushLocked(now)
	l.armLocked(now)
	l.mu.Unlock()
	return false
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

// release uncounts a connection admit let in.
func (l *connLimit) release() { l.open.Add(-1) }

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
	l.logger.Warn("tornadio: connections refused at the connection limit",
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
