package transports

import (
	"compress/flate"

	"github.com/tornadio/tornadio/engineio"
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/httpparse"
)

// DeflateConfig turns permessage-deflate (RFC 7692) on for the websocket
// transport of the Engine.IO road (the legacy road's websockets stay
// uncompressed).
//
// No connection keeps compression state: every message is compressed on
// its own by its loop's compressor, and clients are told to compress each
// of theirs on its own too (server_no_context_takeover and
// client_no_context_takeover are always answered), which the loop's one
// decompressor then inflates. What a loop holds for it is one compressor
// (0.8 to 1.2 MiB, by level) and one decompressor (about 40 KiB), made on
// first use, whatever the number of connections.
type DeflateConfig struct {
	// Threshold: messages smaller than this many bytes (the Engine.IO
	// packet, its type included) are sent uncompressed. 0 means 1024, as
	// Node's engine.io; a negative value compresses every message.
	Threshold int
	// Level is the compression level, as compress/flate's: 1
	// (flate.BestSpeed) to 9, -1 (flate.DefaultCompression) or -2
	// (flate.HuffmanOnly). 0 means flate.BestSpeed: every message is
	// compressed on its own, and the other levels clear 640 KiB of hash
	// tables before each one, which costs more than it gains on messages
	// of a few KiB.
	Level int
	// ServerMaxWindowBits, 8 to 15 (0 means 15), limits the window of the
	// server's messages, answered as server_max_window_bits; a client may
	// ask for a smaller one. compress/flate always uses a 32 KiB window, so
	// with a window of N < 15 bits only messages of at most 1<<N bytes are
	// compressed (a message compressed alone refers back no further than
	// its own start); longer ones go uncompressed.
	ServerMaxWindowBits int
	// ClientMaxWindowBits, 8 to 15, asks clients to limit the window of
	// their messages (client_max_window_bits); 0 asks nothing. An offer
	// without client_max_window_bits is then declined (RFC 7692 lets the
	// server ask only a client that offered it), as Node's ws does.
	ClientMaxWindowBits int
}

// defaultDeflateThreshold is engine.io's perMessageDeflate threshold.
const defaultDeflateThreshold = 1024

func (d *DeflateConfig) setDefaults() {
	if d.Threshold == 0 {
		d.Threshold = defaultDeflateThreshold
	}
	if d.Level == 0 {
		d.Level = flate.BestSpeed
	}
}

// deflateState is what a loop keeps for permessage-deflate (see
// loopState): made on the first use.
type deflateState struct {
	deflater  *frames.Deflater
	inflater  frames.Inflater
	inflating bool   // inflater's buffer is in use (a Feed within a Feed)
	out       []byte // the last compressed message
}

// negotiateDeflate looks for a permessage-deflate offer in the upgrade
// request r and, when the server agrees, records the agreement on c and
// appends the answer's header line to dst.
func (c *Conn) negotiateDeflate(dst []byte, r *httpparse.Request) []byte {
	cfg := c.srv.cfg.Deflate
	if cfg == nil {
		return dst
	}
	policy := frames.DeflatePolicy{ServerMaxWindowBits: cfg.ServerMaxWindowBits, ClientMaxWindowBits: cfg.ClientMaxWindowBits}
	for i := range r.Headers {
		h := &r.Headers[i]
		if !foldEqual(h.Name, "Sec-WebSocket-Extensions") {
			continue
		}
		if a, ok := frames.NegotiateDeflate(policy, h.Value); ok {
			c.deflate = uint8(a.ServerMaxWindowBits)
			return frames.AppendDeflateAnswer(dst, a)
		}
	}
	return dst
}

// compresses reports whether a message of n bytes goes compressed to c
// when the sender allows it.
func (c *Conn) compresses(n int) bool {
	if c.deflate == 0 || n < c.srv.cfg.Deflate.Threshold {
		return false
	}
	return c.deflate >= 15 || n <= 1<<c.deflate
}

// inflate decompresses m when it is compressed (see frames.Inflater),
// up to max bytes.
func (c *Conn) inflate(m frames.Message, max int) (frames.Message, error) {
	if !m.Compressed {
		return m, nil
	}
	ds := &c.srv.loopState[c.loop()].deflate
	if ds.inflating {
		// The loop's inflater holds a message being handled: this one,
		// rarer still, gets its own.
		var f frames.Inflater
		return f.Inflate(m, max)
	}
	return ds.inflater.Inflate(m, max)
}

// compress compresses the message made of head, prefix and data on loop,
// and returns its frame appended to dst; ok is false, and dst unchanged,
// when the compressed message would not be smaller.
func (srv *Server) compress(loop int, dst []byte, op frames.OpCode, head, prefix, data []byte) (b []byte, ok bool) {
	ds := &srv.loopState[loop].deflate
	if ds.deflater == nil {
		z, err := frames.NewDeflater(srv.cfg.Deflate.Level)
		if err != nil {
			return dst, false // the level was checked before: not reached
		}
		ds.deflater = z
	}
	ds.deflater.Begin(ds.out[:0])
	ds.deflater.Write(head)
	ds.deflater.Write(prefix)
	ds.deflater.Write(data)
	out := ds.deflater.Finish()
	if cap(out) <= 1<<20 {
		ds.out = out
	}
	n := len(head) + len(prefix) + len(data)
	if len(out) >= n {
		return dst, false
	}
	dst = frames.AppendCompressedFrameHeader(dst, op, len(out))
	return append(dst, out...), true
}

// appendWSFrame appends the frame of one packet for a session of Engine.IO
// version: compressed when compress allows it and c agreed to it.
func (srv *Server) appendWSFrame(loop int, dst []byte, c *Conn, version int, t engineio.PacketType, binary, compress bool, prefix, data []byte) []byte {
	var head []byte // the packet type, when the frame carries it
	op := frames.OpText
	switch {
	case binary && version < 4:
		head = oneByte(byte(t))
		op = frames.OpBinary
	case binary:
		op = frames.OpBinary
	default:
		head = oneByte('0' + byte(t))
	}
	n := len(head) + len(prefix) + len(data)
	if compress && c.compresses(n) {
		if b, ok := srv.compress(loop, dst, op, head, prefix, data); ok {
			return b
		}
	}
	dst = frames.AppendFrameHeader(dst, op, true, n)
	return append(append(append(dst, head...), prefix...), data...)
}

// byteValues holds every byte value, for oneByte.
var byteValues = func() (a [256]byte) {
	for i := range a {
		a[i] = byte(i)
	}
	return a
}()

// oneByte returns a one-byte slice holding b without allocating: the
// compressor keeps the slices it is given from the stack's reach.
func oneByte(b byte) []byte { return byteValues[b : int(b)+1] }

// sharedFrame is the frame of shared message m for c: the compressed one
// when c takes it (made on the first need, on loop, and kept with m for
// every other session), else the plain one.
func (srv *Server) sharedFrame(loop int, c *Conn, m *Shared, compress bool) []byte {
	n := len(m.frame) - frames.FrameHeaderLen(1+len(m.data))
	if !compress || !c.compresses(n) {
		return m.frame
	}
	if z := m.deflated.Load(); z != nil {
		if len(*z) == 0 {
			return m.frame // compression does not pay for m
		}
		return *z
	}
	b, ok := srv.compress(loop, nil, frames.OpText, m.frame[len(m.frame)-n:][:1], nil, m.data)
	if !ok {
		b = []byte{}
	}
	// Another loop may have made it meanwhile: both are the same bytes,
	// and the first one stays.
	m.deflated.CompareAndSwap(nil, &b)
	if len(b) == 0 {
		return m.frame
	}
	return b
}
