package soak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// legacyClient is a Socket.IO 0.6 client on one of the six 2010
// transports. Messages are framed "~m~<length>~m~<data>"; the first one
// is the session id; "~h~<n>" heartbeats (streaming transports) are echoed.
type legacyClient struct {
	addr      string
	transport string // xhr-polling, jsonp-polling, xhr-multipart, htmlfile, websocket, flashsocket
	hixie76   bool   // websocket: the hixie-76 handshake and framing instead of RFC 6455

	sid   string
	mu    sync.Mutex // writes
	get   *httpConn  // polling GETs, or the stream
	post  *httpConn
	body  io.Reader // the stream's body
	ws    *wsConn   // RFC 6455
	queue []string  // messages read and not yet handled
	buf   []byte    // stream bytes read and not yet parsed
	ts    atomic.Int64
}

func (c *legacyClient) polling() bool {
	return c.transport == "xhr-polling" || c.transport == "jsonp-polling"
}

func (c *legacyClient) stamp() int64 { return 1300000000000 + c.ts.Add(1) }

func (c *legacyClient) open(ctx context.Context) error {
	var err error
	switch {
	case c.transport == "websocket" && c.hixie76:
		if c.get, err = dialHTTP(c.addr); err != nil {
			return err
		}
		if err := c.hixie76Handshake(); err != nil {
			return err
		}
	case c.transport == "websocket" || c.transport == "flashsocket":
		c.ws, err = dialWS(ctx, "ws://"+c.addr+"/socket.io/"+c.transport, http.Header{"Origin": {"http://127.0.0.1"}}, 0)
		if err != nil {
			return err
		}
	default:
		if c.get, err = dialHTTP(c.addr); err != nil {
			return err
		}
		if c.post, err = dialHTTP(c.addr); err != nil {
			return err
		}
		if !c.polling() {
			if err := c.openStream(); err != nil {
				return err
			}
		}
	}
	first, err := c.message()
	if err != nil {
		return fmt.Errorf("session id: %w", err)
	}
	if !sidPattern.MatchString(first) {
		return fmt.Errorf("session id %q", first)
	}
	c.sid = first
	return nil
}

var sidPattern = regexp.MustCompile(`^[0-9]{16,18}$`)

func (c *legacyClient) openStream() error {
	target := "/socket.io/xhr-multipart/"
	if c.transport == "htmlfile" {
		target = fmt.Sprintf("/socket.io/htmlfile//%d", c.stamp())
	}
	if err := c.get.send("GET", target, nil, ""); err != nil {
		return err
	}
	_ = c.get.c.SetReadDeadline(time.Now().Add(ioTimeout))
	resp, err := http.ReadResponse(c.get.br, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", c.transport, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", c.transport, resp.StatusCode)
	}
	c.body = resp.Body
	if c.transport == "htmlfile" {
		pre := make([]byte, 256) // "<html><body>" and padding
		_, err := io.ReadFull(c.body, pre)
		return err
	}
	_, err = c.until("--socketio\n")
	return err
}

// Hixie-76 keys and their answer: the example of
// draft-ietf-hybi-thewebsocketprotocol-00, known good, so that the check
// does not lean on the server's own computation.
const (
	hixieKey1   = "4 @1  46546xW%0l 1 5"
	hixieKey2   = "12998 5 Y3 1  .P00"
	hixieKey3   = "^n:ds[4U"
	hixieAnswer = "8jKS'y:G*Co,Wxa-"
)

func (c *legacyClient) hixie76Handshake() error {
	req := "GET /socket.io/websocket HTTP/1.1\r\nHost: " + c.addr + "\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n" +
		"Origin: http://127.0.0.1\r\nSec-WebSocket-Key1: " + hixieKey1 + "\r\nSec-WebSocket-Key2: " + hixieKey2 + "\r\n\r\n" + hixieKey3
	_ = c.get.c.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := io.WriteString(c.get.c, req); err != nil {
		return fmt.Errorf("hixie-76: %w", err)
	}
	_ = c.get.c.SetReadDeadline(time.Now().Add(ioTimeout))
	head, err := c.readUntil("\r\n\r\n")
	if err != nil {
		return fmt.Errorf("hixie-76 answer: %w", err)
	}
	if !strings.HasPrefix(head, "HTTP/1.1 101 ") {
		return fmt.Errorf("hixie-76 answer %q", head)
	}
	ans := make([]byte, 16)
	if _, err := io.ReadFull(c.get.br, ans); err != nil {
		return fmt.Errorf("hixie-76 key answer: %w", err)
	}
	if string(ans) != hixieAnswer {
		return fmt.Errorf("hixie-76 key answer %q", ans)
	}
	return nil
}

func (c *legacyClient) readUntil(sep string) (string, error) {
	var b []byte
	for !strings.HasSuffix(string(b), sep) {
		ch, err := c.get.br.ReadByte()
		if err != nil {
			return string(b), err
		}
		b = append(b, ch)
	}
	return string(b), nil
}

// until reads the stream until sep and returns what came before it.
func (c *legacyClient) until(sep string) (string, error) {
	_ = c.get.c.SetReadDeadline(time.Now().Add(ioTimeout))
	chunk := make([]byte, 4096)
	for {
		if i := strings.Index(string(c.buf), sep); i >= 0 {
			out := string(c.buf[:i])
			c.buf = c.buf[i+len(sep):]
			return out, nil
		}
		n, err := c.body.Read(chunk)
		c.buf = append(c.buf, chunk[:n]...)
		if err != nil && n == 0 {
			return "", fmt.Errorf("%s stream: %w", c.transport, err)
		}
	}
}

var jsonpBody = regexp.MustCompile(`^io\.JSONP\[0\]\._\((.*)\);$`)

