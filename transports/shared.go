package transports

import (
	"sync/atomic"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
)

// Shared is one message sent to many sessions (a broadcast). It is encoded
// once when it is made: the websocket frame is written as it is by every
// websocket session, and polling sessions queue the message's bytes without
// copying them. A text message's frame is the same for Engine.IO v3 and
// v4; a binary message's is v4's (v3 puts the packet type in front: a v3
// session frames it itself, as Send does). Its bytes must not change once
// it is made.
type Shared struct {
	data  []byte
	frame []byte // "4" + data in one unmasked text frame, or data in one binary frame

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

// NewSharedBinary prepares data, a binary message (a packet of a binary
// Socket.IO parser), for SendShared; it copies data.
func NewSharedBinary(data []byte) *Shared {
	f := make([]byte, 0, frames.FrameHeaderLen(len(data))+len(data))
	f = frames.AppendFrameHeader(f, frames.OpBinary, true, len(data))
	f = append(f, data...)
	return &Shared{data: f[len(f)-len(data):], frame: f}
}

// Data is the message.
func (m *Shared) Data() []byte { return m.data }

// Binary reports whether the message is binary: its frame's opcode says.
func (m *Shared) Binary() bool { return frames.OpCode(m.frame[0]&0x0f) == frames.OpBinary }

// SendShared sends m like Send(m.Data(), m.Binary()), without encoding or
// copying it for this session: compressed with permessage-deflate once for
// every session that takes it, and queued by reference when the client
// does not keep up (outbox.go, or the polling queue). On the home loop
// only.
func (s *Session) SendShared(m *Shared) SendResult { return s.sendShared(m, true) }

// SendSharedUncompressed is SendShared for a message never compressed (see
// SendUncompressed).
func (s *Session) SendSharedUncompressed(m *Shared) SendResult { return s.sendShared(m, false) }

func (s *Session) sendShared(m *Shared, compress bool) SendResult {
	if s.eio.Closed() {
		return SendClosed
	}
	s.srv.countOut(s.Loop(), len(m.data))
	binary := m.Binary()
	if c := s.ws; c != nil {
		if binary && s.Version() < 4 {
			return sendResult(s.writeWSFrame(c, engineio.Message, true, compress, nil, m.data))
		}
		f := s.srv.sharedFrame(s.Loop(), c, m, compress)
		ok := true
		if c.loop() == s.Loop() {
			ok = c.write(f, true)
		} else {
			c.srv.loops.Post(c.loop(), func() { c.write(f, true) })
		}
		if !ok && c == s.ws {
			s.end(ReasonSlowConsumer)
		}
		return sendResult(ok)
	}
	return s.queuePacket(engineio.Packet{Type: engineio.Message, Data: m.data, Binary: binary, NoCompress: !compress})
}
