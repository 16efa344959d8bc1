package frames

import "unicode/utf8"

// validUTF8Prefix checks text that may continue in a later fragment. It
// reports whether p is valid UTF-8 apart from, when final is false, an
// incomplete but so far valid character at its end. It returns the length of
// the part ending on a character boundary, where the next check can start.
//
// Checking each fragment as it arrives fails a bad text message early,
// without buffering the rest of it, and costs no more than one check of the
// whole message.
func validUTF8Prefix(p []byte, final bool) (int, bool) {
	if utf8.Valid(p) {
		return len(p), true
	}
	if final {
		return 0, false
	}
	// The only way p can still be fine is valid text followed by the first
	// 1 to 3 bytes of a character: a start byte and continuation bytes.
	for k := 1; k < utf8.UTFMax && k <= len(p); k++ {
		i := len(p) - k
		if !utf8.RuneStart(p[i]) {
			continue
		}
		if !utf8.FullRune(p[i:]) && utf8.Valid(p[:i]) {
			return i, true
		}
		return 0, false
	}
	return 0, false
}