// batch reads the next framed text the transport carries.
func (c *legacyClient) batch() (string, error) {
	switch {
	case c.ws != nil:
		return c.ws.readText()
	case c.hixie76:
		_ = c.get.c.SetReadDeadline(time.Now().Add(ioTimeout))
		b, err := c.get.br.ReadByte()
		if err != nil {
			return "", fmt.Errorf("hixie-76 read: %w", err)
		}
		if b != 0x00 {
			return "", errWSClosed
		}
		s, err := c.get.br.ReadString(0xFF)
		if err != nil {
			return "", fmt.Errorf("hixie-76 read: %w", err)
		}
		return s[:len(s)-1], nil
	case c.polling():
		target := fmt.Sprintf("/socket.io/%s/%s/%d", c.transport, c.sid, c.stamp())
		if c.transport == "jsonp-polling" {
			target += "/0"
		}
		_, body, err := c.get.roundTrip("GET", target, nil, "")
		if err != nil {
			return "", err
		}
		if c.transport == "jsonp-polling" {
			m := jsonpBody.FindStringSubmatch(body)
			if m == nil {
				return "", fmt.Errorf("jsonp body %q", body)
			}
			if err := json.Unmarshal([]byte(m[1]), &body); err != nil {
				return "", fmt.Errorf("jsonp body %q: %w", body, err)
			}
		}
		return body, nil
	case c.transport == "htmlfile":
		if pre, err := c.until("<script>parent.s._("); err != nil || pre != "" {
			return "", fmt.Errorf("htmlfile: %q before a script: %v", pre, err)
		}
		js, err := c.until(", document);</script>")
		if err != nil {
			return "", err
		}
		var text string
		if err := json.Unmarshal([]byte(js), &text); err != nil {
			return "", fmt.Errorf("htmlfile script %q: %w", js, err)
		}
		return text, nil
	default: // xhr-multipart
		part, err := c.until("\n--socketio\n")
		if err != nil {
			return "", err
		}
		text, ok := strings.CutPrefix(part, "Content-Type: text/plain\n\n")
		if !ok {
			return "", fmt.Errorf("multipart part %q", part)
		}
		return text, nil
	}
}

// message returns the next message, reading as needed.
func (c *legacyClient) message() (string, error) {
	for len(c.queue) == 0 {
		text, err := c.batch()
		if err != nil {
			return "", err
		}
		if c.queue, err = decodeFrames(text); err != nil {
			return "", err
		}
	}
	m := c.queue[0]
	c.queue = c.queue[1:]
	return m, nil
}

func (c *legacyClient) next() (event, error) {
	for {
		m, err := c.message()
		if err != nil {
			return event{}, err
		}
		if strings.HasPrefix(m, "~h~") {
			if err := c.write(m); err != nil {
				return event{}, err
			}
			continue
		}
		if ev, ok := parseText(m); ok {
			return ev, nil
		}
	}
}

// write sends one message.
func (c *legacyClient) write(msg string) error {
	frame := frameMessage(msg)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.ws != nil:
		return c.ws.writeText(frame)
	case c.hixie76:
		_ = c.get.c.SetWriteDeadline(time.Now().Add(ioTimeout))
		_, err := io.WriteString(c.get.c, "\x00"+frame+"\xff")
		return err
	}
	_, ans, err := c.post.roundTrip("POST", c.postTarget(), []string{"Content-Type: application/x-www-form-urlencoded"},
		"data="+strings.ReplaceAll(url.QueryEscape(frame), "+", "%20"))
	if err == nil && ans != "ok" {
		err = fmt.Errorf("POST answer %q", ans)
	}
	return err
}

func (c *legacyClient) postTarget() string {
	if c.transport == "jsonp-polling" {
		return fmt.Sprintf("/socket.io/jsonp-polling/%s/%d/0", c.sid, c.stamp())
	}
	return fmt.Sprintf("/socket.io/%s/%s/send", c.transport, c.sid)
}

func (c *legacyClient) request(k int64) error { return c.write("ping:" + strconv.FormatInt(k, 10)) }

// leave closes the connections: a 0.6 client has no goodbye message.
func (c *legacyClient) leave() {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.ws != nil:
		c.ws.leave()
	case c.hixie76:
		_, _ = io.WriteString(c.get.c, "\xff\x00")
		c.get.close()
	default:
		c.get.close()
		c.post.close()
	}
}

func (c *legacyClient) reset() {
	switch {
	case c.ws != nil:
		c.ws.reset()
	case c.hixie76:
		if c.get != nil {
			// A frame that never ends: 0x00 and no 0xFF.
			_ = c.get.c.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = io.WriteString(c.get.c, "\x00~m~9~m~pi")
		}
		c.get.reset()
	default:
		c.post.resetMidRequest(c.postTarget())
		c.get.reset()
	}
}

// frameMessage frames one message.
func frameMessage(data string) string {
	return "~m~" + strconv.Itoa(utf16Len(data)) + "~m~" + data
}

var errFrame = errors.New("bad 0.6 frame")

// decodeFrames splits framed text into its messages.
func decodeFrames(s string) ([]string, error) {
	var out []string
	for len(s) > 0 {
		if !strings.HasPrefix(s, "~m~") {
			return out, fmt.Errorf("%w: %q", errFrame, s)
		}
		s = s[3:]
		i := strings.Index(s, "~m~")
		if i <= 0 {
			return out, fmt.Errorf("%w: no length in %q", errFrame, s)
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return out, fmt.Errorf("%w: length %q", errFrame, s[:i])
		}
		s = s[i+3:]
		j := utf16Prefix(s, n)
		if j < 0 {
			return out, fmt.Errorf("%w: %d units beyond %q", errFrame, n, s)
		}
		out = append(out, s[:j])
		s = s[j:]
	}
	return out, nil
}
