package frames

import (
	"encoding/binary"
	"slices"

	"github.com/gobwas/ws"
)

// Bits of the first two header bytes (RFC 6455 section 5.2).
const (
	bitFin  = 0x80
	bitsRsv = 0x70
	bitRsv1 = 0x40
	maskOp  = 0x0f
	bitMask = 0x80
	maskLen = 0x7f
)

// Payload length encodings: up to len7Max the length fits in the second
// header byte; up to len16Max it follows as 16 bits (marker 126); beyond, as
// 64 bits (marker 127).
const (
	len7Max   = 125
	len16Max  = 0xffff
	len16Mark = 126
	len64Mark = 127
)

// FrameHeaderLen returns the size of an unmasked frame header for a payload of
// the given length: 2, 4 or 10 bytes. A masked header is 4 bytes longer.
func FrameHeaderLen(length int) int {
	switch {
	case length <= len7Max:
		return 2
	case length <= len16Max:
		return 4
	default:
		return 10
	}
}

// AppendFrameHeader appends an unmasked frame header with the given opcode,
// FIN bit and payload length; the caller appends the payload. It panics if
// length is negative.
func AppendFrameHeader(dst []byte, op OpCode, fin bool, length int) []byte {
	return appendHeader(dst, op, fin, false, length)
}

// AppendCompressedFrameHeader appends the header of a single final,
// unmasked frame carrying a message compressed with permessage-deflate
// (RSV1 set); the caller appends the compressed payload (see Deflater).
func AppendCompressedFrameHeader(dst []byte, op OpCode, length int) []byte {
	dst = appendHeader(dst, op, true, false, length)
	dst[len(dst)-FrameHeaderLen(length)] |= bitRsv1
	return dst
}

// AppendFrame appends a single final, unmasked frame carrying payload.
func AppendFrame(dst []byte, op OpCode, payload []byte) []byte {
	dst = slices.Grow(dst, FrameHeaderLen(len(payload))+len(payload))
	dst = appendHeader(dst, op, true, false, len(payload))
	return append(dst, payload...)
}

// AppendMaskedFrame appends a frame masked with mask, as a client sends
// them. The payload is copied, not modified.
func AppendMaskedFrame(dst []byte, op OpCode, fin bool, mask [4]byte, payload []byte) []byte {
	dst = slices.Grow(dst, FrameHeaderLen(len(payload))+len(mask)+len(payload))
	dst = appendHeader(dst, op, fin, true, len(payload))
	dst = append(dst, mask[:]...)
	start := len(dst)
	dst = append(dst, payload...)
	ws.Cipher(dst[start:], mask, 0)
	return dst
}

// appendHeader appends the header up to, not including, the masking key.
func appendHeader(dst []byte, op OpCode, fin, masked bool, length int) []byte {
	if length < 0 {
		panic("frames: negative payload length")
	}
	b0 := byte(op) & maskOp
	if fin {
		b0 |= bitFin
	}
	var b1 byte
	if masked {
		b1 = bitMask
	}
	switch {
	case length <= len7Max:
		return append(dst, b0, b1|byte(length))
	case length <= len16Max:
		dst = append(dst, b0, b1|len16Mark)
		return binary.BigEndian.AppendUint16(dst, uint16(length))
	default:
		dst = append(dst, b0, b1|len64Mark)
		return binary.BigEndian.AppendUint64(dst, uint64(length))
	}
}
