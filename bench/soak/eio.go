package soak

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// eioClient is a Socket.IO client on the Engine.IO road: v4 (Socket.IO v5)
// or v3 (Socket.IO v4, socket.io-client 2.x) over websocket, polling, or
// polling upgraded to websocket (socket.io-client's default).
type eioClient struct {
	addr      string
	v         int // 3 or 4
	transport string
	upgrade   bool // open on polling, then upgrade to websocket
	rcvbuf    int  // websocket: SO_RCVBUF when positive (a client that will not read)

	sid    string
	mu     sync.Mutex // writes: one POST or frame at a time; the mode switch
	ws     *wsConn    // the websocket writes go to, once on websocket (mu)
	probe  *wsConn    // the websocket being probed (mu)
	get    *httpConn
	post   *httpConn
	rws    *wsConn       // the websocket the reader reads (the reader's own)
	queue  []string      // packets read and not yet handled
	ts     atomic.Int64  // makes each request's URL unique
	stopPi chan struct{} // ends the v3 pinger
	stop   sync.Once

	// The upgrade, while the reader polls: the upgrader probes, then
	// closes pause; the reader stops polling once its GET is answered
	// (the server answers it with a noop) and closes paused; the upgrader
	// sends "5", switches writes to the websocket and closes upgraded.
	pause, paused, upgraded chan struct{}
	upErr                   error         // the upgrade's failure, once upgraded is closed
	gone                    chan struct{} // closed by leave and reset
}

func (c *eioClient) path(transport string) string {
	p := fmt.Sprintf("/socket.io/?EIO=%d&transport=%s&t=%d", c.v, transport, c.ts.Add(1))
	if c.sid != "" {
		p += "&sid=" + c.sid
	}
	return p
}

func (c *eioClient) open(ctx context.Context) error {
	if c.transport == "websocket" {
		w, err := dialWS(ctx, "ws://"+c.addr+c.path("websocket"), nil, c.rcvbuf)
		if err != nil {
			return err
		}
		c.ws, c.rws = w, w
	} else {
		var err error
		if c.get, err = dialHTTP(c.addr); err != nil {
			return err
		}
		if c.post, err = dialHTTP(c.addr); err != nil {
			return err
		}
	}
	first, err := c.packet()
	if err != nil {
		return fmt.Errorf("open packet: %w", err)
	}
	if !strings.HasPrefix(first, "0{") {
		return fmt.Errorf("open packet %q", first)
	}
	if i := strings.Index(first, `"sid":"`); i >= 0 {
		rest := first[i+7:]
		c.sid = rest[:strings.IndexByte(rest, '"')]
	}
	if c.v == 4 {
		if err := c.write("40"); err != nil {
			return err
		}
	}
	for {
		p, err := c.packet()
		if err != nil {
			return fmt.Errorf("waiting for CONNECT: %w", err)
		}
		if strings.HasPrefix(p, "40") {
			break
		}
		if strings.HasPrefix(p, "44") {
			return fmt.Errorf("connect refused: %q", p)
		}
		c.queue = append(c.queue, p)
	}
	c.gone = make(chan struct{})
	if c.upgrade {
		c.pause, c.paused, c.upgraded = make(chan struct{}), make(chan struct{}), make(chan struct{})
		go c.upgradeLive()
	}
	if c.v == 3 {
		c.stopPi = make(chan struct{})
		go c.pinger()
	}
	return nil
}

// upgradeLive moves the session from polling to websocket while the
// reader polls, as engine.io-client does: probe, pause polling, "5".
func (c *eioClient) upgradeLive() {
	err := c.probeWS()
	close(c.pause)
	select {
	case <-c.paused:
	case <-c.gone:
		if err == nil {
			err = errors.New("left during the upgrade")
		}
	}
	if err == nil {
		c.mu.Lock()
		if err = c.probe.writeText("5"); err == nil {
			c.ws = c.probe
			c.get.close()
			c.post.close()
		}
		c.mu.Unlock()
	}
	c.upErr = err
	close(c.upgraded)
}

// probeWS opens the websocket and probes it ("2probe", "3probe").
func (c *eioClient) probeWS() error {
	w, err := dialWS(context.Background(), "ws://"+c.addr+c.path("websocket"), nil, 0)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.probe = w
	c.mu.Unlock()
	select {
	case <-c.gone: // left meanwhile: leave or reset may have missed it
		w.reset()
		return errors.New("left during the upgrade")
	default:
	}
	if err := w.writeText("2probe"); err != nil {
		return err
	}
	if p, err := w.readText(); err != nil || p != "3probe" {
		return fmt.Errorf("probe answer %q: %v", p, err)
	}
	return nil
}

