package frames

import (
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// deflateTail ends the compressed data of every message: the empty stored
// block a sync flush writes, which RFC 7692 (section 7.2.1) has the sender
// remove and the receiver add back.
var deflateTail = [4]byte{0x00, 0x00, 0xff, 0xff}

// Deflater compresses messages for permessage-deflate, each on its own (no
// context takeover), so that one Deflater can serve every connection of an
// event loop: it keeps nothing of a message once it is done. It holds a
// compress/flate writer, a few hundred KiB depending on the level. A
// Deflater is not safe for concurrent use.
type Deflater struct {
	w   *flate.Writer
	out appendWriter
}

// appendWriter appends what is written to b.
type appendWriter struct{ b []byte }

func (a *appendWriter) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// NewDeflater returns a Deflater compressing at level, as compress/flate's
// levels (flate.BestSpeed to flate.BestCompression, or
// flate.DefaultCompression).
func NewDeflater(level int) (*Deflater, error) {
	z := new(Deflater)
	w, err := flate.NewWriter(&z.out, level)
	if err != nil {
		return nil, fmt.Errorf("frames: deflater: %w", err)
	}
	z.w = w
	return z, nil
}

// Begin starts a message whose compressed bytes are appended to dst.
func (z *Deflater) Begin(dst []byte) {
	z.out.b = dst
	z.w.Reset(&z.out)
}

// Write adds p to the message begun.
func (z *Deflater) Write(p []byte) {
	z.w.Write(p) // writes to an appendWriter, which never fails
}

// Finish ends the message and returns dst with its compressed bytes,
// without the tail RFC 7692 removes. The Deflater keeps no reference to
// the result.
func (z *Deflater) Finish() []byte {
	z.w.Flush()
	b := z.out.b
	z.out.b = nil
	// A sync flush always ends with the tail.
	return b[:len(b)-len(deflateTail)]
}

// Inflater decompresses messages sent with permessage-deflate by a client
// that takes no context over from one message to the next
// (client_no_context_takeover), so that one Inflater can serve every
// connection of an event loop. It holds a compress/flate reader (about
// 40 KiB, its window included) and the buffer of the last message. It is
// not safe for concurrent use.
type Inflater struct {
	r   io.ReadCloser // a flate reader, reset for each message
	src tailReader
	buf []byte
}

// tailReader reads p, then the tail.
type tailReader struct {
	p    []byte
	tail int // bytes of deflateTail already read
}

func (t *tailReader) Read(b []byte) (int, error) {
	if len(t.p) > 0 {
		n := copy(b, t.p)
		t.p = t.p[n:]
		return n, nil
	}
	if t.tail == len(deflateTail) {
		return 0, io.EOF
	}
	n := copy(b, deflateTail[t.tail:])
	t.tail += n
	return n, nil
}

// ReadByte lets the flate reader use t as it is instead of wrapping it in a
// bufio.Reader, which it would allocate for every message.
func (t *tailReader) ReadByte() (byte, error) {
	var b [1]byte
	if n, err := t.Read(b[:]); n == 0 {
		return 0, err
	}
	return b[0], nil
}

// Inflate returns m with its payload decompressed when it is a compressed
// message (m.Compressed), else m as it is. The payload is then the
// Inflater's buffer, valid until the next call. At most max bytes are
// produced (0: no limit): a message that would inflate beyond is a
// *CloseError with code 1009 (StatusMessageTooBig), found before more than
// max+1 bytes are held. Data that does not decompress is a *CloseError
// with code 1007 (StatusInvalidFramePayloadData), and so is a text message
// that does not decompress to UTF-8.
func (f *Inflater) Inflate(m Message, max int) (Message, error) {
	if !m.Compressed {
		return m, nil
	}
	f.src = tailReader{p: m.Payload}
	if f.r == nil {
		f.r = flate.NewReader(&f.src)
	} else if err := f.r.(flate.Resetter).Reset(&f.src, nil); err != nil {
		return Message{}, fmt.Errorf("frames: inflater reset: %w", err)
	}
	out, err := readBounded(f.r, f.buf[:0], max)
	if cap(out) <= 1<<20 {
		f.buf = out[:0] // keep a moderate buffer for the next message
	}
	if err != nil {
		return Message{}, err
	}
	if m.Op == OpText && !utf8.Valid(out) {
		return Message{}, invalidText()
	}
	m.Payload = out
	m.Compressed = false
	return m, nil
}

// readBounded appends what r yields to dst, up to limit bytes (0: no
// limit), growing dst by steps that never take it past limit+1 bytes.
func readBounded(r io.Reader, dst []byte, limit int) ([]byte, error) {
	for {
		if len(dst) == cap(dst) {
			grow := max(512, cap(dst))
			if limit > 0 {
				grow = min(grow, limit+1-len(dst))
			}
			nb := make([]byte, len(dst), len(dst)+grow)
			copy(nb, dst)
			dst = nb
		}
		room := dst[len(dst):cap(dst)]
		if limit > 0 && len(room) > limit+1-len(dst) {
			room = room[:limit+1-len(dst)]
		}
		n, err := r.Read(room)
		dst = dst[:len(dst)+n]
		if limit > 0 && len(dst) > limit {
			return dst, tooBig()
		}
		switch {
		case err == nil:
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			// The end of the data: after the tail's empty stored block, or
			// after a final block.
			return dst, nil
		default:
			return dst, &CloseError{Code: StatusInvalidFramePayloadData, Reason: "invalid compressed data"}
		}
	}
}
