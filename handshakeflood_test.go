package tornadio_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// Handshake flood: what the probe of a server under a flood of
// handshakes that never connect to a namespace measures. The counts are
// per kind of client; every session of the flood ends by the client's
// close or by ping timeout.
const (
	floodPollingClosed = 6000 // polling handshake, then a close packet
	floodPollingSilent = 6000 // polling handshake, then nothing
	floodWSClosed      = 1500 // websocket handshake, then the TCP connection closed
	floodWSSilent      = 300  // websocket handshake, then no pong, no close
	floodWorkers       = 6    // concurrent clients of each polling kind
	floodPingInterval  = 400 * time.Millisecond
	floodPingTimeout   = 400 * time.Millisecond
	floodConnectTO     = 45 * time.Second // the default, set explicitly
)

// TestHandshakeFlood: after a flood of handshakes that never connect to a
// namespace (polling and websocket; clients that close and clients that go
// silent), every session is gone and the heap (after GC) is back near
// where it was within pingInterval + pingTimeout and some slack, long
// before ConnectTimeout: closed sessions leave the connect-timeout queue
// at once instead of waiting for their deadline there.
func TestHandshakeFlood(t *testing.T) {
	srv := tcStartServer(t, nil,
		tornadio.WithEventLoops(2),
		tornadio.WithPingInterval(floodPingInterval),
		tornadio.WithPingTimeout(floodPingTimeout),
		tornadio.WithConnectTimeout(floodConnectTO))
	addr := srv.Addr()

	// Warm up both transports, so that what the loops keep from their
	// first sessions is in the baseline.
	runFlood(t, addr, 50, 50, 20, 0)
	if !tcWaitFor(10*time.Second, func() bool { return srv.SessionCount() == 0 }) {
		t.Fatalf("warm-up: %d sessions left", srv.SessionCount())
	}
	base := heapAfterGC()

	start := time.Now()
	silentWS := runFlood(t, addr, floodPollingClosed, floodPollingSilent, floodWSClosed, floodWSSilent)
	flooded := time.Since(start)
	peak := heapAfterGC()
	t.Logf("flood of %d handshakes in %v; sessions %d; heap %.1f MiB (baseline %.1f MiB)",
		floodPollingClosed+floodPollingSilent+floodWSClosed+floodWSSilent, flooded.Round(time.Millisecond),
		srv.SessionCount(), mib(peak), mib(base))

	// Near the baseline: a little per session of the flood may stay (the
	// registry's map keeps its size), far less than a session costs.
	allowance := uint64(3<<19 + 64*(floodPollingClosed+floodPollingSilent+floodWSClosed+floodWSSilent))
	deadline := floodPingInterval + floodPingTimeout + 10*time.Second
	var timeline []string
	ok := false
	for end := time.Now().Add(deadline); time.Now().Before(end); {
		time.Sleep(250 * time.Millisecond) // a sampling period, not synchronisation
		heap, n := heapAfterGC(), srv.SessionCount()
		timeline = append(timeline, fmt.Sprintf("+%.2fs sessions %d heap %.1f MiB",
			time.Since(start).Seconds(), n, mib(heap)))
		if n == 0 && heap <= base+allowance {
			ok = true
			break
		}
	}
	silentWS.Wait()
	t.Logf("timeline:\n%s", strings.Join(timeline, "\n"))
	if !ok {
		t.Fatalf("%v after the flood (ConnectTimeout %v): sessions %d, heap %.1f MiB, want 0 and at most %.1f MiB",
			deadline, floodConnectTO, srv.SessionCount(), mib(heapAfterGC()), mib(base+allowance))
	}
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// runFlood opens the handshakes of a flood and returns once every one has
// been answered (the polling closes too); the silent websocket clients
// stay, reading until the server ends them, and the WaitGroup returned
// tells when they have.
func runFlood(t *testing.T, addr string, pollClosed, pollSilent, wsClosed, wsSilent int) *sync.WaitGroup {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 4*floodWorkers+wsSilent+1)
	share := func(n, i int) int { return n/floodWorkers + btoi(i < n%floodWorkers) }
	for i := range floodWorkers {
		wg.Add(3)
		go func() { defer wg.Done(); errs <- floodPolling(addr, share(pollClosed, i), true) }()
		go func() { defer wg.Done(); errs <- floodPolling(addr, share(pollSilent, i), false) }()
		go func() {
			defer wg.Done()
			for range share(wsClosed, i) {
				c, err := floodWebSocket(addr)
				if err != nil {
					errs <- err
					return
				}
				c.Close()
			}
			errs <- nil
		}()
	}
	silent := new(sync.WaitGroup)
	for range wsSilent {
		c, err := floodWebSocket(addr)
		if err != nil {
			t.Fatal(err)
		}
		silent.Add(1)
		go func() {
			defer silent.Done()
			defer c.Close()
			// Pings arrive and go unanswered; the server then closes.
			c.SetReadDeadline(time.Now().Add(floodConnectTO))
			io.Copy(io.Discard, c)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return silent
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// floodPolling makes n polling handshakes on one keep-alive connection;
// with closeAfter, each session is closed by a close packet at once.
func floodPolling(addr string, n int, closeAfter bool) error {
	c, err := net.DialTimeout("tcp", addr, tcIOTimeout)
	if err != nil {
		return err
	}
	defer c.Close()
	br := bufio.NewReaderSize(c, 1024)
	roundTrip := func(req string) (int, string, error) {
		c.SetDeadline(time.Now().Add(tcIOTimeout))
		if _, err := io.WriteString(c, req); err != nil {
			return 0, "", err
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return 0, "", err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(body), err
	}
	for range n {
		code, body, err := roundTrip("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
		if err != nil {
			return fmt.Errorf("polling handshake: %w", err)
		}
		sid, err := tcParseOpen(body)
		if code != 200 || err != nil {
			return fmt.Errorf("polling handshake: %d %q: %v", code, body, err)
		}
		if !closeAfter {
			continue
		}
		code, body, err = roundTrip("POST /socket.io/?EIO=4&transport=polling&sid=" + sid +
			" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 1\r\n\r\n1")
		if err != nil || code != 200 {
			return fmt.Errorf("polling close: %d %q: %v", code, body, err)
		}
	}
	return nil
}

// floodWebSocket makes a websocket-first handshake and reads the 101 and
// the open packet; the caller closes the connection or leaves it silent.
func floodWebSocket(addr string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, tcIOTimeout)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(tcIOTimeout))
	req := "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
		"Upgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		c.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(c, 512)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		c.Close()
		return nil, fmt.Errorf("websocket handshake: %v %v", resp, err)
	}
	// The open packet: a small unmasked text frame.
	var hdr [2]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		c.Close()
		return nil, fmt.Errorf("websocket open packet: %w", err)
	}
	if hdr[1] >= 126 {
		c.Close()
		return nil, fmt.Errorf("websocket open packet of length code %d", hdr[1])
	}
	payload := make([]byte, hdr[1])
	if _, err := io.ReadFull(br, payload); err != nil || payload[0] != '0' {
		c.Close()
		return nil, fmt.Errorf("websocket open packet %q: %v", payload, err)
	}
	if br.Buffered() > 0 {
		c.Close()
		return nil, fmt.Errorf("websocket: %d bytes after the open packet", br.Buffered())
	}
	c.SetDeadline(time.Time{})
	return c, nil
}
