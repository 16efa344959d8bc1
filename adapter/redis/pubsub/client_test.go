package pubsub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// A minimal Socket.IO v5 / Engine.IO v4 websocket client for these tests:
// it connects to one namespace, answers pings, records every event with
// its arguments and binary attachments, and answers the server's ack
// requests with a fixed answer.

// waitTimeout bounds every wait of the tests: generous, as the machine is
// small and shared.
const waitTimeout = 15 * time.Second

type clientEvent struct {
	Name string
	Args []json.RawMessage
	Atts [][]byte
}

type sioClient struct {
	name   string
	nsp    string
	conn   net.Conn
	rw     io.ReadWriter
	answer string // JSON of the answer to ack requests; "" answers nothing
	sid    string

	wmu sync.Mutex

	mu           sync.Mutex
	events       []clientEvent
	disconnected bool // the server disconnected the namespace or the connection ended
	changed      chan struct{}
}

// dialClient connects a websocket client to nsp on addr with the auth
// payload, and waits for the namespace's CONNECT answer.
func dialClient(t *testing.T, addr, nsp, name, auth, answer string) *sioClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	conn, br, _, err := ws.Dial(ctx, "ws://"+addr+"/socket.io/?EIO=4&transport=websocket")
	if err != nil {
		t.Fatalf("%s: dial: %v", name, err)
	}
	var r io.Reader = conn
	if br != nil {
		r = io.MultiReader(br, conn)
	}
	c := &sioClient{name: name, nsp: nsp, conn: conn, rw: struct {
		io.Reader
		io.Writer
	}{r, conn}, answer: answer, changed: make(chan struct{})}
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetReadDeadline(time.Now().Add(waitTimeout))
	open, err := c.readText()
	if err != nil || !strings.HasPrefix(open, "0{") {
		t.Fatalf("%s: open packet %q: %v", name, open, err)
	}
	c.send("0" + c.nspPrefix() + auth)
	for {
		msg, err := c.readText()
		if err != nil {
			t.Fatalf("%s: waiting for CONNECT: %v", name, err)
		}
		if msg == "2" {
			c.write("3")
			continue
		}
		if rest, ok := strings.CutPrefix(msg, "40"+c.nspPrefix()); ok {
			var body struct{ SID string }
			if err := json.Unmarshal([]byte(rest), &body); err != nil || body.SID == "" {
				t.Fatalf("%s: CONNECT answer %q", name, msg)
			}
			c.sid = body.SID
			break
		}
		t.Fatalf("%s: unexpected %q before CONNECT", name, msg)
	}
	_ = conn.SetReadDeadline(time.Time{})
	go c.read()
	return c
}

// nspPrefix is "" for "/", else "/nsp,".
func (c *sioClient) nspPrefix() string {
	if c.nsp == "/" {
		return ""
	}
	return c.nsp + ","
}

func (c *sioClient) readText() (string, error) {
	for {
		data, op, err := wsutil.ReadServerData(c.rw)
		if err != nil {
			return "", err
		}
		if op == ws.OpText {
			return string(data), nil
		}
	}
}

func (c *sioClient) write(s string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = wsutil.WriteClientText(c.conn, []byte(s))
}

// send sends a Socket.IO packet inside an Engine.IO message.
func (c *sioClient) send(packet string) { c.write("4" + packet) }

func (c *sioClient) read() {
	defer c.update(func() { c.disconnected = true })
	var pending *clientEvent
	want := 0
	ackID := ""
	for {
		data, op, err := wsutil.ReadServerData(c.rw)
		if err != nil {
			return
		}
		if op == ws.OpBinary {
			if pending != nil {
				pending.Atts = append(pending.Atts, data)
				if len(pending.Atts) == want {
					c.record(*pending, ackID)
					pending = nil
				}
			}
			continue
		}
		msg := string(data)
		switch {
		case msg == "2":
			c.write("3")
		case strings.HasPrefix(msg, "41"+c.nspPrefix()) || msg == "41":
			return
		case strings.HasPrefix(msg, "42"), strings.HasPrefix(msg, "45"):
			ev, n, id, ok := parseEvent(msg[1:], c.nspPrefix())
			if !ok {
				continue
			}
			if n > 0 {
				pending, want, ackID = &ev, n, id
				continue
			}
			c.record(ev, id)
		}
	}
}

// parseEvent reads an EVENT or BINARY_EVENT packet: type, attachment
// count, namespace, ack id, [name, ...args].
func parseEvent(p, nspPrefix string) (ev clientEvent, atts int, ackID string, ok bool) {
	binary := p[0] == '5'
	p = p[1:]
	if binary {
		i := strings.IndexByte(p, '-')
		if i < 0 {
			return ev, 0, "", false
		}
		atts, _ = strconv.Atoi(p[:i])
		p = p[i+1:]
	}
	if nspPrefix != "" {
		var found bool
		if p, found = strings.CutPrefix(p, nspPrefix); !found {
			return ev, 0, "", false
		}
	}
	i := 0
	for i < len(p) && p[i] >= '0' && p[i] <= '9' {
		i++
	}
	ackID, p = p[:i], p[i:]
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(p), &items); err != nil || len(items) == 0 {
		return ev, 0, "", false
	}
	if err := json.Unmarshal(items[0], &ev.Name); err != nil {
		return ev, 0, "", false
	}
	ev.Args = items[1:]
	return ev, atts, ackID, true
}

func (c *sioClient) record(ev clientEvent, ackID string) {
	c.update(func() { c.events = append(c.events, ev) })
	if ackID != "" && c.answer != "" {
		c.send("3" + c.nspPrefix() + ackID + "[" + c.answer + "]")
	}
}

func (c *sioClient) update(fn func()) {
	c.mu.Lock()
	fn()
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// received returns the events named name so far.
func (c *sioClient) received(name string) []clientEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []clientEvent
	for _, ev := range c.events {
		if ev.Name == name {
			out = append(out, ev)
		}
	}
	return out
}

// waitFor waits until cond holds for the client's state.
func (c *sioClient) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		ch := c.changed
		c.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("%s: %s: not within %v", c.name, what, waitTimeout)
		}
	}
}

// waitEvent waits for the n-th event named name and returns it.
func (c *sioClient) waitEvent(t *testing.T, name string, n int) clientEvent {
	t.Helper()
	c.waitFor(t, fmt.Sprintf("event %q #%d", name, n), func() bool { return len(c.received(name)) >= n })
	return c.received(name)[n-1]
}

func (c *sioClient) waitDisconnected(t *testing.T) {
	t.Helper()
	c.waitFor(t, "disconnection", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.disconnected
	})
}

func (c *sioClient) isDisconnected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.disconnected
}

// argText joins an event's arguments as JSON text.
func argText(ev clientEvent) string {
	parts := make([][]byte, len(ev.Args))
	for i, a := range ev.Args {
		parts[i] = a
	}
	return string(bytes.Join(parts, []byte(",")))
}
