package sharded_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// wsClient is a minimal Socket.IO v5 client over Engine.IO v4 websocket:
// it connects to "/" with an auth payload, answers pings, acknowledges
// every event that asks for it with ackAnswer, and records every EVENT
// packet it receives (binary attachments appended as "+<hex>").
type wsClient struct {
	t         *testing.T
	conn      net.Conn
	sid       string
	ackAnswer string
	mu        sync.Mutex
	events    chan string
	closed    chan struct{}
}

func dial(t *testing.T, addr string, auth map[string]any) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, br, _, err := ws.Dial(ctx, "ws://"+addr+"/socket.io/?EIO=4&transport=websocket")
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	if br != nil { // the server's first frames came with its handshake
		conn = bufferedConn{conn, br}
	}
	c := &wsClient{t: t, conn: conn, ackAnswer: `"ok"`, events: make(chan string, 256), closed: make(chan struct{})}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if open := c.read(); !strings.HasPrefix(open, "0{") {
		t.Fatalf("open packet %q", open)
	}
	raw, _ := json.Marshal(auth)
	c.write("40" + string(raw))
	for {
		p := c.read()
		if strings.HasPrefix(p, "40{") {
			var v struct{ Sid string }
			_ = json.Unmarshal([]byte(p[2:]), &v)
			c.sid = v.Sid
			break
		}
		if p == "2" {
			c.write("3")
		}
	}
	_ = conn.SetReadDeadline(time.Time{})
	go c.loop()
	return c
}

func (c *wsClient) read() string {
	data, op, err := wsutil.ReadServerData(c.conn)
	if err != nil {
		c.t.Fatalf("client read: %v", err)
	}
	if op == ws.OpBinary {
		return "\x00" + string(data)
	}
	return string(data)
}

func (c *wsClient) write(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = wsutil.WriteClientText(c.conn, []byte(s))
}

// loop reads packets until the connection ends.
func (c *wsClient) loop() {
	defer close(c.closed)
	var pending string
	var missing int
	for {
		data, op, err := wsutil.ReadServerData(c.conn)
		if err != nil {
			return
		}
		if op == ws.OpBinary {
			pending += "+" + hexOf(data)
			if missing--; missing == 0 {
				c.got(pending)
			}
			continue
		}
		p := string(data)
		switch {
		case p == "2":
			c.write("3")
		case strings.HasPrefix(p, "42"):
			c.got(p[2:])
		case strings.HasPrefix(p, "45"): // BINARY_EVENT: n-<id?>[...]
			dash := strings.IndexByte(p, '-')
			n := 0
			for _, d := range p[2:dash] {
				n = n*10 + int(d-'0')
			}
			pending, missing = p[dash+1:], n
		case strings.HasPrefix(p, "41"):
			c.events <- "disconnect"
		}
	}
}

// got records an event, answering its ack id if it has one.
func (c *wsClient) got(p string) {
	i := 0
	for i < len(p) && p[i] >= '0' && p[i] <= '9' {
		i++
	}
	if i > 0 {
		c.write("43" + p[:i] + "[" + c.ackAnswer + "]")
	}
	c.events <- p[i:]
}

// next returns the next event, failing after a generous deadline.
func (c *wsClient) next() string {
	c.t.Helper()
	select {
	case e := <-c.events:
		return e
	case <-time.After(15 * time.Second):
		c.t.Fatalf("client %s: no event", c.sid)
		return ""
	}
}

// expect reads events up to and including the sentinel; they must be
// exactly want, in order.
func (c *wsClient) expect(sentinel string, want ...string) {
	c.t.Helper()
	var got []string
	for {
		e := c.next()
		if strings.Contains(e, sentinel) {
			break
		}
		got = append(got, e)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		c.t.Fatalf("client %s got\n%s\nwant\n%s", c.sid, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// bufferedConn reads what the handshake's reader holds before the socket.
type bufferedConn struct {
	net.Conn
	r io.Reader
}

func (c bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, x := range b {
		out = append(out, digits[x>>4], digits[x&15])
	}
	return string(out)
}
