// Command raw is the ceiling of the benchmarks: gnet plus gobwas/ws with no
// Engine.IO or Socket.IO logic. It upgrades any HTTP request that asks for a
// websocket, then
//
//   - echoes every text or binary frame back to its sender, unchanged, and
//   - when the frame contains "broadcast", encodes it once and writes the
//     same bytes to every connection (the sender included) instead.
//
// Pings are answered with pongs, close frames with a close. The echoes of
// one read are written with one write. One event loop (the runner pins the
// process to one core), so every write is a direct Conn.Write on the loop. It prints the readiness line of
// bench/servers/internal/ready.
package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"flag"
	"log"
	"strings"

	"github.com/gobwas/ws"
	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/logging"

	"github.com/tornadio/tornadio/bench/servers/internal/ready"
)

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11D49"

type conn struct {
	upgraded bool
	idx      int // position in server.conns once upgraded
}

type server struct {
	gnet.BuiltinEventEngine
	addr  string
	eng   gnet.Engine
	conns []gnet.Conn
	frame []byte // the broadcast frame, reused
	out   []byte // echoes for the conn being served, written once per OnTraffic
}

func (s *server) OnBoot(e gnet.Engine) gnet.Action {
	s.eng = e
	ready.Report("raw", s.addr)
	return gnet.None
}

func (s *server) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	c.SetContext(&conn{idx: -1})
	return nil, gnet.None
}

func (s *server) OnClose(c gnet.Conn, _ error) gnet.Action {
	st, _ := c.Context().(*conn)
	if st != nil && st.idx >= 0 {
		last := len(s.conns) - 1
		moved := s.conns[last]
		s.conns[st.idx] = moved
		moved.Context().(*conn).idx = st.idx
		s.conns[last] = nil
		s.conns = s.conns[:last]
		st.idx = -1
	}
	return gnet.None
}

// OnTraffic serves every complete frame buffered, then writes the echoes
// with one write.
func (s *server) OnTraffic(c gnet.Conn) gnet.Action {
	s.out = s.out[:0]
	a := s.serve(c)
	if len(s.out) > 0 {
		_, _ = c.Write(s.out)
	}
	return a
}

func (s *server) serve(c gnet.Conn) gnet.Action {
	st := c.Context().(*conn)
	if !st.upgraded {
		buf, _ := c.Peek(-1)
		end := bytes.Index(buf, []byte("\r\n\r\n"))
		if end < 0 {
			if len(buf) > 16<<10 {
				return gnet.Close
			}
			return gnet.None
		}
		key := header(buf[:end], "sec-websocket-key")
		if key == "" {
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			return gnet.Close
		}
		h := sha1.Sum([]byte(key + wsGUID))
		resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
			base64.StdEncoding.EncodeToString(h[:]) + "\r\n\r\n"
		_, _ = c.Discard(end + 4)
		_, _ = c.Write([]byte(resp))
		st.upgraded = true
		st.idx = len(s.conns)
		s.conns = append(s.conns, c)
	}
	for {
		buf, _ := c.Peek(-1)
		if len(buf) < 2 {
			return gnet.None
		}
		op := ws.OpCode(buf[0] & 0x0f)
		masked := buf[1]&0x80 != 0
		n := int(buf[1] & 0x7f)
		hl := 2
		switch n {
		case 126:
			if len(buf) < 4 {
				return gnet.None
			}
			n = int(binary.BigEndian.Uint16(buf[2:]))
			hl = 4
		case 127:
			if len(buf) < 10 {
				return gnet.None
			}
			n = int(binary.BigEndian.Uint64(buf[2:]))
			hl = 10
		}
		if n > 16<<20 {
			return gnet.Close
		}
		var mask [4]byte
		if masked {
			if len(buf) < hl+4 {
				return gnet.None
			}
			copy(mask[:], buf[hl:hl+4])
			hl += 4
		}
		if len(buf) < hl+n {
			return gnet.None
		}
		payload := buf[hl : hl+n]
		if masked {
			ws.Cipher(payload, mask, 0)
		}
		switch op {
		case ws.OpText, ws.OpBinary, ws.OpContinuation:
			if bytes.Contains(payload, []byte("broadcast")) {
				s.frame = appendHeader(s.frame[:0], op, len(payload))
				s.frame = append(s.frame, payload...)
				for _, to := range s.conns {
					_, _ = to.Write(s.frame)
				}
			} else {
				s.out = appendHeader(s.out, op, len(payload))
				s.out = append(s.out, payload...)
			}
		case ws.OpPing:
			s.out = appendHeader(s.out, ws.OpPong, len(payload))
			s.out = append(s.out, payload...)
		case ws.OpClose:
			s.out = appendHeader(s.out, ws.OpClose, len(payload))
			s.out = append(s.out, payload...)
			_, _ = c.Discard(hl + n)
			return gnet.Close
		}
		_, _ = c.Discard(hl + n)
	}
}

// appendHeader appends an unmasked final frame header.
func appendHeader(b []byte, op ws.OpCode, n int) []byte {
	b = append(b, 0x80|byte(op))
	switch {
	case n < 126:
		return append(b, byte(n))
	case n <= 0xffff:
		return append(b, 126, byte(n>>8), byte(n))
	default:
		b = append(b, 127)
		return binary.BigEndian.AppendUint64(b, uint64(n))
	}
}

// header finds a request header's value (name in lower case).
func header(req []byte, name string) string {
	for _, line := range strings.Split(string(req), "\r\n")[1:] {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func main() {
	addr, parentPipe := ready.Flags()
	flag.Parse()
	// gnet cannot report the port it picked for :0, so pick one here.
	a, err := ready.FreePort(*addr)
	if err != nil {
		log.Fatal(err)
	}
	s := &server{addr: a}
	ready.ExitWith(*parentPipe, nil)
	err = gnet.Run(s, "tcp://"+a, gnet.WithNumEventLoop(1), gnet.WithReusePort(false), gnet.WithTCPNoDelay(gnet.TCPNoDelay), gnet.WithLogLevel(logging.ErrorLevel))
	if err != nil {
		log.Fatal(err)
	}
}
