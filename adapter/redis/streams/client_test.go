package streams

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// pollClient is a minimal Socket.IO v5 client over Engine.IO v4 polling, for
// the tests: it connects to "/", keeps polling on a goroutine of its own,
// answers pings, acknowledges every event that asks for it with ackAnswer,
// and queues every other packet it receives.
type pollClient struct {
	t         testing.TB
	url       string
	ackAnswer string // JSON of the answer to acknowledged events

	mu      sync.Mutex
	packets []string
	wake    chan struct{}
	done    chan struct{}
	closed  bool
}

var httpClient = &http.Client{Timeout: 60 * time.Second}

// dialPoll opens an Engine.IO session on addr and connects to "/" with
// auth (JSON, or ""); it returns the client and the CONNECT answer's sid
// and pid.
func dialPoll(t testing.TB, addr, auth, ackAnswer string) (c *pollClient, sid, pid string) {
	t.Helper()
	base := "http://" + addr + "/socket.io/?EIO=4&transport=polling"
	open := httpGet(t, base)
	var hs struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(open, "0")), &hs); err != nil {
		t.Fatalf("open %q: %v", open, err)
	}
	c = &pollClient{t: t, url: base + "&sid=" + hs.SID, ackAnswer: ackAnswer,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	c.send("40" + auth)
	go c.poll()
	t.Cleanup(c.close)
	first := c.next("40")
	var hello struct{ SID, PID string }
	if err := json.Unmarshal([]byte(strings.TrimPrefix(first, "40")), &hello); err != nil {
		t.Fatalf("CONNECT answer %q: %v", first, err)
	}
	return c, hello.SID, hello.PID
}

func httpGet(t testing.TB, url string) string {
	resp, err := httpClient.Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (c *pollClient) send(payload string) {
	resp, err := httpClient.Post(c.url, "text/plain;charset=UTF-8", strings.NewReader(payload))
	if err != nil {
		return // the session may be gone already
	}
	resp.Body.Close()
}

func (c *pollClient) poll() {
	defer close(c.done)
	for {
		resp, err := httpClient.Get(c.url)
		if err != nil {
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return
		}
		for _, p := range strings.Split(string(b), "\x1e") {
			switch {
			case p == "2":
				c.send("3")
			case p == "1" || p == "":
				if p == "1" {
					return
				}
			default:
				c.receive(p)
			}
		}
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if closed {
			return
		}
	}
}

// receive queues a Socket.IO packet ("4…") or binary attachment ("b…"),
// answering an event that asks for an acknowledgement.
func (c *pollClient) receive(p string) {
	if id, ok := ackID(p); ok && c.ackAnswer != "" {
		go c.send("43" + id + "[" + c.ackAnswer + "]")
	}
	c.mu.Lock()
	c.packets = append(c.packets, p)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// ackID is the ack id of an EVENT packet "42<id>[…" ("" and false for none).
func ackID(p string) (string, bool) {
	if !strings.HasPrefix(p, "42") {
		return "", false
	}
	i := 2
	for i < len(p) && p[i] >= '0' && p[i] <= '9' {
		i++
	}
	return p[2:i], i > 2
}

// next waits for the first queued packet starting with prefix, removes it
// and returns it; the test fails after a generous deadline.
func (c *pollClient) next(prefix string) string {
	c.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		for i, p := range c.packets {
			if strings.HasPrefix(p, prefix) {
				c.packets = append(c.packets[:i:i], c.packets[i+1:]...)
				c.mu.Unlock()
				return p
			}
		}
		c.mu.Unlock()
		select {
		case <-c.wake:
		case <-deadline:
			c.t.Fatalf("no packet %q; got %q", prefix, c.snapshot())
			return ""
		}
	}
}

// waitN waits until n queued packets start with prefix and returns them in
// the order they came, without removing them.
func (c *pollClient) waitN(prefix string, n int) []string {
	c.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if got := c.events(prefix); len(got) >= n {
			return got
		}
		select {
		case <-c.wake:
		case <-deadline:
			c.t.Fatalf("fewer than %d packets %q; got %q", n, prefix, c.snapshot())
			return nil
		}
	}
}

// events returns the queued packets that start with prefix, without
// removing them.
func (c *pollClient) events(prefix string) []string {
	var out []string
	for _, p := range c.snapshot() {
		if strings.HasPrefix(p, prefix) {
			out = append(out, p)
		}
	}
	return out
}

func (c *pollClient) snapshot() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.packets...)
}

// leave closes the Engine.IO session from the client's side (a "transport
// close", which keeps the socket's state for recovery).
func (c *pollClient) leave() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.send("1")
	<-c.done
}

func (c *pollClient) close() {
	c.mu.Lock()
	already := c.closed
	c.closed = true
	c.mu.Unlock()
	if !already {
		c.send("1")
	}
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
	}
}

// lastArg is the last argument of an EVENT packet's array, as JSON.
func lastArg(t testing.TB, p string) string {
	t.Helper()
	i := strings.IndexByte(p, '[')
	var arr []json.RawMessage
	if i < 0 || json.Unmarshal([]byte(p[i:]), &arr) != nil || len(arr) == 0 {
		t.Fatalf("not an event: %q", p)
	}
	return string(arr[len(arr)-1])
}
