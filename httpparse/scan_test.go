package httpparse

import (
	"bytes"
	"testing"
)

// TestScanners checks the word-at-a-time scanners against the byte tables
// for every byte value at every offset of a line, from every start.
func TestScanners(t *testing.T) {
	scanners := []struct {
		name  string
		scan  func([]byte, int) int
		table *[256]bool
	}{
		{"scanValue", scanValue, &valueChar},
		{"scanVisible", scanVisible, &visibleChar},
		{"scanToken", scanToken, &tokenChar},
	}
	for _, s := range scanners {
		for c := 0; c < 256; c++ {
			for at := 0; at < 19; at++ {
				b := bytes.Repeat([]byte{'a'}, 19)
				b[at] = byte(c)
				for start := 0; start <= len(b); start++ {
					want := start
					for want < len(b) && s.table[b[want]] {
						want++
					}
					if got := s.scan(b, start); got != want {
						t.Fatalf("%s(%q, %d) = %d, want %d", s.name, b, start, got, want)
					}
				}
			}
		}
	}
}

func TestCharClasses(t *testing.T) {
	for _, c := range []byte("!#$%&'*+-.^_`|~09azAZ") {
		if !tokenChar[c] {
			t.Errorf("%q should be a tchar", c)
		}
	}
	for _, c := range []byte("\"(),/:;<=>?@[\\]{} \t\x00\x7f\x80") {
		if tokenChar[c] {
			t.Errorf("%q should not be a tchar", c)
		}
	}
	for _, c := range []byte("\t ~!\x80\xff") {
		if !valueChar[c] {
			t.Errorf("%q should be a value byte", c)
		}
	}
	for _, c := range []byte("\x00\r\n\x1f\x7f") {
		if valueChar[c] {
			t.Errorf("%q should not be a value byte", c)
		}
	}
}
