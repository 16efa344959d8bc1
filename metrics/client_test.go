package metrics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// Minimal Engine.IO v4 / Socket.IO v5 clients, enough to move a server's
// counters: a websocket one over gobwas/ws and a polling one over
// net/http. Each waits at most ioTimeout for an answer.

const ioTimeout = 10 * time.Second

// openSID is the sid of an Engine.IO OPEN packet ("0{...}").
func openSID(packet string) (string, error) {
	if !strings.HasPrefix(packet, "0") {
		return "", fmt.Errorf("want an OPEN packet, got %q", packet)
	}
	var open struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal([]byte(packet[1:]), &open); err != nil || open.SID == "" {
		return "", fmt.Errorf("OPEN packet %q: %v", packet, err)
	}
	return open.SID, nil
}

// wsClient is one websocket session, handshaken.
type wsClient struct {
	t    *testing.T
	conn net.Conn
	r    io.Reader // conn, after what the handshake's reader holds
}

func dialWebSocket(t *testing.T, addr string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	conn, br, _, err := ws.Dial(ctx, "ws://"+addr+"/socket.io/?EIO=4&transport=websocket")
	if err != nil {
		t.Fatalf("websocket dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &wsClient{t: t, conn: conn, r: conn}
	if br != nil { // frames that came with the 101 answer
		c.r = io.MultiReader(br, conn)
	}
	if _, err := openSID(c.read()); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *wsClient) write(packet string) {
	c.t.Helper()
	_ = c.conn.SetWriteDeadline(time.Now().Add(ioTimeout))
	if err := wsutil.WriteClientText(c.conn, []byte(packet)); err != nil {
		c.t.Fatalf("websocket write %q: %v", packet, err)
	}
}

// read returns the next Engine.IO packet, answering pings on the way.
func (c *wsClient) read() string {
	c.t.Helper()
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(ioTimeout))
		b, err := wsutil.ReadServerText(readWriter{c.r, c.conn})
		if err != nil {
			c.t.Fatalf("websocket read: %v", err)
		}
		if string(b) == "2" {
			c.write("3")
			continue
		}
		return string(b)
	}
}

// expect reads the next packet and checks that it is want.
func (c *wsClient) expect(want string) {
	c.t.Helper()
	if got := c.read(); got != want {
		c.t.Fatalf("websocket: got %q, want %q", got, want)
	}
}

func (c *wsClient) close() { c.conn.Close() }

// readWriter reads from one side and writes (control frame answers) to
// the other.
type readWriter struct {
	io.Reader
	io.Writer
}

// pollingClient is one polling session, handshaken.
type pollingClient struct {
	t   *testing.T
	url string // with the sid
	hc  *http.Client
}

func dialPolling(t *testing.T, addr string) *pollingClient {
	t.Helper()
	c := &pollingClient{t: t, url: "http://" + addr + "/socket.io/?EIO=4&transport=polling", hc: &http.Client{Timeout: ioTimeout}}
	t.Cleanup(c.hc.CloseIdleConnections)
	packets := c.get()
	if len(packets) != 1 {
		t.Fatalf("polling handshake: %q", packets)
	}
	sid, err := openSID(packets[0])
	if err != nil {
		t.Fatal(err)
	}
	c.url += "&sid=" + sid
	return c
}

// get polls once and returns the packets.
func (c *pollingClient) get() []string {
	c.t.Helper()
	resp, err := c.hc.Get(c.url)
	if err != nil {
		c.t.Fatalf("polling GET: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		c.t.Fatalf("polling GET: %s %q %v", resp.Status, body, err)
	}
	return strings.Split(string(body), "\x1e")
}

// post sends packets in one payload.
func (c *pollingClient) post(packets ...string) {
	c.t.Helper()
	resp, err := c.hc.Post(c.url, "text/plain;charset=UTF-8", strings.NewReader(strings.Join(packets, "\x1e")))
	if err != nil {
		c.t.Fatalf("polling POST: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		c.t.Fatalf("polling POST: %s %q", resp.Status, body)
	}
}

// expect polls until a packet comes (answering pings) and checks that it
// is want.
func (c *pollingClient) expect(want string) {
	c.t.Helper()
	for {
		packets := c.get()
		if len(packets) == 1 && packets[0] == "2" {
			c.post("3")
			continue
		}
		if len(packets) != 1 || packets[0] != want {
			c.t.Fatalf("polling: got %q, want %q", packets, want)
		}
		return
	}
}
