package loadgen

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/gobwas/ws"
	"github.com/tornadio/tornadio/frames"
)

// The fixed handshake key: the load generator does not check the accept
// value, only the 101 status.
const wsKey = "dGhlIHNhbXBsZSBub25jZQ=="

// maxFrame bounds one inbound websocket frame.
const maxFrame = 64 << 20

var crlfcrlf = []byte("\r\n\r\n")

// appendUpgradeRequest builds the websocket upgrade request.
func appendUpgradeRequest(dst []byte, cfg *Config, host string) []byte {
	dst = append(dst, "GET "...)
	dst = append(dst, cfg.Path...)
	if !cfg.Raw {
		dst = append(dst, "?EIO=4&transport=websocket"...)
	}
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	dst = append(dst, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "+wsKey+
		"\r\nSec-WebSocket-Version: 13\r\n"...)
	if cfg.Deflate {
		dst = append(dst, "Sec-WebSocket-Extensions: "+deflateOffer+"\r\n"...)
	}
	return append(dst, "\r\n"...)
}

// feedWS parses the upgrade response, then server frames (an incremental
// reader: it consumes whole frames only and leaves a partial one for later).
func (c *client) feedWS(cn *conn, p []byte) int {
	used := 0
	if c.state == stUpgrading {
		i := bytes.Index(p, crlfcrlf)
		if i < 0 {
			if len(p) > 16<<10 {
				c.fail("upgrade: response too long")
			}
			return 0
		}
		if !bytes.HasPrefix(p, []byte("HTTP/1.1 101")) {
			line, _, _ := bytes.Cut(p, []byte("\r\n"))
			c.fail("upgrade refused: " + string(line))
			return 0
		}
		used = i + 4
		if c.l.s.cfg.Deflate {
			d, err := parseDeflateAnswer(p[:i])
			if err == nil && d == nil {
				err = errors.New("not accepted")
			}
			if err != nil {
				c.fail("permessage-deflate: " + err.Error())
				return used
			}
			c.def = d
		}
		if c.l.s.cfg.Raw {
			c.ready()
		} else {
			c.state = stOpening
		}
	}
parse:
	for c.state != stDone {
		q := p[used:]
		if len(q) < 2 {
			break
		}
		b0, b1 := q[0], q[1]
		n, h := uint64(b1&0x7f), 2
		switch n {
		case 126:
			if len(q) < 4 {
				break parse
			}
			n, h = uint64(binary.BigEndian.Uint16(q[2:])), 4
		case 127:
			if len(q) < 10 {
				break parse
			}
			n, h = binary.BigEndian.Uint64(q[2:]), 10
		}
		masked := b1&0x80 != 0
		if masked {
			h += 4
		}
		if n > maxFrame {
			c.fail("websocket frame too large")
			return used
		}
		if len(q) < h+int(n) {
			break
		}
		payload := q[h : h+int(n)]
		if masked {
			var key [4]byte
			copy(key[:], q[h-4:h])
			ws.Cipher(payload, key, 0)
		}
		used += h + int(n)
		c.onFrame(cn, b0&0x80 != 0, b0&0x40 != 0, ws.OpCode(b0&0x0f), payload)
	}
	if c.refill {
		// Pipelined echo: the acks of this read are answered by one write.
		c.refill = false
		c.fillWindow(nanotime())
	}
	return used
}

// onFrame handles one frame; rsv1 marks the first frame of a compressed
// message.
func (c *client) onFrame(cn *conn, fin, rsv1 bool, op ws.OpCode, p []byte) {
	if rsv1 && c.def == nil {
		c.fail("RSV1 set without permessage-deflate")
		return
	}
	switch op {
	case ws.OpContinuation:
		if c.frag == nil {
			return // the rest of a binary message
		}
		c.frag = append(c.frag, p...)
		if fin {
			c.message(c.frag, c.fragZ)
			c.frag = nil
		}
	case ws.OpText:
		if fin {
			c.message(p, rsv1)
		} else {
			c.frag = append(make([]byte, 0, 2*len(p)), p...)
			c.fragZ = rsv1
		}
	case ws.OpPing:
		f := frames.AppendMaskedFrame(c.l.frame[:0], frames.OpPong, true, c.l.rand32(), p)
		c.l.frame = f
		c.l.write(cn, f)
	case ws.OpClose:
		f := frames.AppendMaskedFrame(c.l.frame[:0], frames.OpClose, true, c.l.rand32(), nil)
		c.l.frame = f
		c.l.write(cn, f)
		c.fail("websocket close")
	}
}

// message handles one whole text message, inflating it first when it is
// compressed.
func (c *client) message(p []byte, compressed bool) {
	if compressed {
		var err error
		if p, err = c.l.inflate(c.def, p); err != nil {
			c.fail("inflate: " + err.Error())
			return
		}
		c.l.st.inflated.Add(1)
	}
	c.text(p)
}

func (c *client) text(p []byte) {
	if c.l.s.cfg.Raw {
		c.onRaw(p)
	} else {
		c.onEIO(p)
	}
}

// sendFrame sends pkt as one masked text frame.
func (c *client) sendFrame(pkt []byte) {
	if c.ws == nil {
		return
	}
	f := c.appendText(c.l.frame[:0], pkt)
	c.l.frame = f
	c.l.write(c.ws, f)
}

// appendText appends pkt to dst as one masked text frame, compressed (RSV1)
// when permessage-deflate is on and pkt reaches the threshold. pkt must not
// be the loop's frame scratch.
func (c *client) appendText(dst, pkt []byte) []byte {
	if c.def != nil && len(pkt) >= c.l.s.cfg.DeflateThreshold {
		if z, ok := c.l.deflate(c.def, pkt); ok {
			at := len(dst)
			dst = frames.AppendMaskedFrame(dst, frames.OpText, true, c.l.rand32(), z)
			dst[at] |= 0x40 // RSV1: compressed
			c.l.st.deflated.Add(1)
			return dst
		}
	}
	return frames.AppendMaskedFrame(dst, frames.OpText, true, c.l.rand32(), pkt)
}
