package loop

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The reserve is what is open now, what the engine will open (a listener
// per loop and address, a poller and an event descriptor per loop) and the
// margin: a few dozen descriptors, whatever the file limit.
func TestReserve(t *testing.T) {
	open := openFiles()
	if open < 3 || open > 1000 {
		t.Fatalf("openFiles() = %d, want the test process's few descriptors", open)
	}
	if got, want := reserve(4, 2)-openFiles(), 4*(2+2)+reserveMargin; got < want-2 || got > want+2 {
		t.Errorf("reserve(4, 2) leaves %d beyond the open files, want %d", got, want)
	}
}

// Refusals are logged at once, then at most once per interval, a flush
// reporting what a burst left unlogged.
func TestConnLimitLogsOncePerInterval(t *testing.T) {
	var buf bytes.Buffer
	l := &connLimit{max: 2, every: 10 * time.Second, logger: slog.New(slog.NewTextHandler(&buf, nil))}
	t0 := time.Unix(1000, 0)
	for i := range 2 {
		if !l.admit(t0) {
			t.Fatalf("connection %d refused under the cap", i)
		}
	}
	for i := range 5 {
		if l.admit(t0.Add(time.Duration(i) * time.Second)) {
			t.Fatal("connection admitted over the cap")
		}
	}
	l.flush(t0.Add(5 * time.Second))
	if n := strings.Count(buf.String(), "refused at the connection limit"); n != 1 {
		t.Fatalf("%d log lines within the interval, want 1:\n%s", n, buf.String())
	}
	l.flush(t0.Add(11 * time.Second))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "refused=4 refused_total=5") {
		t.Fatalf("after the interval, want one more line with the 4 unlogged refusals:\n%s", buf.String())
	}
	l.flush(t0.Add(30 * time.Second))
	if strings.Count(buf.String(), "\n") != 2 {
		t.Fatalf("logged with nothing new:\n%s", buf.String())
	}
	l.release()
	if !l.admit(t0) {
		t.Fatal("released slot not reusable")
	}
}

// lockedBuffer is a bytes.Buffer safe for a logger on another goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The end of a burst is logged when the interval ends, by a timer that a
// held-back refusal arms: once, and not again while nothing is refused.
func TestConnLimitLogsBurstEnd(t *testing.T) {
	var buf lockedBuffer
	var wakeups atomic.Int64
	l := &connLimit{max: 0, every: 50 * time.Millisecond, logger: slog.New(slog.NewTextHandler(&buf, nil)), wakeups: &wakeups}
	defer l.stop()
	for range 3 {
		if l.admit(time.Now()) {
			t.Fatal("connection admitted over the cap")
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(buf.String(), "\n") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the refusals held back were not logged:\n%s", buf.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "refused=1 ") || !strings.Contains(lines[1], "refused=2 refused_total=3") {
		t.Fatalf("want the first refusal, then the other two:\n%s", buf.String())
	}
	time.Sleep(150 * time.Millisecond)
	if n := wakeups.Load(); n != 1 {
		t.Fatalf("the log timer fired %d times, want once", n)
	}
}
