package loadgen

import (
	"bytes"
	"strconv"
	"time"
)

// Client states, in order.
const (
	stNew        = iota
	stDialing    // TCP connect in progress
	stUpgrading  // websocket upgrade sent
	stOpening    // waiting for the Engine.IO open packet
	stConnecting // Socket.IO CONNECT sent
	stReady      // connected to the namespace
	stDone       // failed or closed
)

// client is one simulated Socket.IO client. It lives on one loop.
type client struct {
	l      *loop
	src    [4]byte
	state  uint8
	poll   bool // long-polling instead of websocket
	sender bool // the broadcast sender
	dst    int  // index of its server in Session.targets
	start  int64

	ws        *conn
	get, post *conn
	query     []byte     // polling request target with the sid
	postQ     []byte     // packets for the next POST, 0x1E-separated
	frag      []byte     // a fragmented websocket message in progress
	fragZ     bool       // frag is compressed (its first frame had RSV1)
	def       *wsDeflate // permessage-deflate as accepted, nil when off

	flights []flight // echoes sent and not yet acknowledged, oldest first
	ackID   uint64   // the last ack id used
	refill  bool     // acks arrived in this read: top the window up after it
}

func (c *client) open() {
	c.state = stDialing
	var err error
	if c.poll {
		c.get, err = c.l.dial(c, roleGet)
	} else {
		c.ws, err = c.l.dial(c, roleWS)
	}
	if err != nil {
		c.fail("dial: " + err.Error())
	}
}

// fail ends the client with reason.
func (c *client) fail(reason string) {
	l := c.l
	switch {
	case c.state == stDone:
		return
	case c.sender:
		reason = "sender: " + reason
		if c.state < stReady {
			l.pending--
		}
	case c.state == stReady:
		l.st.dropped.Add(1)
	default:
		l.st.failed.Add(1)
		l.pending--
	}
	l.errorf(reason)
	c.state = stDone
	l.close(c.ws)
	l.close(c.get)
	l.close(c.post)
}

// ready marks the session connected.
func (c *client) ready() {
	if c.state >= stReady {
		return
	}
	c.state = stReady
	l := c.l
	l.pending--
	if c.sender {
		return
	}
	l.st.connected.Add(1)
	l.connectH.Record(nanotime() - c.start)
	if l.measuring && l.s.echoes() {
		c.fillWindow(nanotime())
	}
}

// connUp is called when c's TCP connect completes.
func (c *client) connUp(cn *conn) {
	switch cn.role {
	case roleWS:
		c.state = stUpgrading
		c.l.write(cn, c.l.s.targets[c.dst].upgradeReq)
	case roleGet:
		if c.query == nil {
			c.state = stOpening
			c.l.write(cn, c.l.s.targets[c.dst].handshakeReq)
			cn.busy = true
		} else {
			c.pollGet()
		}
	case rolePost:
		c.flushPost()
	}
}

// connLost handles an error or EOF on one of the client's sockets.
func (c *client) connLost(cn *conn, reason string) {
	if cn.role != roleWS && cn.up && !cn.busy && c.state != stDone {
		// An idle keep-alive connection closed by the server: reopen it.
		c.l.close(cn)
		c.l.redials = append(c.l.redials, cn)
		return
	}
	c.fail(reason)
}

// feed parses bytes read from cn and returns how many it consumed.
func (c *client) feed(cn *conn, p []byte) int {
	if cn.role == roleWS {
		return c.feedWS(cn, p)
	}
	return c.feedHTTP(cn, p)
}

// send queues one Engine.IO packet to the server.
func (c *client) send(pkt []byte) {
	if c.poll {
		if len(c.postQ) > 0 {
			c.postQ = append(c.postQ, 0x1e)
		}
		c.postQ = append(c.postQ, pkt...)
		c.flushPost()
		return
	}
	c.sendFrame(pkt)
}

// onEIO handles one Engine.IO packet.
func (c *client) onEIO(p []byte) {
	if len(p) == 0 {
		return
	}
	switch p[0] {
	case '0': // open (over websocket; polling reads it in its handshake)
		if c.state == stOpening {
			c.state = stConnecting
			c.send(c.l.s.connectPkt)
		}
	case '1':
		c.fail("engine.io close")
	case '2':
		c.send(pongPkt)
		c.l.st.pongs.Add(1)
	case '4':
		c.onSIO(p[1:])
	}
}

var (
	pongPkt      = []byte("3")
	broadcastPfx = []byte(`2["broadcast","`)
)

// onSIO handles one Socket.IO packet on the main namespace.
func (c *client) onSIO(p []byte) {
	if len(p) == 0 {
		return
	}
	switch p[0] {
	case '0':
		if c.state == stConnecting {
			c.ready()
		}
	case '4':
		c.fail("connect_error")
	case '1':
		c.fail("disconnected by server")
	case '3':
		id, _ := leadingInt(p[1:])
		for i, f := range c.flights {
			if f.id == uint64(id) {
				c.acked(i)
				break
			}
		}
	case '2':
		if !c.sender && bytes.HasPrefix(p, broadcastPfx) {
			c.delivered(p[len(broadcastPfx):])
		}
	}
}

// onRaw handles a text frame in raw mode: the echo of our last frame, or a
// fanned-out broadcast frame.
func (c *client) onRaw(p []byte) {
	if c.state != stReady || c.sender {
		return
	}
	if len(c.flights) > 0 {
		c.acked(0) // the raw server echoes in order
		return
	}
	if len(p) > 1 && p[0] == '4' && bytes.HasPrefix(p[1:], broadcastPfx) {
		c.delivered(p[1+len(broadcastPfx):])
	}
}

// delivered records a broadcast whose argument starts with its send time in
// Unix nanoseconds.
func (c *client) delivered(arg []byte) {
	l := c.l
	if !l.measuring {
		return
	}
	t, ok := leadingInt(arg)
	if !ok {
		l.errorf("broadcast without timestamp")
		return
	}
	l.latH.Record(time.Now().UnixNano() - t)
	l.st.delivered.Add(1)
}

// emitBroadcast sends `42["broadcast","<unix ns> xx…"]`, padded to the
// payload size.
func (c *client) emitBroadcast() {
	s := c.l.s
	b := append(c.l.pkt[:0], `42["broadcast","`...)
	start := len(b)
	b = strconv.AppendInt(b, time.Now().UnixNano(), 10)
	b = append(b, ' ')
	if pad := len(s.pad) - (len(b) - start); pad > 0 {
		b = append(b, s.pad[:pad]...)
	}
	b = append(b, `"]`...)
	c.l.pkt = b
	c.send(b)
}

// leadingInt parses the decimal digits at the start of p.
func leadingInt(p []byte) (int64, bool) {
	var v int64
	i := 0
	for ; i < len(p) && p[i] >= '0' && p[i] <= '9'; i++ {
		v = v*10 + int64(p[i]-'0')
	}
	return v, i > 0
}
