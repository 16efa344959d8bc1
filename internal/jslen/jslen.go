// Package jslen measures UTF-8 text in UTF-16 code units, the length
// JavaScript's String.length gives: the unit both Engine.IO v3 payloads and
// Socket.IO 0.6 frames count in. A rune above U+FFFF (an emoji) counts 2;
// an invalid byte counts 1, like the U+FFFD a browser shows for it.
package jslen

import "unicode/utf8"

// Len is the UTF-16 length of s.
func Len[S string | []byte](s S) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			n++
			continue
		}
		size, units := step(s[i:])
		i += size
		n += units
	}
	return n
}

// Prefix returns how many bytes of b hold its first n UTF-16 code units;
// ok is false when b is too short or unit n splits a surrogate pair.
func Prefix(b []byte, n int) (size int, ok bool) {
	units, i := 0, 0
	for units < n {
		if i >= len(b) {
			return 0, false
		}
		if b[i] < utf8.RuneSelf {
			i++
			units++
			continue
		}
		sz, u := step(b[i:])
		i += sz
		units += u
	}
	return i, units == n
}

// step decodes the rune at the start of s: its size in bytes and in UTF-16
// units.
func step[S string | []byte](s S) (size, units int) {
	var r rune
	switch v := any(s).(type) {
	case string:
		r, size = utf8.DecodeRuneInString(v)
	case []byte:
		r, size = utf8.DecodeRune(v)
	}
	if r > 0xFFFF {
		return size, 2
	}
	return size, 1
}
