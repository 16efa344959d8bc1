package loop

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/transports"
)

// wsUpgrade is an Engine.IO websocket handshake.
const wsUpgrade = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n" +
	"Upgrade: websocket\r\nConnection: Upgrade\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

// maskedPing is a client's ping frame with payload "abc".
func maskedPing() []byte {
	return frames.AppendMaskedFrame(nil, frames.OpPing, true, [4]byte{1, 2, 3, 4}, []byte("abc"))
}

// newWSEngine makes an engine of two loops serving polling and websocket
// to a nop application, with opts.
func newWSEngine(t *testing.T, opts Options) *Engine {
	t.Helper()
	if opts.Loops == 0 {
		opts.Loops = 2
	}
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	e := New(opts)
	srv := transports.NewServer(transports.Config{Polling: true, WebSocket: true}, drainNopApp{}, e, e.Loops())
	e.Bind(srv)
	return e
}

func stopAtEnd(t *testing.T, e *Engine) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// opaque hides a connection's type, so that Handoff gives it a goroutine
// pair as it would a TLS connection.
type opaque struct{ net.Conn }

// readWS reads the 101, then frames until one of op, and returns its
// payload.
func readWS(t *testing.T, br *bufio.Reader, c net.Conn, op frames.OpCode) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("upgrade answer: %v %v", resp, err)
	}
	for {
		var hdr [2]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			t.Fatalf("read frame: %v", err)
		}
		p := make([]byte, hdr[1]&0x7f)
		if _, err := io.ReadFull(br, p); err != nil {
			t.Fatalf("read frame: %v", err)
		}
		if frames.OpCode(hdr[0]&0x0f) == op {
			return string(p)
		}
	}
}

// A connection handed over with its first bytes (the upgrade and the start
// of a frame) is served from them, the rest of the frame coming later: in
// the loops of StartLoops, of Start, and on a goroutine pair.
func TestHandoffFirstInput(t *testing.T) {
	for _, mode := range []string{"loops", "listener", "pair"} {
		t.Run(mode, func(t *testing.T) {
			e := newWSEngine(t, Options{})
			if mode == "listener" {
				if err := e.Start("127.0.0.1:0"); err != nil {
					t.Fatal(err)
				}
			} else if err := e.StartLoops(); err != nil {
				t.Fatal(err)
			}
			stopAtEnd(t, e)
			client, server := tcpPair(t)
			if mode == "pair" {
				server = opaque{server}
			}
			ping := maskedPing()
			if err := e.Handoff(server, append([]byte(wsUpgrade), ping[:3]...)); err != nil {
				t.Fatal(err)
			}
			if _, err := client.Write(ping[3:]); err != nil {
				t.Fatal(err)
			}
			if got := readWS(t, bufio.NewReader(client), client, frames.OpPong); got != "abc" {
				t.Fatalf("pong %q, want abc", got)
			}
		})
	}
}

// Every loop can run posted work once Pick returns, though no client has
// connected yet: with StartLoops and with Start.
func TestPickActivatesEveryLoop(t *testing.T) {
	for _, mode := range []string{"loops", "listener"} {
		t.Run(mode, func(t *testing.T) {
			e := newWSEngine(t, Options{Loops: 4})
			var err error
			if mode == "listener" {
				err = e.Start("127.0.0.1:0")
			} else {
				err = e.StartLoops()
			}
			if err != nil {
				t.Fatal(err)
			}
			stopAtEnd(t, e)
			if _, err := e.Pick(); err != nil {
				t.Fatal(err)
			}
			for i := range e.Loops() {
				ran := make(chan struct{})
				e.Post(i, func() { close(ran) })
				select {
				case <-ran:
				case <-time.After(5 * time.Second):
					t.Fatalf("loop %d runs nothing", i)
				}
			}
			deadline := time.Now().Add(5 * time.Second)
			for e.limit.open.Load() != 0 { // the listener's are closed again
				if time.Now().After(deadline) {
					t.Fatalf("%d connections counted open after activation", e.limit.open.Load())
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
}

// A pair connection that holds more unconsumed input than MaxInbound (a
// frame that does not end) is closed, and uncounted.
func TestPairMaxInbound(t *testing.T) {
	e := newWSEngine(t, Options{MaxInbound: 64 << 10})
	if err := e.StartLoops(); err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, e)
	client, server := tcpPair(t)
	if err := e.ServeConn(opaque{server}, []byte(wsUpgrade)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(client)
	readWS(t, br, client, frames.OpText) // the open packet
	// A text frame of 500 000 bytes (under MaxPayload), of which 200 KiB
	// come.
	frame := frames.AppendMaskedFrame(nil, frames.OpText, true, [4]byte{}, make([]byte, 500_000))
	go client.Write(frame[:200<<10])
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, br); err != nil {
		t.Fatalf("the connection did not end: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.limit.open.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections counted open", e.limit.open.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A pair connection closed by its machine after a long answer delivers it
// whole, then ends.
func TestPairDrains(t *testing.T) {
	e := New(Options{Loops: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	resp := "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(drainBody)) + "\r\nConnection: close\r\n\r\n" + drainBody
	srv := transports.NewServer(transports.Config{
		Polling:  true,
		Fallback: func(_ *httpparse.Request, _ string, respond func([]byte, bool)) { respond([]byte(resp), true) },
	}, drainNopApp{}, e, e.Loops())
	e.Bind(srv)
	if err := e.StartLoops(); err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, e)
	client, server := tcpPair(t)
	if err := e.ServeConn(opaque{server}, []byte("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	c := client.(*net.TCPConn)
	body, err := readAnswerUntilClose(c)
	if err != nil || body != drainBody {
		t.Fatalf("answer of %d bytes (want %d): %v", len(body), len(drainBody), err)
	}
}

// readAnswerUntilClose reads one answer, then closes its end (the pair
// lingers for it) and checks that nothing else came.
func readAnswerUntilClose(c *net.TCPConn) (string, error) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	_, err = io.Copy(&b, resp.Body)
	c.CloseWrite()
	return b.String(), err
}

// Stop ends every pair connection.
func TestPairStop(t *testing.T) {
	e := newWSEngine(t, Options{})
	if err := e.StartLoops(); err != nil {
		t.Fatal(err)
	}
	client, server := tcpPair(t)
	if err := e.ServeConn(opaque{server}, []byte(wsUpgrade)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(client)
	readWS(t, br, client, frames.OpText)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, br); err != nil {
		t.Fatalf("the connection did not end: %v", err)
	}
	if err := e.ServeConn(opaque{server}, nil); err == nil {
		t.Error("ServeConn after Stop: no error")
	}
}
