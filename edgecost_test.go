package tornadio_test

// What an idle websocket session costs on each edge, in resident memory:
// the gnet edge (Start), a websocket hijacked from net/http over plain TCP
// (handed to the loops), and one hijacked over TLS (a goroutine pair).
// Each edge is measured in a process of its own (this test binary run
// again), with its clients in another, so that neither the clients nor an
// earlier edge's heap count: RSS after the warm-up, after a GC that gives
// freed memory back, against RSS once n sessions are open and idle.
//
// Run with TORNADIO_EDGE_COST=1 (it opens 3 000 sessions per edge, or
// TORNADIO_EDGE_COST_N):
//
//	TORNADIO_EDGE_COST=1 go test -run TestEdgeCost -v .

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

var edgeCostEdges = []string{"gnet", "hijack-tcp", "hijack-tls"}

func TestEdgeCost(t *testing.T) {
	if os.Getenv("TORNADIO_EDGE_COST") == "" {
		t.Skip("set TORNADIO_EDGE_COST=1 to measure (opens thousands of sessions)")
	}
	n := edgeCostN()
	per := map[string]float64{}
	for _, edge := range edgeCostEdges {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEdgeCostServer$", "-test.v")
		cmd.Env = append(os.Environ(), "TORNADIO_EDGE_COST_ROLE=server", "TORNADIO_EDGE_COST_EDGE="+edge)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", edge, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "edge ") {
				t.Log(line)
			}
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "EDGECOST "); ok {
				f := strings.Fields(rest)
				v, _ := strconv.ParseFloat(f[1], 64)
				per[f[0]] = v
			}
		}
		if _, ok := per[edge]; !ok {
			t.Fatalf("%s: no result\n%s", edge, out)
		}
	}
	t.Logf("RSS per idle websocket session, %d sessions per edge:", n)
	for _, edge := range edgeCostEdges {
		t.Logf("  %-11s %6.2f KiB  %.2fx the gnet edge", edge, per[edge]/1024, per[edge]/per["gnet"])
	}
}

func edgeCostN() int {
	if v, err := strconv.Atoi(os.Getenv("TORNADIO_EDGE_COST_N")); err == nil && v > 0 {
		return v
	}
	return 3000
}

// TestEdgeCostServer is the measuring process of one edge.
func TestEdgeCostServer(t *testing.T) {
	if os.Getenv("TORNADIO_EDGE_COST_ROLE") != "server" {
		t.Skip("run by TestEdgeCost")
	}
	edge, n := os.Getenv("TORNADIO_EDGE_COST_EDGE"), edgeCostN()
	srv := tornadio.NewEngineServer(tornadio.WithEventLoops(2),
		tornadio.WithPingInterval(10*time.Minute),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	var addr string
	tlsOn := false
	switch edge {
	case "gnet":
		if err := srv.Start("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		addr = srv.Addr()
	case "hijack-tcp":
		ts := httptest.NewServer(srv)
		defer ts.Close()
		addr = ts.Listener.Addr().String()
	case "hijack-tls":
		ts := httptest.NewUnstartedServer(srv)
		ts.EnableHTTP2 = true
		ts.StartTLS()
		defer ts.Close()
		addr, tlsOn = ts.Listener.Addr().String(), true
	default:
		t.Fatalf("edge %q", edge)
	}
	// Warm up: the loops, a few sessions opened and closed.
	warm := edgeCostClient(t, addr, tlsOn, 50)
	for _, c := range warm {
		c.Close()
	}
	if !tcWaitFor(10*time.Second, func() bool { return srv.SessionCount() == 0 }) {
		t.Fatalf("warm-up sessions still open: %d", srv.SessionCount())
	}
	before := edgeCostRSS(t)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)

	cmd := exec.Command(os.Args[0], "-test.run=^TestEdgeCostClients$")
	cmd.Env = append(os.Environ(), "TORNADIO_EDGE_COST_ROLE=client", "TORNADIO_EDGE_COST_ADDR="+addr,
		"TORNADIO_EDGE_COST_TLS="+strconv.FormatBool(tlsOn))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close() // the clients go
		cmd.Wait()
	}()
	if !tcWaitFor(120*time.Second, func() bool { return srv.SessionCount() >= n }) {
		t.Fatalf("%d sessions open, want %d", srv.SessionCount(), n)
	}
	time.Sleep(time.Second) // the handlers that hijacked return, net/http lets go
	after := edgeCostRSS(t)
	runtime.ReadMemStats(&m1)
	fmt.Printf("EDGECOST %s %.1f\n", edge, float64(after-before)/float64(n))
	fmt.Printf("edge %s: RSS %d → %d KiB for %d sessions, %d goroutines; per session: heap %.0f B, stacks %.0f B\n",
		edge, before>>10, after>>10, n, runtime.NumGoroutine(),
		float64(int64(m1.HeapInuse)-int64(m0.HeapInuse))/float64(n), float64(int64(m1.StackInuse)-int64(m0.StackInuse))/float64(n))
}

// edgeCostRSS is the process's resident set once a GC has given back
// what it could.
func edgeCostRSS(t *testing.T) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestEdgeCostClients is the clients' process: it opens the sessions and
// holds them until its stdin closes.
func TestEdgeCostClients(t *testing.T) {
	if os.Getenv("TORNADIO_EDGE_COST_ROLE") != "client" {
		t.Skip("run by TestEdgeCostServer")
	}
	tlsOn, _ := strconv.ParseBool(os.Getenv("TORNADIO_EDGE_COST_TLS"))
	conns := edgeCostClient(t, os.Getenv("TORNADIO_EDGE_COST_ADDR"), tlsOn, edgeCostN())
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
}

// edgeCostClient opens n Engine.IO websocket sessions on addr, 8 at a
// time, and returns their connections once each has its open packet.
func edgeCostClient(t *testing.T, addr string, tlsOn bool, n int) []net.Conn {
	conns := make([]net.Conn, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c, err := edgeCostDial(addr, tlsOn)
				if err != nil {
					errs <- err
					return
				}
				conns[i] = c
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatalf("open sessions: %v", err)
	}
	return conns
}

func edgeCostDial(addr string, tlsOn bool) (net.Conn, error) {
	var c net.Conn
	var err error
	if tlsOn {
		c, err = tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	} else {
		c, err = net.Dial("tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	req := "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
		"Upgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		c.Close()
		return nil, err
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		c.Close()
		return nil, fmt.Errorf("upgrade: %v %v", resp, err)
	}
	// The open packet: a text frame of under 126 bytes.
	var hdr [2]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		c.Close()
		return nil, err
	}
	if _, err := io.CopyN(io.Discard, br, int64(hdr[1]&0x7f)); err != nil {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return c, nil
}
