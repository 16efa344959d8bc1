package msgpack

import (
	"unicode/utf16"
	"unicode/utf8"
)

// loneSurrogateString finishes a string holding a lone UTF-16 surrogate (JSON
// allows "\ud800"). notepack.io has two ways to turn a string into UTF-8:
//
//   - Buffer's, which writes a lone surrogate as U+FFFD;
//   - its own loop, which takes any surrogate to start a pair and joins it
//     with the next unit, whatever that is (nothing counts as 0), into four
//     bytes.
//
// It takes the length from the first for strings of more than 32 UTF-16
// units and from the second otherwise; it writes the bytes of a value with
// the first when that length exceeds 32 bytes and with the second otherwise,
// and the bytes of a key always with the second, cut to the length. Where the
// two disagree on the length, notepack cuts the bytes (a value at a character
// boundary, a key anywhere) or leaves the rest of the length as it found it
// in a fresh Buffer; this writes zeros there, which is what notepack gives
// whenever that memory was zero.
//
// The content after the header reserved at hdrAt is WTF-8: UTF-8 in which a
// lone surrogate is written as if it were a code point.
func (e *jsonEncoder) loneSurrogateString(hdrAt int, isKey bool) {
	content := e.out[hdrAt+5:]
	units := make([]uint16, 0, len(content))
	for i := 0; i < len(content); {
		if c := content[i]; c == 0xed && i+2 < len(content) && content[i+1] >= 0xa0 {
			r := rune(c&0x0f)<<12 | rune(content[i+1]&0x3f)<<6 | rune(content[i+2]&0x3f)
			units = append(units, uint16(r))
			i += 3
			continue
		}
		r, size := utf8.DecodeRune(content[i:])
		units = utf16.AppendRune(units, r)
		i += size
	}
	replaced := appendReplacingSurrogates(nil, units)
	joined := appendJoiningSurrogates(nil, units)
	length := len(joined)
	if len(units) > 32 {
		length = len(replaced)
	}
	chosen := joined
	if !isKey && length > 32 {
		chosen = replaced
	}
	if len(chosen) > length {
		cut := length
		for !isKey && cut > 0 && !utf8.RuneStart(chosen[cut]) {
			cut--
		}
		chosen = chosen[:cut]
	}
	e.out = append(e.out[:hdrAt+5], chosen...)
	for range length - len(chosen) {
		e.out = append(e.out, 0)
	}
	e.closeString(hdrAt)
}

// appendReplacingSurrogates is Buffer's UTF-8: lone surrogates become U+FFFD.
func appendReplacingSurrogates(b []byte, units []uint16) []byte {
	for _, r := range utf16.Decode(units) {
		b = utf8.AppendRune(b, r)
	}
	return b
}

// appendJoiningSurrogates is notepack's own UTF-8 loop.
func appendJoiningSurrogates(b []byte, units []uint16) []byte {
	for i := 0; i < len(units); i++ {
		c := rune(units[i])
		if c < 0xd800 || c >= 0xe000 {
			b = utf8.AppendRune(b, c)
			continue
		}
		i++
		var next rune
		if i < len(units) {
			next = rune(units[i])
		}
		c = 0x10000 + ((c&0x3ff)<<10 | next&0x3ff)
		b = append(b, 0xf0|byte(c>>18), 0x80|byte(c>>12)&0x3f, 0x80|byte(c>>6)&0x3f, 0x80|byte(c)&0x3f)
	}
	return b
}
