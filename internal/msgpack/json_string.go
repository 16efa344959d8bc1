package msgpack

import "unicode/utf8"

// string transcodes the JSON string at e.pos into a msgpack str holding what
// JSON.parse gives, in UTF-8. isKey tells an object key, which notepack
// writes differently when it holds a lone surrogate.
func (e *jsonEncoder) string(isKey bool) error {
	e.pos++
	// Fast path: no escapes, ASCII only; the bytes are the str as they are.
	for i := e.pos; i < len(e.in); i++ {
		c := e.in[i]
		if c == '"' {
			e.out = appendStrHeader(e.out, i-e.pos)
			e.out = append(e.out, e.in[e.pos:i]...)
			e.pos = i + 1
			return nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
	}
	// General path: decode after a str32 header, then narrow the header.
	hdrAt := len(e.out)
	e.out = append(e.out, 0, 0, 0, 0, 0)
	lone := false
	for {
		if e.pos >= len(e.in) {
			return e.syntaxError("unterminated string")
		}
		c := e.in[e.pos]
		switch {
		case c == '"':
			e.pos++
			if lone {
				e.loneSurrogateString(hdrAt, isKey)
				return nil
			}
			e.closeString(hdrAt)
			return nil
		case c == '\\':
			isLone, err := e.escape()
			if err != nil {
				return err
			}
			lone = lone || isLone
		case c < 0x20:
			return e.syntaxError("control character in string")
		case c < 0x80:
			e.out = append(e.out, c)
			e.pos++
		default:
			r, size := utf8.DecodeRune(e.in[e.pos:])
			if r == utf8.RuneError && size <= 1 {
				// Invalid UTF-8 reads as U+FFFD, as a JavaScript decoder does.
				e.out = append(e.out, "\uFFFD"...)
				e.pos += invalidUTF8Len(e.in[e.pos:])
				continue
			}
			e.out = append(e.out, e.in[e.pos:e.pos+size]...)
			e.pos += size
		}
	}
}

// closeString writes the header of the str decoded after the five bytes
// reserved at hdrAt, moving the content down when the header is shorter.
func (e *jsonEncoder) closeString(hdrAt int) {
	n := len(e.out) - hdrAt - 5
	var hdr [5]byte
	h := appendStrHeader(hdr[:0], n)
	copy(e.out[hdrAt+len(h):], e.out[hdrAt+5:])
	copy(e.out[hdrAt:], h)
	e.out = e.out[:hdrAt+len(h)+n]
}

// escape decodes the escape sequence at e.pos. It reports whether it was a
// lone UTF-16 surrogate, which it writes as its WTF-8 bytes for
// loneSurrogateString to resolve.
func (e *jsonEncoder) escape() (lone bool, err error) {
	if e.pos+1 >= len(e.in) {
		return false, e.syntaxError("unterminated escape")
	}
	c := e.in[e.pos+1]
	e.pos += 2
	switch c {
	case '"', '\\', '/':
		e.out = append(e.out, c)
	case 'b':
		e.out = append(e.out, '\b')
	case 'f':
		e.out = append(e.out, '\f')
	case 'n':
		e.out = append(e.out, '\n')
	case 'r':
		e.out = append(e.out, '\r')
	case 't':
		e.out = append(e.out, '\t')
	case 'u':
		r, ok := hex4(e.in[e.pos:])
		if !ok {
			return false, e.syntaxError("invalid \\u escape")
		}
		e.pos += 4
		if r >= 0xd800 && r < 0xdc00 && e.pos+6 <= len(e.in) && e.in[e.pos] == '\\' && e.in[e.pos+1] == 'u' {
			if lo, ok := hex4(e.in[e.pos+2:]); ok && lo >= 0xdc00 && lo < 0xe000 {
				e.pos += 6
				e.out = utf8.AppendRune(e.out, 0x10000+(r-0xd800)<<10+(lo-0xdc00))
				return false, nil
			}
		}
		if r >= 0xd800 && r < 0xe000 {
			e.out = appendWTF8(e.out, r)
			return true, nil
		}
		e.out = utf8.AppendRune(e.out, r)
	default:
		return false, e.syntaxError("invalid escape")
	}
	return false, nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// appendWTF8 writes a surrogate code unit as the three bytes UTF-8 would give
// it were it a code point (they are not valid UTF-8).
func appendWTF8(b []byte, r rune) []byte {
	return append(b, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
}

// invalidUTF8Len is the length of the maximal subpart at the start of p (which
// does not start with a valid UTF-8 sequence) that a WHATWG UTF-8 decoder, as
// in Node and browsers, replaces with one U+FFFD.
func invalidUTF8Len(p []byte) int {
	c := p[0]
	need, lo, hi := 0, byte(0x80), byte(0xbf)
	switch {
	case c >= 0xc2 && c <= 0xdf:
		need = 1
	case c == 0xe0:
		need, lo = 2, 0xa0
	case c == 0xed:
		need, hi = 2, 0x9f
	case c >= 0xe1 && c <= 0xef:
		need = 2
	case c == 0xf0:
		need, lo = 3, 0x90
	case c == 0xf4:
		need, hi = 3, 0x8f
	case c >= 0xf1 && c <= 0xf3:
		need = 3
	default:
		return 1
	}
	i := 1
	for ; i <= need && i < len(p); i++ {
		if p[i] < lo || p[i] > hi {
			return i
		}
		lo, hi = 0x80, 0xbf
	}
	return i
}
