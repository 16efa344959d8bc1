package httpparse

// QueryValue returns the raw (still escaped) value of the first field named
// key in an '&'-separated query such as Request.RawQuery, and whether it was
// found. A field without '=' has an empty value. Keys are compared raw, byte
// for byte. It does not allocate.
func QueryValue(rawQuery []byte, key string) ([]byte, bool) {
	for len(rawQuery) > 0 {
		var k, v []byte
		k, v, rawQuery = nextField(rawQuery)
		if string(k) == key {
			return v, true
		}
	}
	return nil, false
}

// nextField splits the first '&'-separated field of q into its raw name and
// value (empty when there is no '='), and returns the rest after the '&'.
func nextField(q []byte) (k, v, rest []byte) {
	field := q
	for i, c := range q {
		if c == '&' {
			field, rest = q[:i], q[i+1:]
			break
		}
	}
	k, v = field, field[len(field):]
	for i, c := range field {
		if c == '=' {
			k, v = field[:i], field[i+1:]
			break
		}
	}
	return k, v, rest
}

// Unescape appends the percent-decoded s to dst, decoding '+' as a space,
// as in application/x-www-form-urlencoded data and query strings. On a
// malformed escape it returns dst unchanged and an *Error with Status 400.
func Unescape(dst, s []byte) ([]byte, error) {
	orig := len(dst)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			if i+2 >= len(s) {
				return dst[:orig], errEscape
			}
			h, l := unhex(s[i+1]), unhex(s[i+2])
			if h < 0 || l < 0 {
				return dst[:orig], errEscape
			}
			c = byte(h<<4 | l)
			i += 2
		}
		dst = append(dst, c)
	}
	return dst, nil
}

// FormValue finds the first field of an application/x-www-form-urlencoded
// body whose unescaped name is key, and appends its unescaped value to dst.
// It reports whether the field was found; the error is a malformed escape in
// the value. Only the appending to dst can allocate.
func FormValue(body []byte, key string, dst []byte) ([]byte, bool, error) {
	for len(body) > 0 {
		var k, v []byte
		k, v, body = nextField(body)
		if unescapedEquals(k, key) {
			out, err := Unescape(dst, v)
			return out, true, err
		}
	}
	return dst, false, nil
}

// unescapedEquals reports whether esc, percent-decoded with '+' as space,
// equals s. A malformed escape never matches.
func unescapedEquals(esc []byte, s string) bool {
	j := 0
	for i := 0; i < len(esc); i++ {
		c := esc[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			if i+2 >= len(esc) {
				return false
			}
			h, l := unhex(esc[i+1]), unhex(esc[i+2])
			if h < 0 || l < 0 {
				return false
			}
			c = byte(h<<4 | l)
			i += 2
		}
		if j >= len(s) || s[j] != c {
			return false
		}
		j++
	}
	return j == len(s)
}
