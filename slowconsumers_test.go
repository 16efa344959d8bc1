//go:build !race

package tornadio_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// The test of memory bounds under slow consumers: 40 websocket
// clients that never read and one that reads everything, under a fast
// broadcast from a goroutine. What the process holds for the clients that
// never read must stay within their bound (MaxBufferedBytes each), the fast
// reader must get every message in order, and every slow client must be
// cut. Run once through Emit and once through Deliver, each in a process
// of its own (the test binary again), so that the RSS figures are the
// broadcast's alone. Without -race: the race detector multiplies memory.

const (
	slowEnv      = "TORNADIO_SLOW_CONSUMERS" // set in the child: the mode to run
	slowClients  = 40
	slowBound    = 1 << 20 // MaxBufferedBytes
	slowMessages = 30_000
	// slowSlack is what the process may grow by beyond the slow clients'
	// bounds: the mailboxes' backlog (loop.MailboxHighWater broadcasts of
	// about 2 KiB, twice over while a batch runs), the fast reader's
	// buffers, and the garbage collector's headroom over all that.
	slowSlack = 24 << 20
)

func TestSlowConsumersBounded(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the resident set from /proc/self")
	}
	for _, mode := range []string{"emit", "deliver"} {
		t.Run(mode, func(t *testing.T) {
			switch os.Getenv(slowEnv) {
			case mode:
				runSlowConsumers(t, mode)
				return
			case "":
			default:
				t.Skip("the child process runs another mode")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSlowConsumersBounded$/^"+mode+"$",
				"-test.v", "-test.count=1", "-test.timeout=5m")
			cmd.Env = append(os.Environ(), slowEnv+"="+mode)
			out, err := cmd.CombinedOutput()
			for _, line := range strings.Split(string(out), "\n") {
				if _, said, ok := strings.Cut(line, "_test.go:"); ok { // the child's t.Log and t.Error lines
					t.Log("child:", strings.TrimSpace(said))
				}
			}
			if err != nil {
				t.Fatalf("child process (%s): %v", mode, err)
			}
		})
	}
}

