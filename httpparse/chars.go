package httpparse

// Byte classes of RFC 9110 / RFC 9112, as lookup tables.
var (
	// tokenChar: tchar, the characters of a method or field name.
	tokenChar = byteTable(func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
			c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' ||
			c == '`' || c == '|' || c == '~'
	})
	// visibleChar: VCHAR, printable ASCII without space. Used for the
	// request target and the version.
	visibleChar = byteTable(func(c byte) bool { return 0x21 <= c && c <= 0x7e })
	// valueChar: field-vchar plus SP and HTAB (obs-text allowed), the
	// characters of a field value or chunk extension.
	valueChar = byteTable(func(c byte) bool { return c == ' ' || c == '\t' || 0x21 <= c && c != 0x7f })
)

func byteTable(f func(byte) bool) (t [256]bool) {
	for i := range t {
		t[i] = f(byte(i))
	}
	return t
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// unhex returns the value of a hex digit, or -1.
func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// equalFold reports whether b equals s, ignoring ASCII case. It does not
// allocate.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		x, y := b[i], s[i]
		if x == y {
			continue
		}
		if x|0x20 != y|0x20 {
			return false
		}
		if l := x | 0x20; l < 'a' || l > 'z' {
			return false
		}
	}
	return true
}

// TrimOWS trims the optional white space (SP and HTAB, RFC 9110 section
// 5.6.3) on both sides of a header value or list element.
func TrimOWS(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// hasToken reports whether the comma-separated list v contains token,
// ignoring ASCII case and optional whitespace around elements.
func hasToken(v []byte, token string) bool {
	for len(v) > 0 {
		i := 0
		for i < len(v) && v[i] != ',' {
			i++
		}
		if equalFold(TrimOWS(v[:i]), token) {
			return true
		}
		if i == len(v) {
			break
		}
		v = v[i+1:]
	}
	return false
}
