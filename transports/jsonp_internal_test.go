package transports

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestJSONPNewlines(t *testing.T) {
	// What engine.io's two replacements make of the form field:
	// /(\\)?\\n/ → line feed unless the optional backslash matched, then
	// /\\\\n/ → backslash-n.
	for _, c := range []struct{ in, want string }{
		{``, ``},
		{`abc`, `abc`},
		{`\n`, "\n"},
		{`a\nb\n`, "a\nb\n"},
		{`\\n`, `\n`},
		{`\\\n`, `\\n`},   // the scan keeps `\\n` at 1, then `\\n` → `\n`
		{`\\\\n`, `\\\n`}, // `\\n` at 2 kept, then `\\n` at 1 → `\n`
		{`\`, `\`},
		{`\\`, `\\`},
		{`n\`, `n\`},
		{`\x\n`, "\\x\n"},
		{"\\\n", "\\\n"},
		{`\nn`, "\nn"},
		{`\\nn\n`, "\\nn\n"},
	} {
		b := []byte(c.in)
		if got := string(jsonpNewlines(b)); got != c.want {
			t.Errorf("jsonpNewlines(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestJSONPNewlinesRoundTrip(t *testing.T) {
	// Whatever the client escapes comes back, unless a backslash ends a
	// line (the client's escaping cannot tell that from an escaped n).
	r := rand.New(rand.NewSource(1))
	alphabet := []byte{'\\', 'n', '\n', 'a', '\r'}
	for range 20000 {
		b := make([]byte, r.Intn(12))
		for i := range b {
			b[i] = alphabet[r.Intn(len(alphabet))]
		}
		s := string(b)
		if strings.Contains(s, "\\\n") {
			continue
		}
		esc := strings.ReplaceAll(strings.ReplaceAll(s, `\n`, "\\\n"), "\n", `\n`)
		if got := string(jsonpNewlines([]byte(esc))); got != s {
			t.Fatalf("%q escaped %q came back %q", s, esc, got)
		}
	}
}

func TestAppendJSString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", `""`},
		{`a"b\c`, `"a\"b\\c"`},
		{"\b\f\n\r\t\x00\x1f\x7f", `"\b\f\n\r\t\u0000\u001f` + "\x7f\""},
		{"</script>&<!--", `"</script>&<!--"`},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"é😀", "\"é😀\""},
		{"a\xffb\xe2\x82", `"a\ufffdb\ufffd\ufffd"`},
	} {
		if got := string(appendJSString(nil, []byte(c.in))); got != c.want {
			t.Errorf("appendJSString(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	// Random text: a JSON string without raw line terminators, which
	// decodes back to the input.
	r := rand.New(rand.NewSource(2))
	runes := []rune{0, 1, '\n', '\r', '"', '\\', '/', '<', 'a', 0x7f, 0x80, 0xe9, 0x2028, 0x2029, 0xfeff, 0xfffd, 0x1f600}
	for range 5000 {
		var b strings.Builder
		for range r.Intn(20) {
			b.WriteRune(runes[r.Intn(len(runes))])
		}
		in := b.String()
		lit := appendJSString(nil, []byte(in))
		if strings.ContainsAny(string(lit), "\u2028\u2029\n\r\x00") || !utf8.Valid(lit) {
			t.Fatalf("literal %q", lit)
		}
		var out string
		if err := json.Unmarshal(lit, &out); err != nil || out != in {
			t.Fatalf("%q → %s → %q (%v)", in, lit, out, err)
		}
	}
}
