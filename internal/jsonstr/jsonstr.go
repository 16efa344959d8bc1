// Package jsonstr writes JSON string literals the way JavaScript's
// JSON.stringify does, for every encoder in tornadio that needs one (packet
// arguments, open packets, JSONP and legacy script bodies). It allocates
// nothing beyond growing the caller's buffer.
package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// Append appends s as a JSON string literal: \" \\ \b \f \n \r \t, other
// bytes below 0x20 as \u00XX (lower-case hex), each invalid UTF-8 byte as
// \ufffd (as encoding/json does). '<', '>' and '&' are not escaped. When
// lineSeps is true, U+2028 and U+2029 are escaped too, which keeps the
// literal valid inside JavaScript source on old engines; JSON.stringify
// itself leaves them raw.
func Append[S string | []byte](dst []byte, s S, lineSeps bool) []byte {
	dst = append(dst, '"')
	dst = AppendBody(dst, s, lineSeps)
	return append(dst, '"')
}

// AppendList appends list as a JSON array of string literals, each
// written as Append writes it.
func AppendList(dst []byte, list []string, lineSeps bool) []byte {
	dst = append(dst, '[')
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = Append(dst, s, lineSeps)
	}
	return append(dst, ']')
}

// AppendBody appends s escaped as Append escapes it, without the quotes:
// for writers that put a literal together from parts, some of which they
// escape themselves.
func AppendBody[S string | []byte](dst []byte, s S, lineSeps bool) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := decodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if lineSeps && (r == '\u2028' || r == '\u2029') {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

func decodeRune[S string | []byte](s S) (rune, int) {
	switch v := any(s).(type) {
	case string:
		return utf8.DecodeRuneInString(v)
	case []byte:
		return utf8.DecodeRune(v)
	}
	return utf8.RuneError, 1
}
