package frames

import (
	"github.com/gobwas/ws"
)

// Message is what [Decoder.Next] decodes from one frame.
type Message struct {
	// Op is OpText, OpBinary, OpClose, OpPing or OpPong. OpContinuation (0)
	// means that a fragment of a message was consumed and there is nothing
	// to deliver yet.
	Op OpCode

	// Payload is the unmasked payload. For a message sent in a single frame
	// and for control frames it is a view into the input, unmasked in place.
	// For a message reassembled from fragments it is the decoder's buffer,
	// valid until the next call to Next.
	Payload []byte

	// CloseCode is, for OpClose, the code the peer sent, or
	// StatusNoStatusRcvd (1005) when the close payload is empty.
	CloseCode StatusCode

	// CloseReason is, for OpClose, the reason the peer sent: a view into
	// Payload.
	CloseReason []byte

	// Compressed reports a data message sent with permessage-deflate (RSV1
	// set on its first frame): Payload is compressed, and a text message's
	// UTF-8 is checked once it is inflated (see Inflater.Inflate).
	Compressed bool
}

// Decoder decodes the frames a client sends to a server and reassembles
// fragmented messages. The zero value is ready to use as a server decoder
// without a size limit. A Decoder is not safe for concurrent use.
type Decoder struct {
	// MaxMessageSize limits the size of a whole data message, reassembled
	// from all its fragments; 0 means no limit. A message over the limit is
	// a *CloseError with code 1009 (StatusMessageTooBig), reported as
	// soon as a frame header announces a length that would exceed it.
	MaxMessageSize int

	// AllowUnmasked accepts unmasked frames. A server must leave it false:
	// RFC 6455 requires clients to mask every frame, and an unmasked one is
	// a protocol error (1002).
	AllowUnmasked bool

	// Deflate accepts RSV1 on the first frame of a data message: the
	// connection agreed on permessage-deflate (RFC 7692), and such a
	// message is compressed. Without it, RSV1 is a protocol error.
	Deflate bool

	op         OpCode // opcode of the fragmented message in progress, 0 if none
	compressed bool   // the message in progress is compressed
	buf        []byte // fragments received so far
	valid      int    // length of the prefix of buf checked to be UTF-8 text
}

// Next decodes the frame at the start of p and returns the number of bytes
// it used; the caller discards them before the next call. p must be
// writable: payloads are unmasked in place.
//
// It returns ErrNeedMore, with n == 0, when p does not hold a complete frame.
// A header that announces a data message over MaxMessageSize fails at once,
// before the payload arrives.
//
// Any other error is a [*CloseError]: the peer broke the protocol and the
// connection must be closed with the error's code; n is then 0 and the
// decoder must not be used again before Reset. The rules are:
//
//   - RSV bits set, reserved opcodes, unmasked
//     frames (unless AllowUnmasked), fragmented control frames and control
//     payloads over 125 bytes are protocol errors (1002); with Deflate,
//     RSV1 is allowed on the first frame of a data message, and marks it
//     compressed;
//   - so are a continuation frame with no message in progress and a new data
//     frame while one is in progress;
//   - a text message that is not valid UTF-8 fails with 1007; fragmented
//     text is checked as it arrives, so it fails at the first bad fragment
//     (compressed text is checked by the Inflater instead);
//   - a close payload of one byte, a close code that may not be sent (RFC
//     6455 section 7.4) or a reason that is not UTF-8 is a protocol error.
//
// Control frames may come between the fragments of a message: they are
// returned at once and the message carries on.
func (d *Decoder) Next(p []byte) (m Message, n int, err error) {
	h, err := d.parseHeader(p)
	if err != nil {
		return m, 0, err
	}
	n = h.size + h.length
	if len(p) < n {
		return m, 0, ErrNeedMore
	}
	payload := p[h.size:n:n]
	if h.masked {
		ws.Cipher(payload, h.mask, 0)
	}

	switch {
	case h.op.IsControl():
		m = Message{Op: h.op, Payload: payload}
		if h.op == OpClose {
			m.CloseCode, m.CloseReason, err = parseClose(payload)
		}
	case h.op == OpContinuation:
		m, err = d.continueMessage(payload, h.fin)
	case h.fin:
		m = Message{Op: h.op, Payload: payload, Compressed: h.rsv1}
		if h.op == OpText && !h.rsv1 {
			if _, ok := validUTF8Prefix(payload, true); !ok {
				err = invalidText()
			}
		}
	default:
		d.op = h.op
		d.compressed = h.rsv1
		d.buf = d.buf[:0]
		d.valid = 0
		m, err = d.continueMessage(payload, false)
	}
	if err != nil {
		return Message{}, 0, err
	}
	return m, n, nil
}

// continueMessage adds a fragment to the message in progress and returns
// the message if fin ends it.
func (d *Decoder) continueMessage(payload []byte, fin bool) (Message, error) {
	d.buf = append(d.buf, payload...)
	if d.op == OpText && !d.compressed {
		k, ok := validUTF8Prefix(d.buf[d.valid:], fin)
		if !ok {
			return Message{}, invalidText()
		}
		d.valid += k
	}
	if !fin {
		return Message{}, nil
	}
	m := Message{Op: d.op, Payload: d.buf, Compressed: d.compressed}
	d.op, d.compressed = 0, false
	return m, nil
}

// InMessage reports whether a fragmented message is in progress. Between
// messages a Decoder holds nothing a connection needs, so one Decoder can
// serve all the connections of an event loop, a connection needing its own
// only while the fragments of a message arrive (see Detach).
func (d *Decoder) InMessage() bool { return d.op != 0 }

// Detach returns a new Decoder with d's settings and its message in
// progress, and leaves d without them (and without its buffer, which the
// new Decoder now owns).
func (d *Decoder) Detach() *Decoder {
	nd := *d
	d.op, d.compressed, d.buf, d.valid = 0, false, nil, 0
	return &nd
}

// Reset forgets any message in progress, so that the decoder can serve a new
// connection. The settings and the buffer's memory are kept.
func (d *Decoder) Reset() {
	d.op, d.compressed = 0, false
	d.buf = d.buf[:0]
	d.valid = 0
}

func invalidText() error {
	return &CloseError{Code: StatusInvalidFramePayloadData, Reason: "text message is not valid UTF-8"}
}
