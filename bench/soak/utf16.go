package soak

import "unicode/utf8"

// utf16Len is the length of s in UTF-16 code units (JavaScript's length),
// the unit of Engine.IO v3 and Socket.IO 0.6 lengths.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r > 0xFFFF {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// utf16Prefix is the byte length of the prefix of s that is n UTF-16 code
// units long, or -1 when s is shorter or n splits a surrogate pair.
func utf16Prefix(s string, n int) int {
	j, units := 0, 0
	for units < n {
		if j >= len(s) {
			return -1
		}
		r, w := utf8.DecodeRuneInString(s[j:])
		if r > 0xFFFF {
			units += 2
		} else {
			units++
		}
		j += w
	}
	if units != n {
		return -1
	}
	return j
}
