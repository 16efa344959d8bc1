package loop

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestHeadroom(t *testing.T) {
	for _, tc := range []struct{ limit, want int }{
		{256, 64}, {1024, 64}, {8192, 128}, {20000, 312}, {1 << 20, 1024},
	} {
		if got := headroom(tc.limit); got != tc.want {
			t.Errorf("headroom(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}

// Refusals are logged at once, then at most once per interval, the ticker
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
