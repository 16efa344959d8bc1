package legacy

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// jsPlain marks the ASCII bytes JSON.stringify writes as they are.
var jsPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendJSString appends s as a JavaScript string literal, the way
// JSON.stringify writes a string: in double quotes, with '"' and '\\' escaped,
// \b \f \n \r \t for those control characters, \u00XX (lower-case hex) for the
// other characters below U+0020, and everything else, including "</script>",
// U+2028, U+2029, DEL and all non-ASCII characters, as it is
// (LEGACY-0.6.md section 5, jsonp-polling and htmlfile). A byte that is not
// part of valid UTF-8 is written as U+FFFD, so the string the browser sees has
// the length [UTF16Len] counted.
func AppendJSString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if jsPlain[s[i]] {
			i++
			continue
		}
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\uFFFD"...)
				i++
				start = i
				continue
			}
			i += size
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
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
