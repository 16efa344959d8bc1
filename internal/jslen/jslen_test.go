package jslen

import (
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestLenMatchesUTF16(t *testing.T) {
	for _, s := range []string{"", "hello", "h\u00e9llo \u20ac\U0001F600", "\xff\xfe", "a\U0010FFFFb"} {
		want := len(utf16.Encode([]rune(s)))
		if got := Len(s); got != want {
			t.Errorf("Len(%q) = %d, want %d", s, got, want)
		}
		if got := Len([]byte(s)); got != want {
			t.Errorf("Len([]byte %q) = %d, want %d", s, got, want)
		}
	}
}

func TestPrefix(t *testing.T) {
	b := []byte("a\U0001F600b")
	for _, c := range []struct {
		n, size int
		ok      bool
	}{{0, 0, true}, {1, 1, true}, {2, 0, false}, {3, 5, true}, {4, 6, true}, {5, 0, false}} {
		size, ok := Prefix(b, c.n)
		if ok != c.ok || (ok && size != c.size) {
			t.Errorf("Prefix(%d) = %d, %v; want %d, %v", c.n, size, ok, c.size, c.ok)
		}
	}
}

func FuzzLen(f *testing.F) {
	f.Add("h\u00e9llo \u20ac\U0001F600")
	f.Fuzz(func(t *testing.T, s string) {
		n := Len(s)
		if utf8.ValidString(s) && n != len(utf16.Encode([]rune(s))) {
			t.Fatalf("%q: %d", s, n)
		}
		if size, ok := Prefix([]byte(s), n); !ok || size != len(s) {
			t.Fatalf("%q: Prefix(Len) = %d, %v", s, size, ok)
		}
	})
}
