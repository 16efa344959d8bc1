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
	"github.com/tornadio/tornadio/legacy"
)

// Handshake flood: what the probe of a server under a flood of
// handshakes that never connect to a namespace measures. The counts are
// per kind of client; every session of the flood ends by the client's
// close, by ping timeout, or on the legacy road (where a session is a
// socket of the main namespace at once) when its poll does not come.
const (
	floodPollingClosed = 6000 // polling handshake, then a close packet
	floodPollingSilent = 6000 // polling handshake, then nothing
	floodWSClosed      = 1500 // websocket handshake, then the TCP connection closed
	floodWSSilent      = 300  // websocket handshake, then no pong, no close
	floodLegacyPolling = 1200 // legacy 0.6 xhr-polling handshake, then no poll
	floodLegacyWS      = 300  // legacy 0.6 websocket handshake, then the TCP connection closed
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
		tornadio.WithConnectTimeout(floodConnectTO),
		tornadio.WithLegacyOptions(legacy.Options{PollCloseTimeout: floodPingInterval}))
	addr := srv.Addr()

	// Warm up both transports, so that what the loops keep from their
	// first sessions is in the baseline.
	runFlood(t, addr, 50, 50, 20, 0, 20, 20)
	if !tcWaitFor(10*time.Second, func() bool { return srv.SessionCount()+srv.LegacySessionCount() == 0 }) {
		t.Fatalf("warm-up: %d sessions left", srv.SessionCount()+srv.LegacySessionCount())
	}
	base := heapAfterGC()

	start := time.Now()
	silentWS := runFlood(t, addr, floodPollingClosed, floodPollingSilent, floodWSClosed, floodWSSilent,
		floodLegacyPolling, floodLegacyWS)
	flooded := time.Since(start)
	peak := heapAfterGC()
	total := floodPollingClosed + floodPollingSilent + floodWSClosed + floodWSSilent + floodLegacyPolling + floodLegacyWS
	sessions := func() int { return srv.SessionCount() + srv.LegacySessionCount() }
	t.Logf("flood of %d handshakes in %v; sessions %d; heap %.1f MiB (baseline %.1f MiB)",
		total, flooded.Round(time.Millisecond), sessions(), mib(peak), mib(base))

	// Near the baseline: a little per session of the flood may stay (the
	// registry's map keeps its size), far less than a session costs.
	allowance := uint64(3<<19 + 64*total)
	deadline := floodPingInterval + floodPingTimeout + 10*time.Second
	var timeline []string
	ok := false
	for end := time.Now().Add(deadline); time.Now().Before(end); {
		time.Sleep(250 * time.Millisecond) // a sampling period, not synchronisation
		heap, n := heapAfterGC(), sessions()
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
			deadline, floodConnectTO, sessions(), mib(heapAfterGC()), mib(base+allowance))
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
func runFlood(t *testing.T, addr string, pollClosed, pollSilent, wsClosed, wsSilent, legacyPoll, legacyWS int) *sync.WaitGroup {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 5*floodWorkers+wsSilent+1)
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range share(legacyPoll, i) {
				if err := floodLegacy(addr, false); err != nil {
					errs <- err
					return
				}
			}
			for range share(legacyWS, i) {
				if err := floodLegacy(addr, true); err != nil {
					errs <- err
					return
				}
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

// floodLegacy makes one legacy 0.6 handshake on a connection of its own,
// reads the answer carrying the session id, and closes the connection: an
// xhr-polling session then waits for a poll that never comes, a websocket
// one ends with its connection.
func floodLegacy(addr string, websocket bool) error {
	c, err := net.DialTimeout("tcp", addr, tcIOTimeout)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(tcIOTimeout))
	req := "GET /socket.io/xhr-polling//1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
	if websocket {
		req = "GET /socket.io/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	}
	if _, err := io.WriteString(c, req); err != nil {
		return err
	}
	br := bufio.NewReaderSize(c, 512)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return fmt.Errorf("legacy handshake: %w", err)
	}
	if websocket {
		if resp.StatusCode != 101 {
			return fmt.Errorf("legacy websocket handshake: %d", resp.StatusCode)
		}
		var hdr [2]byte // the frame carrying the session id
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return fmt.Errorf("legacy websocket session id: %w", err)
		}
		_, err = io.ReadFull(br, make([]byte, hdr[1]&0x7f))
		return err
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(string(body), "~m~") {
		return fmt.Errorf("legacy polling handshake: %d %q: %v", resp.StatusCode, body, err)
	}
	return nil
}
