package httpparse

import "encoding/binary"

// Scanners that skip runs of valid bytes eight at a time (SWAR), falling
// back to the byte tables for the eight bytes that hold the first suspect.

const (
	ones = 0x0101010101010101
	high = 0x8080808080808080
)

// hasLess reports whether some byte of x is below n (n <= 0x80).
func hasLess(x, n uint64) bool { return (x-ones*n)&^x&high != 0 }

// hasByte reports whether some byte of x equals c.
func hasByte(x, c uint64) bool { return hasLess(x^(ones*c), 1) }

// scanValue returns the offset of the first byte at or after pos that is
// not a field-value byte (HTAB, SP, VCHAR, obs-text), or len(b).
func scanValue(b []byte, pos int) int {
	for {
		for pos+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[pos:])
			if hasLess(x, 0x20) || hasByte(x, 0x7f) {
				break
			}
			pos += 8
		}
		end := min(pos+8, len(b))
		for ; pos < end; pos++ {
			if !valueChar[b[pos]] {
				return pos
			}
		}
		if pos >= len(b) {
			return pos
		}
	}
}

// scanVisible returns the offset of the first byte at or after pos that is
// not VCHAR (0x21-0x7e), or len(b).
func scanVisible(b []byte, pos int) int {
	for {
		for pos+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[pos:])
			if hasLess(x, 0x21) || x&high != 0 || hasByte(x, 0x7f) {
				break
			}
			pos += 8
		}
		end := min(pos+8, len(b))
		for ; pos < end; pos++ {
			if !visibleChar[b[pos]] {
				return pos
			}
		}
		if pos >= len(b) {
			return pos
		}
	}
}

// scanToken returns the offset of the first byte at or after pos that is
// not a tchar, or len(b).
func scanToken(b []byte, pos int) int {
	for pos+4 <= len(b) {
		if !tokenChar[b[pos]] {
			return pos
		}
		if !tokenChar[b[pos+1]] {
			return pos + 1
		}
		if !tokenChar[b[pos+2]] {
			return pos + 2
		}
		if !tokenChar[b[pos+3]] {
			return pos + 3
		}
		pos += 4
	}
	for pos < len(b) && tokenChar[b[pos]] {
		pos++
	}
	return pos
}
