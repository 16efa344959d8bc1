package transports

import (
	"sync/atomic"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
)

// Shared is one text message sent to many sessions (a broadcast). It is
// encoded once per wire variant when it is made: the websocket frame, the
// same for Engine.IO v3 and v4, is written as it is by every websocket
// session, and polling sessions queue the message's bytes without copying
// them. Its bytes must not change once it is made.
type Shared struct {
	data  []byte
	frame []byte // "4" + data in one unmasked text frame

	// deflated is the frame compressed with permessage-deflate, made by
	// the first loop that needs it (deflate.go); empty when compression
	// does not pay.
	deflated atomic.Pointer[[]byte]
}

// NewShared prepares data (a Socket.IO packet, text) for SendShared; it
// copies data.
func NewShared(data []byte) *Shared {
	n := 1 + len(data)
	f := make([]byte, 0, frames.FrameHeaderLen(n)+n)
	f = frames.AppendFrameHeader(f, frames.OpText, true, n)
	f = append(f, '0'+byte(engineio.Message))
	f = append(f, data...)
	// data is kept as the frame's tail: one copy of the bytes in memory.
	return &Shared{data: f[len(f)-len(data):], frame: f}
}

// Data is the message.
func (m *Shared) Data() []byte { return m.data }

// SendShared sends m like Send(m.Data(), false), without encoding or
// copying it for this session: compressed with permessage-deflate once for
// every session that takes it. On the home loop only.
func (s *Session) SendShared(m *Shared) { s.sendShared(m, true) }

// SendSharedUncompressed is SendShared for a message never compressed (see
// SendUncompressed).
func (s *Session) SendSharedUncompressed(m *Shared) { s.sendShared(m, false) }

func (s *Session) sendShared(m *Shared, compress bool) {
	if s.eio.Closed() {
		return
	}
	if c := s.ws; c != nil {
		f := s.srv.sharedFrame(s.Loop(), c, m, compress)
		ok := true
		if c.loop() == s.Loop() {
			ok = c.write(f)
		} else {
			c.srv.loops.Post(c.loop(), func() { c.write(f) })
		}
		if !ok && c == s.ws {
			s.end(ReasonSlowConsumer)
		}
		return
	}
	s.queuePacket(engineio.Packet{Type: engineio.Message, Data: m.data})
}
