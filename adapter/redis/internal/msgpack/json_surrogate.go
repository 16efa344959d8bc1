package msgpack

import (
	"unicode/utf16"
	"unicode/utf8"
)

// loneSurrogateString finishes a string holding a lone UTF-16 surrogate (JSON
// allows "\ud800"), whose bytes notepack.io derives in one of two ways. A
// string of more than 32 UTF-16 units goes through Buffer, which writes a lone
// surrogate as U+FFFD. A shorter one goes through notepack's own loop, which
// takes any surrogate to start a pair and joins it with the next unit,
// whatever that is (nothing counts as 0), into a four-byte sequence. The
// content after the header reserved at hdrAt is WTF-8: UTF-8 in which a lone
// surrogate is written as if it were a code point.
func (e *jsonEncoder) loneSurrogateString(hdrAt int) error {
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
	e.out = e.out[:hdrAt+5]
	if len(units) > 32 {
		for _, r := range utf16.Decode(units) {
			e.out = utf8.AppendRune(e.out, r)
		}
		e.closeString(hdrAt)
		return nil
	}
	for i := 0; i < len(units); i++ {
		c := rune(units[i])
		if c < 0xd800 || c >= 0xe000 {
			e.out = utf8.AppendRune(e.out, c)
			continue
		}
		i++
		var next rune
		if i < len(units) {
			next = rune(units[i])
		}
		c = 0x10000 + ((c&0x3ff)<<10 | next&0x3ff)
		e.out = append(e.out, 0xf0|byte(c>>18), 0x80|byte(c>>12)&0x3f, 0x80|byte(c>>6)&0x3f, 0x80|byte(c)&0x3f)
	}
	e.closeString(hdrAt)
	return nil
}
