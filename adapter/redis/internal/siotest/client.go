// Package siotest is the adapters' tests' Socket.IO client: a minimal
// Socket.IO v5 / Engine.IO v4 websocket client that connects to one
// namespace, answers pings, answers the server's ack requests with a fixed
// answer, and records every event it receives, with its arguments and
// binary attachments. Only tests use it.
package siotest

import (
	"bytes"
	"context"
	"encoding/hex"
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

// WaitTimeout bounds every wait: generous, as the test machines are small
// and shared.
const WaitTimeout = 15 * time.Second

// Event is one EVENT or BINARY_EVENT the client received.
type Event struct {
	Name string
	Args []json.RawMessage
	Atts [][]byte
	// Text is the packet's data array as the server wrote it, each
	// attachment appended as "+<hex>".
	Text string
}

// ArgText joins an event's arguments as JSON text.
func (ev Event) ArgText() string { return string(bytes.Join(bytesOf(ev.Args), []byte(","))) }

func bytesOf(args []json.RawMessage) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}

// Disconnect is the Text Next returns for the server's DISCONNECT packet.
const Disconnect = "disconnect"

// Client is one connected client.
type Client struct {
	Name string
	Nsp  string
	SID  string

	conn   net.Conn
	rw     io.ReadWriter
	answer string // JSON of the answer to ack requests; "" answers nothing

	wmu sync.Mutex

	mu           sync.Mutex
	events       []Event
	texts        []string // every event's Text, then Disconnect, in order
	nextText     int      // the first of texts Next has not returned
	disconnected bool     // the server disconnected the namespace or the connection ended
	changed      chan struct{}
}

// Dial connects a websocket client to nsp on addr with the auth payload
// (JSON, "" for none), and waits for the namespace's CONNECT answer.
// answer is the JSON the client acknowledges events with ("" for none).
func Dial(t testing.TB, addr, nsp, name, auth, answer string) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	conn, br, _, err := ws.Dial(ctx, "ws://"+addr+"/socket.io/?EIO=4&transport=websocket")
	if err != nil {
		t.Fatalf("%s: dial: %v", name, err)
	}
	var r io.Reader = conn
	if br != nil { // the server's first frames came with its handshake
		r = io.MultiReader(br, conn)
	}
	c := &Client{Name: name, Nsp: nsp, conn: conn, rw: struct {
		io.Reader
		io.Writer
	}{r, conn}, answer: answer, changed: make(chan struct{})}
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetReadDeadline(time.Now().Add(WaitTimeout))
	open, err := c.readText()
	if err != nil || !strings.HasPrefix(open, "0{") {
		t.Fatalf("%s: open packet %q: %v", name, open, err)
	}
	c.Send("0" + c.nspPrefix() + auth)
	for {
		msg, err := c.readText()
		if err != nil {
			t.Fatalf("%s: waiting for CONNECT: %v", name, err)
		}
		if msg == "2" {
			c.Write("3")
			continue
		}
		if rest, ok := strings.CutPrefix(msg, "40"+c.nspPrefix()); ok {
			var body struct{ SID string }
			if err := json.Unmarshal([]byte(rest), &body); err != nil || body.SID == "" {
				t.Fatalf("%s: CONNECT answer %q", name, msg)
			}
			c.SID = body.SID
			break
		}
		t.Fatalf("%s: unexpected %q before CONNECT", name, msg)
	}
	_ = conn.SetReadDeadline(time.Time{})
	go c.read()
	return c
}

// nspPrefix is "" for "/", else "/nsp,".
func (c *Client) nspPrefix() string {
	if c.Nsp == "/" {
		return ""
	}
	return c.Nsp + ","
}

func (c *Client) readText() (string, error) {
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

// Write sends one Engine.IO message.
func (c *Client) Write(s string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = wsutil.WriteClientText(c.conn, []byte(s))
}

// Send sends a Socket.IO packet inside an Engine.IO message.
func (c *Client) Send(packet string) { c.Write("4" + packet) }

func (c *Client) read() {
	defer c.update(func() { c.disconnected = true })
	var pending *Event
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
				pending.Text += "+" + hex.EncodeToString(data)
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
			c.Write("3")
		case strings.HasPrefix(msg, "41"+c.nspPrefix()) || msg == "41":
			c.update(func() { c.texts = append(c.texts, Disconnect) })
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
func parseEvent(p, nspPrefix string) (ev Event, atts int, ackID string, ok bool) {
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
	ev.Args, ev.Text = items[1:], p
	return ev, atts, ackID, true
}

func (c *Client) record(ev Event, ackID string) {
	if ackID != "" && c.answer != "" {
		c.Send("3" + c.nspPrefix() + ackID + "[" + c.answer + "]")
	}
	c.update(func() {
		c.events = append(c.events, ev)
		c.texts = append(c.texts, ev.Text)
	})
}

func (c *Client) update(fn func()) {
	c.mu.Lock()
	fn()
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// Received returns the events named name so far.
func (c *Client) Received(name string) []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Event
	for _, ev := range c.events {
		if ev.Name == name {
			out = append(out, ev)
		}
	}
	return out
}

// WaitFor waits until cond holds for the client's state.
func (c *Client) WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(WaitTimeout)
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
			t.Fatalf("%s: %s: not within %v", c.Name, what, WaitTimeout)
		}
	}
}

// WaitEvent waits for the n-th event named name and returns it.
func (c *Client) WaitEvent(t testing.TB, name string, n int) Event {
	t.Helper()
	c.WaitFor(t, fmt.Sprintf("event %q #%d", name, n), func() bool { return len(c.Received(name)) >= n })
	return c.Received(name)[n-1]
}

// WaitDisconnected waits until the server disconnected the client.
func (c *Client) WaitDisconnected(t testing.TB) {
	t.Helper()
	c.WaitFor(t, "disconnection", c.Disconnected)
}

// Disconnected reports whether the server disconnected the namespace or
// the connection ended.
func (c *Client) Disconnected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.disconnected
}

// Next returns the Text of the next event Next has not returned yet (or
// Disconnect), in the order they came.
func (c *Client) Next(t testing.TB) string {
	t.Helper()
	var text string
	c.WaitFor(t, "an event", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.nextText < len(c.texts) {
			text = c.texts[c.nextText]
			c.nextText++
			return true
		}
		return false
	})
	return text
}

// Expect reads events with Next up to and including the first that
// contains sentinel; those before it must be exactly want, in order.
func (c *Client) Expect(t testing.TB, sentinel string, want ...string) {
	t.Helper()
	var got []string
	for {
		e := c.Next(t)
		if strings.Contains(e, sentinel) {
			break
		}
		got = append(got, e)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("client %s got\n%s\nwant\n%s", c.SID, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }
