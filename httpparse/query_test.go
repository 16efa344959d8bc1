package httpparse

import (
	"testing"
)

func TestQueryValue(t *testing.T) {
	q := []byte("EIO=4&transport=polling&t=PcXa1&flag&empty=&sid=a%2Bb&t=second&=anon")
	for _, tt := range []struct {
		key, want string
		found     bool
	}{
		{"EIO", "4", true},
		{"transport", "polling", true},
		{"t", "PcXa1", true},
		{"flag", "", true},
		{"empty", "", true},
		{"sid", "a%2Bb", true},
		{"", "anon", true},
		{"missing", "", false},
		{"EI", "", false},
		{"eio", "", false},
	} {
		got, found := QueryValue(q, tt.key)
		if string(got) != tt.want || found != tt.found {
			t.Errorf("QueryValue(%q) = %q, %v; want %q, %v", tt.key, got, found, tt.want, tt.found)
		}
	}
	if v, ok := QueryValue(nil, "a"); v != nil || ok {
		t.Error("QueryValue(nil)")
	}
	if v, ok := QueryValue([]byte("a=1&&b=2&"), "b"); string(v) != "2" || !ok {
		t.Errorf("empty segments: %q %v", v, ok)
	}
	if v, ok := QueryValue([]byte("a=b=c"), "a"); string(v) != "b=c" || !ok {
		t.Errorf("second '=': %q %v", v, ok)
	}
}

func TestUnescape(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"a+b", "a b"},
		{"%41%62%2b%2B", "Ab++"},
		{"w%C3%B6rld", "w\xc3\xb6rld"},
		{"%00%ff", "\x00\xff"},
		{"100%25", "100%"},
	} {
		got, err := Unescape([]byte("pre:"), []byte(tt.in))
		if err != nil || string(got) != "pre:"+tt.want {
			t.Errorf("Unescape(%q) = %q, %v", tt.in, got, err)
		}
	}
	for _, in := range []string{"%", "%4", "%zz", "a%4g", "100%"} {
		got, err := Unescape([]byte("pre:"), []byte(in))
		wantStatus(t, err, 400)
		if string(got) != "pre:" {
			t.Errorf("Unescape(%q) on error returned %q", in, got)
		}
	}
}

func TestFormValue(t *testing.T) {
	body := []byte("d=4hello&x=%41+b&empty=&na%6De=v%20w&a+b=sp&bad%zz=1&flag&d=second")
	for _, tt := range []struct {
		key, want string
		found     bool
	}{
		{"d", "4hello", true},
		{"x", "A b", true},
		{"empty", "", true},
		{"name", "v w", true},
		{"a b", "sp", true},
		{"flag", "", true},
		{"missing", "", false},
		{"bad%zz", "", false},
		{"na", "", false},
	} {
		got, found, err := FormValue(body, tt.key, []byte("pre:"))
		if err != nil || found != tt.found || string(got) != "pre:"+tt.want {
			t.Errorf("FormValue(%q) = %q, %v, %v", tt.key, got, found, err)
		}
	}
	_, found, err := FormValue([]byte("a=%4"), "a", nil)
	if !found {
		t.Error("malformed value not found")
	}
	wantStatus(t, err, 400)

	// Engine.IO's JSONP polling posts its payload as the "d" field.
	_, s, perr := parseOne(Limits{}, curlPOSTForm)
	if perr != nil {
		t.Fatal(perr)
	}
	if got, found, err := FormValue([]byte(s.Body), "d", nil); string(got) != "4hello" || !found || err != nil {
		t.Errorf("form from request: %q %v %v", got, found, err)
	}
}

func TestUnescapedEquals(t *testing.T) {
	for _, tt := range []struct {
		esc, s string
		want   bool
	}{
		{"abc", "abc", true}, {"a%62c", "abc", true}, {"a+c", "a c", true},
		{"abc", "ab", false}, {"ab", "abc", false}, {"%", "%", false}, {"%6", "%6", false},
		{"%zz", "%zz", false}, {"", "", true},
	} {
		if got := unescapedEquals([]byte(tt.esc), tt.s); got != tt.want {
			t.Errorf("unescapedEquals(%q, %q) = %v", tt.esc, tt.s, got)
		}
	}
}