// pinger sends Engine.IO v3's client pings.
func (c *eioClient) pinger() {
	t := time.NewTicker(PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.stopPi:
			return
		case <-t.C:
			if c.write("2") != nil {
				return
			}
		}
	}
}

// ending stops the pinger and tells a running upgrade.
func (c *eioClient) ending() {
	c.stop.Do(func() {
		if c.stopPi != nil {
			close(c.stopPi)
		}
		if c.gone != nil {
			close(c.gone)
		}
	})
}

// write sends one Engine.IO packet.
func (c *eioClient) write(pkt string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ws != nil {
		return c.ws.writeText(pkt)
	}
	body := pkt
	if c.v == 3 {
		body = strconv.Itoa(utf16Len(pkt)) + ":" + pkt
	}
	_, ans, err := c.post.roundTrip("POST", c.path("polling"), []string{"Content-Type: text/plain;charset=UTF-8"}, body)
	if err == nil && ans != "ok" {
		err = fmt.Errorf("POST answer %q", ans)
	}
	return err
}

// packet returns the next Engine.IO packet, reading (or polling) as needed.
func (c *eioClient) packet() (string, error) {
	for len(c.queue) == 0 {
		if c.pause != nil && c.rws == nil {
			select {
			case <-c.pause:
				close(c.paused)
				<-c.upgraded
				if c.upErr != nil {
					return "", fmt.Errorf("upgrade: %w", c.upErr)
				}
				c.rws = c.probe // written before upgraded was closed
				continue
			default:
			}
		}
		if c.rws != nil {
			p, err := c.rws.readText()
			if err != nil {
				return "", err
			}
			return p, nil
		}
		_, body, err := c.get.roundTrip("GET", c.path("polling"), nil, "")
		if err != nil {
			return "", err
		}
		if c.queue, err = splitPayload(c.v, body); err != nil {
			return "", err
		}
	}
	p := c.queue[0]
	c.queue = c.queue[1:]
	return p, nil
}

var errServerClose = errors.New("the server closed the session")

func (c *eioClient) next() (event, error) {
	for {
		p, err := c.packet()
		if err != nil {
			return event{}, err
		}
		switch {
		case p == "2" && c.v == 4:
			if err := c.write("3"); err != nil {
				return event{}, err
			}
		case p == "1", strings.HasPrefix(p, "41"):
			return event{}, errServerClose
		case strings.HasPrefix(p, "4"):
			if ev, ok := parseSIO(p[1:]); ok {
				return ev, nil
			}
		}
	}
}

// floodRcvbuf is a flooding client's receive buffer.
const floodRcvbuf = 16 << 10

// willFlood: Engine.IO websocket clients flood.
func (c *eioClient) willFlood() bool {
	if c.transport != "websocket" {
		return false
	}
	c.rcvbuf = floodRcvbuf
	return true
}

// flood asks the server for n bytes (the client will not read them).
func (c *eioClient) flood(n int) error {
	return c.write("42" + `["flood",` + strconv.Itoa(n) + "]")
}

func (c *eioClient) request(k int64) error {
	n := strconv.FormatInt(k, 10)
	return c.write("42" + n + `["echo",` + n + "]")
}

func (c *eioClient) leave() {
	c.ending()
	_ = c.write("41")
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.probe != nil && c.probe != c.ws {
		c.probe.reset()
	}
	if c.ws != nil {
		c.ws.leave()
		return
	}
	_, _, _ = c.post.roundTrip("POST", c.path("polling"), nil, closeBody(c.v))
	c.get.close()
	c.post.close()
}

func closeBody(v int) string {
	if v == 3 {
		return "1:1"
	}
	return "1"
}

func (c *eioClient) reset() {
	c.ending()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.probe != nil && c.probe != c.ws {
		c.probe.reset()
	}
	if c.ws != nil {
		c.ws.reset()
		return
	}
	c.post.resetMidRequest(c.path("polling"))
	c.get.reset()
}

// splitPayload splits a polling answer into packets: joined by 0x1E (v4),
// or each "<length>:<packet>" with the length in UTF-16 code units (v3).
func splitPayload(v int, body string) ([]string, error) {
	if v == 4 {
		return strings.Split(body, "\x1e"), nil
	}
	var out []string
	for len(body) > 0 {
		i := strings.IndexByte(body, ':')
		if i <= 0 {
			return out, fmt.Errorf("v3 payload %q", body)
		}
		n, err := strconv.Atoi(body[:i])
		if err != nil {
			return out, fmt.Errorf("v3 payload length %q", body[:i])
		}
		body = body[i+1:]
		j := utf16Prefix(body, n)
		if j < 0 {
			return out, fmt.Errorf("v3 payload: %d units beyond %q", n, body)
		}
		out = append(out, body[:j])
		body = body[j:]
	}
	return out, nil
}
