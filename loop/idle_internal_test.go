package loop

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// An idle engine costs nothing: with connections open (websocket sessions,
// connections that sent nothing yet) and closed (one that lingered until
// the client closed it), and no deadline near, no runtime timer of the
// engine fires: no timer pass, no drain pass, no refusal log, and gnet
// runs no ticker. A periodic tick would show here as tens of wake-ups.
func TestIdleEngineWakesNothing(t *testing.T) {
	e := New(Options{Loops: 2, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := transports.NewServer(transports.Config{Polling: true, WebSocket: true}, drainNopApp{}, e, e.Loops())
	startBound(t, e, srv)
	addr := e.Addr().String()

	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		return c
	}
	for range 4 {
		c := dial()
		_, _ = io.WriteString(c, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n"+
			"Upgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "HTTP/1.1 101 ") {
			t.Fatalf("websocket upgrade: %q, %v", line, err)
		}
	}
	for range 4 {
		dial() // says nothing: its request deadline is far away
	}
	// A polling handshake with Connection: close: the server lingers on
	// it until the client, having read the answer, closes.
	c := dial()
	_, _ = io.WriteString(c, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := io.ReadAll(c); err != nil || !strings.HasPrefix(string(b), "HTTP/1.1 200 ") {
		t.Fatalf("polling handshake: %q, %v", b, err)
	}
	c.Close()
	for _, i := range []int{0, 1} {
		e.waitDrainingOn(t, i, 0, 5*time.Second)
	}

	// Settled: from now on nothing is due for tens of seconds.
	time.Sleep(50 * time.Millisecond)
	before := e.wakeups.Load()
	time.Sleep(500 * time.Millisecond)
	if n := e.wakeups.Load() - before; n != 0 {
		t.Fatalf("%d timer wake-ups in 500ms of idle, want none", n)
	}
}