// runSlowConsumers is the test itself, in the child process.
func runSlowConsumers(t *testing.T, mode string) {
	var (
		mu      sync.Mutex
		reasons = map[string]tornadio.DisconnectReason{}
		cut     = make(chan struct{}, slowClients+1)
		joined  = make(chan struct{}, slowClients+1)
	)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.OnConnection(func(s *tornadio.Socket) {
			s.OnDisconnect(func(r tornadio.DisconnectReason) {
				mu.Lock()
				reasons[s.ID()] = r
				mu.Unlock()
				if r == tornadio.ReasonSlowConsumer {
					cut <- struct{}{}
				}
			})
			joined <- struct{}{}
		})
	}, tornadio.WithEventLoops(2), tornadio.WithMaxBufferedBytes(slowBound))

	fast := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	_, fastID := fast.connectSIO()
	for range slowClients {
		w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
		w.connectSIO()
		// From now on it never reads; a small receive buffer keeps the
		// kernel from taking much of what the server sends it.
		if err := w.conn.(interface{ SetReadBuffer(int) error }).SetReadBuffer(4096); err != nil {
			t.Fatal(err)
		}
	}
	for range slowClients + 1 {
		select {
		case <-joined:
		case <-time.After(30 * time.Second):
			t.Fatal("the clients did not all connect")
		}
	}

	// The fast reader checks every message, in order.
	payload := strings.Repeat("x", 1000)
	var got atomic.Int64
	readErr := make(chan error, 1)
	go func() {
		prefix := `42["m",`
		suffix := `,"` + payload + `"]`
		for i := 0; i < slowMessages; i++ {
			p, err := fast.readPacketWithin(2 * time.Minute)
			if err != nil {
				readErr <- fmt.Errorf("fast reader, after %d messages: %w", i, err)
				return
			}
			if want := prefix + strconv.Itoa(i) + suffix; p != want {
				if len(p) > 40 {
					p = p[:40] + "…"
				}
				readErr <- fmt.Errorf("fast reader: message %d is %q", i, p)
				return
			}
			got.Add(1)
		}
		readErr <- nil
	}()

	base := settledRSS()
	resetPeakRSS(t)
	start := time.Now()
	var total tornadio.Delivery
	sendErr := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		for i := range slowMessages {
			var err error
			if mode == "emit" {
				err = srv.Emit("m", i, payload)
			} else {
				var d tornadio.Delivery
				d, err = srv.Deliver(ctx, "m", i, payload)
				total.Sockets += d.Sockets
				total.Sent += d.Sent
				total.Dropped += d.Dropped
				total.Cut += d.Cut
			}
			if err != nil {
				sendErr <- fmt.Errorf("message %d: %w", i, err)
				return
			}
		}
		sendErr <- nil
	}()
	if err := <-sendErr; err != nil {
		t.Fatal(err)
	}
	sent := time.Since(start)
	if err := <-readErr; err != nil {
		t.Fatal(err)
	}
	received := time.Since(start)
	for n := 0; n < slowClients; n++ {
		select {
		case <-cut:
		case <-time.After(time.Minute):
			mu.Lock()
			t.Fatalf("%d of %d slow clients cut; reasons so far: %v", n, slowClients, reasons)
		}
	}
	// The cut clients' connections hold what the server had for them
	// until they drain or loop.Options.DrainTimeout (30s) passes: measured
	// now, they are still held.
	after := settledRSS()
	peak := peakRSS(t)
	limit := int64(slowClients*slowBound + slowSlack)
	t.Logf("slow consumers: %s: %d slow clients, bound %d KiB, %d messages of %d B: sent in %v, all read in %v; "+
		"RSS before %d MiB, peak growth %d MiB, growth after (GC, cut clients still draining) %d MiB, limit %d MiB",
		mode, slowClients, slowBound>>10, slowMessages, len(payload), sent.Round(time.Millisecond), received.Round(time.Millisecond),
		base>>20, (peak-base)>>20, (after-base)>>20, limit>>20)
	if mode == "deliver" {
		t.Logf("slow consumers: deliver: summed Delivery %+v", total)
		if total.Cut != slowClients || total.Dropped != 0 || total.Sent < slowMessages {
			t.Errorf("Deliver counted %+v; want Cut %d, Dropped 0, Sent at least %d (the fast reader)", total, slowClients, slowMessages)
		}
	}
	mu.Lock()
	if r, gone := reasons[fastID]; gone {
		t.Errorf("the fast reader was disconnected: %s", r)
	}
	mu.Unlock()
	if peak-base > limit {
		t.Errorf("RSS grew by %d MiB at its peak; %d slow clients bounded at %d KiB allow %d MiB", (peak-base)>>20, slowClients, slowBound>>10, limit>>20)
	}
	if after-base > limit {
		t.Errorf("RSS grew by %d MiB once the broadcast was over; allowed %d MiB", (after-base)>>20, limit>>20)
	}
}

// settledRSS is the process's resident set after a garbage collection
// that returned what it could to the system.
func settledRSS() int64 {
	runtime.GC()
	debug.FreeOSMemory()
	return procStatus("VmRSS:")
}

// resetPeakRSS starts the peak resident set (VmHWM) over from now.
func resetPeakRSS(t *testing.T) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatalf("reset the peak RSS: %v", err)
	}
}

// peakRSS is the peak resident set since resetPeakRSS.
func peakRSS(t *testing.T) int64 {
	v := procStatus("VmHWM:")
	if v == 0 {
		t.Fatal("no VmHWM in /proc/self/status")
	}
	return v
}

// procStatus reads a "kB" field of /proc/self/status, in bytes; 0 when
// absent.
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
