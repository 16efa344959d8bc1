package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
)

func stdlib(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func TestMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "\b\f\n\r\t\x00\x1f", "é✓😀", "</script>&<>", "\u2028\u2029", "bad\xffutf8\xc3"} {
		if got, want := Append(nil, s, true), stdlib(s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
		if got, want := Append(nil, []byte(s), true), stdlib(s); !bytes.Equal(got, want) {
			t.Errorf("[]byte %q: got %s, want %s", s, got, want)
		}
	}
	if got := Append(nil, "a\u2028b", false); string(got) != "\"a\u2028b\"" {
		t.Errorf("raw line separator: %q", got)
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "x", "\u2028", "\xff", `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal(Append(nil, s, false), &back); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got, want := Append(nil, s, true), stdlib(s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	buf := make([]byte, 0, 128)
	s := "hello world, a chat message with \"quotes\" and é"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = Append(buf[:0], s, true)
	}
}

func TestAppendBodyIsAppendWithoutQuotes(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "\b\x00é\u2028", "bad\xff"} {
		quoted := Append(nil, s, true)
		if got, want := string(AppendBody([]byte("x"), s, true)), "x"+string(quoted[1:len(quoted)-1]); got != want {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

func TestAppendList(t *testing.T) {
	for _, c := range []struct {
		list []string
		want string
	}{{nil, `[]`}, {[]string{"a"}, `["a"]`}, {[]string{"a", `b"c`, "<&>"}, `["a","b\"c","<&>"]`}} {
		if got := string(AppendList(nil, c.list, false)); got != c.want {
			t.Errorf("%q: got %s, want %s", c.list, got, c.want)
		}
	}
}
