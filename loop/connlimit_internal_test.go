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

// Refusals are logged at once, then at most once per interval, a flush
// reporting what a burst left unlogged.
func TestConnLimitLogsOncePerInterval(t *testing.T) {
	var buf bytes.Buffer
	l := newConnLimit(2, 10*time.Second, slog.New(slog.NewTextHandler(&buf, nil)), nil)
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
	if n := strings.Count(buf.String(), "connections refused at the"); n != 1 {
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
	l := newConnLimit(0, 50*time.Millisecond, slog.New(slog.NewTextHandler(&buf, nil)), &wakeups)
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
