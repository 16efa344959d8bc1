package socketio

// This file holds the JSON scanner used to validate payloads without
// decoding them. It follows RFC 8259 like encoding/json does: strings may
// hold any bytes >= 0x20 (UTF-8 is not checked), and nesting is limited to
// maxDepth levels.

// maxDepth is the deepest nesting of arrays and objects accepted, the same
// limit as encoding/json.
const maxDepth = 10000

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

// skipValue scans one JSON value starting at b[i] (leading white space
// allowed) and returns the index just past it. Containers may nest limit
// levels deep.
func skipValue(b []byte, i int, limit int) (int, bool) {
	i = skipWS(b, i)
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '{', '[':
		return skipContainer(b, i, limit)
	case '"':
		return skipString(b, i)
	case 't':
		return skipLiteral(b, i, "true")
	case 'f':
		return skipLiteral(b, i, "false")
	case 'n':
		return skipLiteral(b, i, "null")
	}
	return skipNumber(b, i)
}

// skipContainer scans an array or object starting at b[i]. Nesting state
// lives in a one-word stack first; only documents nested more than 64
// levels are rescanned with the full-size stack.
func skipContainer(b []byte, i int, limit int) (int, bool) {
	var small [1]uint64
	end, ok, deep := scanContainer(b, i, limit, small[:])
	if deep {
		return skipContainerDeep(b, i, limit)
	}
	return end, ok
}

//go:noinline
func skipContainerDeep(b []byte, i int, limit int) (int, bool) {
	var stack [maxDepth/64 + 1]uint64
	end, ok, _ := scanContainer(b, i, limit, stack[:])
	return end, ok
}

// scanContainer does the work of skipContainer with a nesting stack of
// len(stack)*64 bits (bit set: object). The third result reports that the
// stack was too small.
func scanContainer(b []byte, i int, limit int, stack []uint64) (int, bool, bool) {
	depth := 0
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return i, false, false
		}
		var ok bool
		switch c := b[i]; c {
		case '{', '[':
			if depth >= limit {
				return i, false, false
			}
			if depth>>6 >= len(stack) {
				return i, false, true
			}
			i = skipWS(b, i+1)
			if c == '{' {
				if i < len(b) && b[i] == '}' {
					i, ok = i+1, true
					break
				}
				stack[depth>>6] |= 1 << (depth & 63)
				depth++
				if i, ok = skipKey(b, i); !ok {
					return i, false, false
				}
				continue
			}
			if i < len(b) && b[i] == ']' {
				i, ok = i+1, true
				break
			}
			stack[depth>>6] &^= 1 << (depth & 63)
			depth++
			continue
		case '"':
			i, ok = skipString(b, i)
		case 't':
			i, ok = skipLiteral(b, i, "true")
		case 'f':
			i, ok = skipLiteral(b, i, "false")
		case 'n':
			i, ok = skipLiteral(b, i, "null")
		default:
			i, ok = skipNumber(b, i)
		}
		if !ok {
			return i, false, false
		}
		// A value ended: close containers until one wants another value.
		for {
			if depth == 0 {
				return i, true, false
			}
			i = skipWS(b, i)
			if i >= len(b) {
				return i, false, false
			}
			d := depth - 1
			obj := stack[d>>6]&(1<<(d&63)) != 0
			c := b[i]
			if c == ',' {
				if obj {
					if i, ok = skipKey(b, i+1); !ok {
						return i, false, false
					}
				} else {
					i++
				}
				break
			}
			if (obj && c == '}') || (!obj && c == ']') {
				i++
				depth--
				continue
			}
			return i, false, false
		}
	}
}

// skipKey scans `"key" :` (white space allowed before each part) and
// returns the index after the colon.
func skipKey(b []byte, i int) (int, bool) {
	i = skipWS(b, i)
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	i, ok := skipString(b, i)
	if !ok {
		return i, false
	}
	i = skipWS(b, i)
	if i >= len(b) || b[i] != ':' {
		return i, false
	}
	return i + 1, true
}

// plainStr marks the bytes that need no attention inside a JSON string.
var plainStr = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipString scans a JSON string starting at the quote b[i].
func skipString(b []byte, i int) (int, bool) {
	i++
	for i < len(b) {
		for i < len(b) && plainStr[b[i]] {
			i++
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			return i + 1, true
		case c == '\\':
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return i, false
				}
				i += 6
			default:
				return i, false
			}
		case c < 0x20:
			return i, false
		default:
			i++
		}
	}
	return i, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func skipLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// skipNumber scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return i, false
	}
	switch {
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

// validJSON reports whether b is exactly one JSON value, optionally
// surrounded by white space.
func validJSON(b []byte) bool {
	end, ok := skipValue(b, 0, maxDepth)
	return ok && skipWS(b, end) == len(b)
}

// SplitArray appends the raw spans of the top-level elements of the JSON
// array data to dst and returns the extended slice. Spans exclude
// surrounding white space and are views into data. The whole of data is
// validated; on error dst is returned unchanged with ErrBadJSON.
func SplitArray(data []byte, dst [][]byte) ([][]byte, error) {
	n0 := len(dst)
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '[' {
		return dst, ErrBadJSON
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == ']' {
		i++
	} else {
		for {
			i = skipWS(data, i)
			end, ok := skipValue(data, i, maxDepth-1)
			if !ok {
				return dst[:n0], ErrBadJSON
			}
			dst = append(dst, data[i:end:end])
			i = skipWS(data, end)
			if i >= len(data) {
				return dst[:n0], ErrBadJSON
			}
			if data[i] == ']' {
				i++
				break
			}
			if data[i] != ',' {
				return dst[:n0], ErrBadJSON
			}
			i++
		}
	}
	if skipWS(data, i) != len(data) {
		return dst[:n0], ErrBadJSON
	}
	return dst, nil
}
