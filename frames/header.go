package frames

import (
	"encoding/binary"
	"math"

	"github.com/gobwas/ws"
)

// OpCode is a frame opcode: ws.OpContinuation, ws.OpText, ws.OpBinary,
// ws.OpClose, ws.OpPing or ws.OpPong.
type OpCode = ws.OpCode

// The opcodes, re-exported so that users need not import ws.
const (
	OpContinuation = ws.OpContinuation
	OpText         = ws.OpText
	OpBinary       = ws.OpBinary
	OpClose        = ws.OpClose
	OpPing         = ws.OpPing
	OpPong         = ws.OpPong
)

// header is a parsed frame header.
type header struct {
	fin    bool
	rsv1   bool // permessage-deflate: a compressed message (Decoder.Deflate)
	op     OpCode
	masked bool
	mask   [4]byte
	size   int // header length in bytes, masking key included
	length int // payload length
}

// parseHeader parses and checks the frame header at the start of p against
// the decoder's state. Each rule is checked as soon as the bytes it needs are
// there, so a bad header fails on the first bytes that show it, and a length
// over the limit fails before the payload arrives. It returns ErrNeedMore if
// p holds no complete header.
//
// Lengths encoded with more bytes than needed are accepted for data frames;
// a control frame with a 16- or 64-bit length marker is refused at once as
// over 125 bytes.
func (d *Decoder) parseHeader(p []byte) (h header, err error) {
	if len(p) < 1 {
		return h, ErrNeedMore
	}
	b0 := p[0]
	h.fin = b0&bitFin != 0
	h.op = OpCode(b0 & maskOp)
	h.rsv1 = b0&bitRsv1 != 0
	if b0&(bitsRsv&^bitRsv1) != 0 {
		return h, protocolError("reserved bits set")
	}
	if h.rsv1 && (!d.Deflate || h.op.IsControl() || h.op == OpContinuation) {
		// RFC 7692 section 6: RSV1 marks the first frame of a compressed
		// data message, and nothing else.
		return h, protocolError("reserved bits set")
	}
	switch {
	case h.op.IsReserved():
		return h, protocolError("reserved opcode")
	case h.op.IsControl():
		if !h.fin {
			return h, protocolError("fragmented control frame")
		}
	case h.op == OpContinuation:
		if d.op == 0 {
			return h, protocolError("continuation frame without a message in progress")
		}
	default:
		if d.op != 0 {
			return h, protocolError("new data frame while a fragmented message is in progress")
		}
	}

	if len(p) < 2 {
		return h, ErrNeedMore
	}
	b1 := p[1]
	h.masked = b1&bitMask != 0
	if !h.masked && !d.AllowUnmasked {
		return h, protocolError("unmasked client frame")
	}
	len7 := int(b1 & maskLen)
	if h.op.IsControl() && len7 > ws.MaxControlFramePayloadSize {
		return h, protocolError("control frame payload over 125 bytes")
	}

	var length uint64
	switch len7 {
	case len16Mark:
		h.size = 4
		if len(p) < h.size {
			return h, ErrNeedMore
		}
		length = uint64(binary.BigEndian.Uint16(p[2:]))
	case len64Mark:
		h.size = 10
		if len(p) < h.size {
			return h, ErrNeedMore
		}
		length = binary.BigEndian.Uint64(p[2:])
		if length > math.MaxInt64 {
			return h, protocolError("payload length with the most significant bit set")
		}
	default:
		h.size = 2
		length = uint64(len7)
	}
	if h.masked {
		h.size += 4
	}
	if err := d.checkLength(h.op, length, h.size); err != nil {
		return h, err
	}
	h.length = int(length)

	if len(p) < h.size {
		return h, ErrNeedMore
	}
	if h.masked {
		copy(h.mask[:], p[h.size-4:h.size])
	}
	return h, nil
}

// checkLength enforces MaxMessageSize on a data frame of the given payload
// length, counting what is already buffered for a fragmented message, and
// makes sure the frame can be addressed at all.
func (d *Decoder) checkLength(op OpCode, length uint64, hsize int) error {
	if length > uint64(math.MaxInt-hsize) {
		return tooBig()
	}
	if op.IsControl() || d.MaxMessageSize <= 0 {
		return nil
	}
	have := 0
	if op == OpContinuation {
		have = len(d.buf)
	}
	if length > uint64(d.MaxMessageSize-min(have, d.MaxMessageSize)) {
		return tooBig()
	}
	return nil
}

func tooBig() error {
	return &CloseError{Code: StatusMessageTooBig, Reason: "message too big"}
}
