package loadgen

import (
	"strconv"
)

// A client of the echo scenarios keeps Config.Window echoes in flight.
// With the default window of 1 it is the browser-like pattern: each emit
// waits for the previous one's ack, and the next one leaves as soon as that
// ack is read. A larger window pipelines: the acks read at once are
// answered by one write of as many echoes.

// flight is one echo waiting for its ack.
type flight struct {
	id uint64 // its ack id (raw mode: unused; the echoes come back in order)
	at int64  // nanotime when it was sent
}

// acked records the ack of c.flights[i] and, while measuring, sends the
// next echo: at once with a window of 1, after the rest of the read
// otherwise (see feedWS).
func (c *client) acked(i int) {
	now := nanotime()
	f := c.flights[i]
	c.flights = append(c.flights[:i], c.flights[i+1:]...)
	l := c.l
	if !l.measuring {
		return
	}
	l.latH.Record(now - f.at)
	l.st.acks.Add(1)
	if l.s.cfg.Window > 1 {
		c.refill = true
		return
	}
	c.fillWindow(now)
}

// fillWindow sends echoes until Window are in flight; over websocket in
// one write.
func (c *client) fillWindow(now int64) {
	l := c.l
	w := l.s.cfg.Window
	if c.state != stReady || c.sender || !l.measuring || len(c.flights) >= w {
		return
	}
	if c.poll {
		for len(c.flights) < w {
			c.send(c.nextEcho(now))
		}
		return
	}
	if c.ws == nil {
		return
	}
	b := l.frame[:0]
	for len(c.flights) < w {
		b = c.appendText(b, c.nextEcho(now))
	}
	l.frame = b
	l.write(c.ws, b)
}

// nextEcho records a flight and returns its packet, `42<id>["echo","xx…"]`
// (no ack id in raw mode), built in the loop's packet scratch.
func (c *client) nextEcho(now int64) []byte {
	s := c.l.s
	c.ackID++
	b := append(c.l.pkt[:0], '4', '2')
	if !s.cfg.Raw {
		b = strconv.AppendUint(b, c.ackID, 10)
	}
	b = append(b, `["echo","`...)
	b = append(b, s.pad...)
	b = append(b, `"]`...)
	c.l.pkt = b
	c.flights = append(c.flights, flight{id: c.ackID, at: now})
	return b
}
