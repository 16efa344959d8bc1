package msgpack

import (
	"encoding/binary"
	"math"
)

// Writer appends msgpack values to a byte slice, choosing each header as
// notepack.io does: the smallest form that holds the value. The zero Writer is
// ready to use; it allocates only when its buffer grows.
type Writer struct {
	buf []byte
	// safeInts: numbers as @msgpack/msgpack writes them (NewSafeIntWriter).
	safeInts bool
}

// NewWriter returns a Writer that appends to buf.
func NewWriter(buf []byte) Writer { return Writer{buf: buf} }

// NewSafeIntWriter returns a Writer that appends to buf and writes numbers
// as @msgpack/msgpack (the Redis streams adapter's library) does: an
// integer outside JavaScript's safe range (beyond ±(2^53−1)) is a float64,
// where notepack.io writes a 64-bit integer. Everything else is the same.
func NewSafeIntWriter(buf []byte) Writer { return Writer{buf: buf, safeInts: true} }

// Bytes returns everything written so far.
func (w *Writer) Bytes() []byte { return w.buf }

// Reset makes the Writer append to buf from now on.
func (w *Writer) Reset(buf []byte) { w.buf = buf }

// MapHeader starts a map of n key/value pairs.
func (w *Writer) MapHeader(n int) { w.buf = appendContainerHeader(w.buf, 0x80, 0xde, n) }

// ArrayHeader starts an array of n elements.
func (w *Writer) ArrayHeader(n int) { w.buf = appendContainerHeader(w.buf, 0x90, 0xdc, n) }

// String writes s as a str, which must be valid UTF-8 for Node to read it
// back unchanged.
func (w *Writer) String(s string) {
	w.buf = appendStrHeader(w.buf, len(s))
	w.buf = append(w.buf, s...)
}

// StringBytes writes b as a str.
func (w *Writer) StringBytes(b []byte) {
	w.buf = appendStrHeader(w.buf, len(b))
	w.buf = append(w.buf, b...)
}

// Bin writes b as a bin, the form of a Node Buffer.
func (w *Writer) Bin(b []byte) {
	w.buf = appendBin(w.buf, b)
}

// Int writes i in the smallest int form; non-negative values use the unsigned
// forms, as notepack.io does.
func (w *Writer) Int(i int64) { w.buf = appendInt(w.buf, i) }

// Uint writes u in the smallest unsigned form.
func (w *Writer) Uint(u uint64) { w.buf = appendUint(w.buf, u) }

// Float64 writes f as a float64, whatever its value.
func (w *Writer) Float64(f float64) { w.buf = appendFloat64(w.buf, f) }

// Number writes f as notepack.io writes a JavaScript number: an integral
// value as an int (wrapped modulo 2^64 beyond the 64-bit range, as notepack
// does), anything else, infinities included, as a float64.
func (w *Writer) Number(f float64) { w.buf = appendJSNumberValue(w.buf, f, w.safeInts) }

// Bool writes true or false.
func (w *Writer) Bool(b bool) {
	if b {
		w.buf = append(w.buf, 0xc3)
	} else {
		w.buf = append(w.buf, 0xc2)
	}
}

// Nil writes nil, the form of null and undefined.
func (w *Writer) Nil() { w.buf = append(w.buf, 0xc0) }

// Raw appends b, which must be one or more complete msgpack values.
func (w *Writer) Raw(b []byte) { w.buf = append(w.buf, b...) }

func appendContainerHeader(b []byte, fix, code16 byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, fix|byte(n))
	case n < 1<<16:
		return append(b, code16, byte(n>>8), byte(n))
	default:
		return binary.BigEndian.AppendUint32(append(b, code16+1), uint32(n))
	}
}

func appendStrHeader(b []byte, n int) []byte {
	switch {
	case n < 32:
		return append(b, 0xa0|byte(n))
	case n < 1<<8:
		return append(b, 0xd9, byte(n))
	case n < 1<<16:
		return append(b, 0xda, byte(n>>8), byte(n))
	default:
		return binary.BigEndian.AppendUint32(append(b, 0xdb), uint32(n))
	}
}

// strHeaderLen is the size of the str header appendStrHeader writes for n.
func strHeaderLen(n int) int {
	switch {
	case n < 32:
		return 1
	case n < 1<<8:
		return 2
	case n < 1<<16:
		return 3
	default:
		return 5
	}
}

func appendBin(b, data []byte) []byte {
	n := len(data)
	switch {
	case n < 1<<8:
		b = append(b, 0xc4, byte(n))
	case n < 1<<16:
		b = append(b, 0xc5, byte(n>>8), byte(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xc6), uint32(n))
	}
	return append(b, data...)
}

func appendUint(b []byte, u uint64) []byte {
	switch {
	case u < 0x80:
		return append(b, byte(u))
	case u < 1<<8:
		return append(b, 0xcc, byte(u))
	case u < 1<<16:
		return append(b, 0xcd, byte(u>>8), byte(u))
	case u < 1<<32:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(u))
	default:
		return binary.BigEndian.AppendUint64(append(b, 0xcf), u)
	}
}

func appendInt(b []byte, i int64) []byte {
	switch {
	case i >= 0:
		return appendUint(b, uint64(i))
	case i >= -32:
		return append(b, byte(i))
	case i >= math.MinInt8:
		return append(b, 0xd0, byte(i))
	case i >= math.MinInt16:
		return append(b, 0xd1, byte(i>>8), byte(i))
	case i >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(i))
	default:
		return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(i))
	}
}

func appendFloat64(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(f))
}

const two64 = 1 << 64

// maxSafeInt is JavaScript's Number.MAX_SAFE_INTEGER, 2^53−1.
const maxSafeInt = 1<<53 - 1

// appendJSNumberValue writes a JavaScript number: as notepack.io does, or,
// with safeInts, as @msgpack/msgpack does (integers beyond the safe range
// as float64).
func appendJSNumberValue(b []byte, f float64, safeInts bool) []byte {
	if safeInts && f == math.Floor(f) && math.Abs(f) > maxSafeInt {
		return appendFloat64(b, f)
	}
	return appendNumber(b, f)
}

func appendNumber(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) || f != math.Floor(f) {
		return appendFloat64(b, f)
	}
	switch {
	case f >= 0 && f < 1<<63:
		return appendUint(b, uint64(f)) // -0 lands here and is written as 0
	case f >= math.MinInt64 && f < 0:
		return appendInt(b, int64(f))
	case f > 0:
		// notepack writes the low 64 bits of the integer: f mod 2^64, exact.
		return binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(math.Mod(f, two64)))
	default:
		return binary.BigEndian.AppendUint64(append(b, 0xd3), -uint64(math.Mod(-f, two64)))
	}
}
