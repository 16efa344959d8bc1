package msgpack

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Kind is the type of the next msgpack value.
type Kind uint8

// The kinds of msgpack values.
const (
	KindInvalid Kind = iota // 0xc1, never used
	KindNil
	KindBool
	KindInt   // positive or negative, any width
	KindFloat // float32 or float64
	KindString
	KindBin
	KindArray
	KindMap
	KindExt
)

var kindNames = [...]string{"invalid", "nil", "bool", "int", "float", "string", "bin", "array", "map", "ext"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Reader reads msgpack values from a byte slice. Byte slices it returns are
// views of that input. Every read checks lengths against the input first and
// leaves the Reader where it was on error.
type Reader struct {
	b   []byte
	off int
}

// NewReader returns a Reader over b.
func NewReader(b []byte) Reader { return Reader{b: b} }

// Reset makes the Reader read b from its start.
func (r *Reader) Reset(b []byte) { r.b, r.off = b, 0 }

// Len returns the number of unread bytes.
func (r *Reader) Len() int { return len(r.b) - r.off }

// Offset returns the number of bytes read.
func (r *Reader) Offset() int { return r.off }

func (r *Reader) errorf(what string, err error) error {
	return fmt.Errorf("msgpack: %s at offset %d: %w", what, r.off, err)
}

// PeekKind returns the kind of the next value without reading it.
func (r *Reader) PeekKind() (Kind, error) {
	if r.off >= len(r.b) {
		return KindInvalid, r.errorf("peeking", ErrShort)
	}
	return kindOf(r.b[r.off]), nil
}

func kindOf(c byte) Kind {
	switch {
	case c < 0x80 || c >= 0xe0:
		return KindInt
	case c < 0x90:
		return KindMap
	case c < 0xa0:
		return KindArray
	case c < 0xc0:
		return KindString
	}
	switch c {
	case 0xc0:
		return KindNil
	case 0xc2, 0xc3:
		return KindBool
	case 0xc4, 0xc5, 0xc6:
		return KindBin
	case 0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		return KindExt
	case 0xca, 0xcb:
		return KindFloat
	case 0xd9, 0xda, 0xdb:
		return KindString
	case 0xdc, 0xdd:
		return KindArray
	case 0xde, 0xdf:
		return KindMap
	case 0xc1:
		return KindInvalid
	}
	return KindInt // 0xcc-0xd3
}

// uintN reads an n-byte big-endian unsigned integer at off, or reports that
// the input is too short.
func (r *Reader) uintN(off, n int) (uint64, bool) {
	if off+n > len(r.b) || off < 0 {
		return 0, false
	}
	p := r.b[off : off+n]
	switch n {
	case 1:
		return uint64(p[0]), true
	case 2:
		return uint64(binary.BigEndian.Uint16(p)), true
	case 4:
		return uint64(binary.BigEndian.Uint32(p)), true
	default:
		return binary.BigEndian.Uint64(p), true
	}
}

// length reads a header of code byte plus an n-byte length and checks that
// the input holds at least length*unit more bytes.
func (r *Reader) length(n, unit int) (length, hdr int, ok bool) {
	v, ok := r.uintN(r.off+1, n)
	if !ok || v > uint64(len(r.b)-r.off-1-n)/uint64(unit) {
		return 0, 0, false
	}
	return int(v), 1 + n, true
}

// containerHeader reads an array (unit 1) or map (unit 2) header.
func (r *Reader) containerHeader(fix, code16 byte, unit int, kind string) (int, error) {
	if r.off >= len(r.b) {
		return 0, r.errorf("reading "+kind+" header", ErrShort)
	}
	c := r.b[r.off]
	var n, hdr int
	ok := true
	switch {
	case c&0xf0 == fix:
		n, hdr = int(c&0x0f), 1
		ok = n*unit <= len(r.b)-r.off-1
	case c == code16:
		n, hdr, ok = r.length(2, unit)
	case c == code16+1:
		n, hdr, ok = r.length(4, unit)
	default:
		return 0, r.errorf("reading "+kind+" header: found "+kindOf(c).String(), ErrType)
	}
	if !ok {
		return 0, r.errorf("reading "+kind+" header", ErrShort)
	}
	r.off += hdr
	return n, nil
}

// MapHeader reads a map header and returns its number of key/value pairs.
func (r *Reader) MapHeader() (int, error) { return r.containerHeader(0x80, 0xde, 2, "map") }

// ArrayHeader reads an array header and returns its number of elements.
func (r *Reader) ArrayHeader() (int, error) { return r.containerHeader(0x90, 0xdc, 1, "array") }

// StrBytes reads a str and returns its bytes, a view of the input.
func (r *Reader) StrBytes() ([]byte, error) {
	if r.off >= len(r.b) {
		return nil, r.errorf("reading string", ErrShort)
	}
	var n, hdr int
	ok := true
	switch c := r.b[r.off]; {
	case c&0xe0 == 0xa0:
		n, hdr = int(c&0x1f), 1
		ok = n <= len(r.b)-r.off-1
	case c == 0xd9:
		n, hdr, ok = r.length(1, 1)
	case c == 0xda:
		n, hdr, ok = r.length(2, 1)
	case c == 0xdb:
		n, hdr, ok = r.length(4, 1)
	default:
		return nil, r.errorf("reading string: found "+kindOf(c).String(), ErrType)
	}
	if !ok {
		return nil, r.errorf("reading string", ErrShort)
	}
	s := r.b[r.off+hdr : r.off+hdr+n]
	r.off += hdr + n
	return s, nil
}

// Str reads a str as a Go string (its bytes as they are).
func (r *Reader) Str() (string, error) {
	b, err := r.StrBytes()
	return string(b), err
}

// Bin reads a bin, or an ext of type 0 (notepack.io before 3.0 wrote
// ArrayBuffers so), and returns its bytes, a view of the input.
func (r *Reader) Bin() ([]byte, error) {
	if r.off >= len(r.b) {
		return nil, r.errorf("reading bin", ErrShort)
	}
	var n, hdr int
	ok := true
	switch c := r.b[r.off]; c {
	case 0xc4, 0xc5, 0xc6:
		n, hdr, ok = r.length(1<<(c-0xc4), 1)
	case 0xc7, 0xc8, 0xc9:
		w := 1 << (c - 0xc7)
		n, hdr, ok = r.length(w, 1)
		if ok && (hdr >= len(r.b)-r.off || r.b[r.off+hdr] != 0 || n > len(r.b)-r.off-hdr-1) {
			return nil, r.errorf("reading bin: found ext", ErrType)
		}
		hdr++
	default:
		return nil, r.errorf("reading bin: found "+kindOf(c).String(), ErrType)
	}
	if !ok {
		return nil, r.errorf("reading bin", ErrShort)
	}
	b := r.b[r.off+hdr : r.off+hdr+n]
	r.off += hdr + n
	return b, nil
}

// Bool reads true or false.
func (r *Reader) Bool() (bool, error) {
	if r.off >= len(r.b) {
		return false, r.errorf("reading bool", ErrShort)
	}
	switch r.b[r.off] {
	case 0xc2:
		r.off++
		return false, nil
	case 0xc3:
		r.off++
		return true, nil
	}
	return false, r.errorf("reading bool: found "+kindOf(r.b[r.off]).String(), ErrType)
}

// IsNil reports whether the next value is nil, without reading it.
func (r *Reader) IsNil() bool { return r.off < len(r.b) && r.b[r.off] == 0xc0 }

// Nil reads a nil.
func (r *Reader) Nil() error {
	if !r.IsNil() {
		k, err := r.PeekKind()
		if err != nil {
			return err
		}
		return r.errorf("reading nil: found "+k.String(), ErrType)
	}
	r.off++
	return nil
}

// number reads an int or float of any width as a float64 (as JavaScript
// holds it: 64-bit integers round to the nearest float64), reporting whether
// it was an int, and for ints its exact value in i or u.
func (r *Reader) number() (f float64, i int64, u uint64, isInt, isUint bool, err error) {
	if r.off >= len(r.b) {
		return 0, 0, 0, false, false, r.errorf("reading number", ErrShort)
	}
	c := r.b[r.off]
	switch {
	case c < 0x80:
		r.off++
		return float64(c), int64(c), 0, true, false, nil
	case c >= 0xe0:
		r.off++
		v := int64(int8(c))
		return float64(v), v, 0, true, false, nil
	}
	var n int
	switch c {
	case 0xca, 0xce, 0xd2:
		n = 4
	case 0xcb, 0xcf, 0xd3:
		n = 8
	case 0xcc, 0xd0:
		n = 1
	case 0xcd, 0xd1:
		n = 2
	default:
		return 0, 0, 0, false, false, r.errorf("reading number: found "+kindOf(c).String(), ErrType)
	}
	v, ok := r.uintN(r.off+1, n)
	if !ok {
		return 0, 0, 0, false, false, r.errorf("reading number", ErrShort)
	}
	r.off += 1 + n
	switch c {
	case 0xca:
		return float64(math.Float32frombits(uint32(v))), 0, 0, false, false, nil
	case 0xcb:
		return math.Float64frombits(v), 0, 0, false, false, nil
	case 0xcc, 0xcd, 0xce, 0xcf:
		return float64(v), 0, v, true, true, nil
	}
	shift := 64 - 8*n // sign-extend the n-byte value
	s := int64(v<<shift) >> shift
	return float64(s), s, 0, true, false, nil
}

// Int reads a number as an int64. Node writes integral fields such as type,
// timeout and clientCount as ints, but any JavaScript number may arrive: a
// float is truncated toward zero; NaN, infinities and values beyond int64
// are errors.
func (r *Reader) Int() (int64, error) {
	start := r.off
	f, i, u, isInt, isUint, err := r.number()
	switch {
	case err != nil:
		return 0, err
	case isUint && u > math.MaxInt64:
	case isUint:
		return int64(u), nil
	case isInt:
		return i, nil
	case f > -1<<63 && f < 1<<63:
		return int64(f), nil
	}
	r.off = start
	return 0, r.errorf("reading int: out of range", ErrType)
}

// Float64 reads a number of any msgpack form as a float64.
func (r *Reader) Float64() (float64, error) {
	f, _, _, _, _, err := r.number()
	return f, err
}
