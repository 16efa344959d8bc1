package legacy

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf16"
)

// Goldens for the encoders. The expected bytes were derived from
// socket.io-node 0.6.18, lib/socket.io/utils.js, exports.encode (LEN is
// message.length, a UTF-16 count) and stringify ('~j~' + JSON.stringify).
func TestAppendGoldens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"text", AppendText(nil, "hello"), "~m~5~m~hello"},
		{"empty", AppendText(nil, ""), "~m~0~m~"},
		// docs/legacy-0.6.md section 3: LEN 9 (the notes say 15 UTF-8 bytes; it is 14).
		{"utf16", AppendText(nil, "h\u00e9llo \u20ac\U0001F600"), "~m~9~m~h\u00e9llo \u20ac\U0001F600"},
		{"message", AppendMessage(nil, []byte("one")), "~m~3~m~one"},
		{"concat", AppendText(AppendText(nil, "one"), "two"), "~m~3~m~one~m~3~m~two"},
		{"json", AppendJSON(nil, []byte(`{"a":"<b>&"}`)), `~m~15~m~~j~{"a":"<b>&"}`},
		{"json utf16", AppendJSON(nil, []byte(`"😀"`)), "~m~7~m~~j~\"😀\""},
		{"heartbeat", AppendHeartbeat(nil, 1), "~m~4~m~~h~1"},
		{"heartbeat 10", AppendHeartbeat(nil, 10), "~m~5~m~~h~10"},
		{"sid", AppendText(nil, "7394962304027448"), "~m~16~m~7394962304027448"},
		{"prefix kept", AppendText([]byte("x"), "a"), "x~m~1~m~a"},
	}
	for _, tt := range tests {
		if string(tt.got) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestUTF16Len(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "a", "héllo", "€", "😀", "a😀b", "\U0010FFFF", strings.Repeat("ab€😀", 50),
		"\xff", "a\xe2\x82", "\xed\xa0\x80", // invalid: one unit per byte
	} {
		want := len(utf16.Encode([]rune(s)))
		if got := UTF16Len([]byte(s)); got != want {
			t.Errorf("UTF16Len(%q) = %d, want %d", s, got, want)
		}
		if got := utf16LenString(s); got != want {
			t.Errorf("utf16LenString(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestAppendEncode(t *testing.T) {
	t.Parallel()
	type obj struct {
		A string `json:"a"`
		N int    `json:"n"`
	}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"nil", nil, "~m~0~m~"},
		{"string", "héllo", "~m~5~m~héllo"},
		{"bytes", []byte("raw"), "~m~3~m~raw"},
		// JSON.stringify({a:"<b>&",n:1}) has no HTML escaping.
		{"struct", obj{"<b>&", 1}, `~m~21~m~~j~{"a":"<b>&","n":1}`},
		{"map", map[string]any{"x": []int{1, 2}}, `~m~14~m~~j~{"x":[1,2]}`},
		{"number", 5, "~m~4~m~~j~5"},
		{"raw", json.RawMessage(" { \"a\" : 1 } "), `~m~10~m~~j~{"a":1}`},
		{"emoji", map[string]string{"e": "😀"}, "~m~13~m~~j~{\"e\":\"😀\"}"},
	}
	for _, tt := range tests {
		got, err := AppendEncode([]byte("pre"), tt.v)
		if err != nil || string(got) != "pre"+tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, "pre"+tt.want)
		}
	}
	// Every JSON encoding decodes back as one JSON message of the same value.
	for _, v := range []any{obj{"x", -3}, []string{"a", "~m~"}, true, 1.5} {
		b, err := Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		m, n, err := Next(b)
		if err != nil || n != len(b) || m.Kind != JSON {
			t.Fatalf("%q: %+v %d %v", b, m, n, err)
		}
		want, _ := json.Marshal(v)
		if string(m.Data) != string(want) {
			t.Errorf("%q: data %q, want %q", b, m.Data, want)
		}
	}
	for _, v := range []any{math.Inf(1), make(chan int), json.RawMessage("{")} {
		got, err := AppendEncode([]byte("pre"), v)
		if err == nil || string(got) != "pre" {
			t.Errorf("%T: got %q, %v; want an error and dst unchanged", v, got, err)
		}
	}
}

func TestNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		kind Kind
		data string
		beat int
		n    int
		err  error
	}{
		{"text", "~m~5~m~hello", Text, "hello", 0, 12, nil},
		{"first of two", "~m~3~m~one~m~3~m~two", Text, "one", 0, 10, nil},
		{"empty", "~m~0~m~", Text, "", 0, 7, nil},
		{"leading zero", "~m~05~m~hello", Text, "hello", 0, 13, nil},
		{"utf16", "~m~9~m~h\u00e9llo \u20ac\U0001F600rest", Text, "h\u00e9llo \u20ac\U0001F600", 0, 21, nil},
		{"tilde in data", "~m~6~m~~m~1~m", Text, "~m~1~m", 0, 13, nil},
		{"json", `~m~15~m~~j~{"a":"<b>&"}`, JSON, `{"a":"<b>&"}`, 0, 23, nil},
		{"heartbeat", "~m~4~m~~h~1", Heartbeat, "1", 1, 11, nil},
		{"heartbeat big", "~m~12~m~~h~123456789", Heartbeat, "123456789", 123456789, 20, nil},
		{"invalid utf8 counts 1", "~m~2~m~\xffa", Text, "\xffa", 0, 9, nil},
		{"no prefix", "hello", 0, "", 0, 0, ErrPrefix},
		{"short prefix", "~m", 0, "", 0, 0, ErrPrefix},
		{"bad prefix", "~n~5~m~hello", 0, "", 0, 0, ErrPrefix},
		{"empty len", "~m~~m~", 0, "", 0, 0, ErrLength},
		{"non-digit len", "~m~5x~m~hello", 0, "", 0, 0, ErrLength},
		{"no second marker", "~m~5hello", 0, "", 0, 0, ErrLength},
		{"len only", "~m~5", 0, "", 0, 0, ErrLength},
		{"long len", "~m~1234567890~m~", 0, "", 0, 0, ErrLength},
		{"negative", "~m~-1~m~", 0, "", 0, 0, ErrLength},
		{"beyond", "~m~6~m~hello", 0, "", 0, 0, ErrTruncated},
		{"beyond utf16", "~m~6~m~héllo", 0, "", 0, 0, ErrTruncated},
		{"beyond emoji", "~m~3~m~😀", 0, "", 0, 0, ErrTruncated},
		{"split surrogate", "~m~1~m~😀", 0, "", 0, 0, ErrSurrogate},
		{"split surrogate later", "~m~2~m~a😀", 0, "", 0, 0, ErrSurrogate},
		{"bad json", "~m~4~m~~j~{", 0, "", 0, 0, ErrJSON},
		{"empty json", "~m~3~m~~j~", 0, "", 0, 0, ErrJSON},
		{"empty heartbeat", "~m~3~m~~h~", 0, "", 0, 0, ErrHeartbeat},
		{"bad heartbeat", "~m~4~m~~h~x", 0, "", 0, 0, ErrHeartbeat},
		{"long heartbeat", "~m~13~m~~h~1234567890", 0, "", 0, 0, ErrHeartbeat},
	}
	for _, tt := range tests {
		m, n, err := Next([]byte(tt.in))
		if err != tt.err || n != tt.n {
			t.Errorf("%s: n=%d err=%v, want n=%d err=%v", tt.name, n, err, tt.n, tt.err)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrFraming) {
				t.Errorf("%s: %v does not wrap ErrFraming", tt.name, err)
			}
			continue
		}
		if m.Kind != tt.kind || string(m.Data) != tt.data || m.Heartbeat != tt.beat {
			t.Errorf("%s: got %v %q %d, want %v %q %d", tt.name, m.Kind, m.Data, m.Heartbeat, tt.kind, tt.data, tt.beat)
		}
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	in := "~m~3~m~one~m~15~m~~j~{\"a\":\"<b>&\"}~m~4~m~~h~7~m~0~m~"
	var got []string
	err := Decode([]byte(in), func(m Message) error {
		got = append(got, m.Kind.String()+":"+string(m.Data))
		return nil
	})
	want := []string{"Text:one", `JSON:{"a":"<b>&"}`, "Heartbeat:7", "Text:"}
	if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, %v", got, err)
	}
	// Empty input: no messages, no error (an empty POST).
	if err := Decode(nil, func(Message) error { t.Fatal("called"); return nil }); err != nil {
		t.Fatal(err)
	}
	// A broken second frame: the first was delivered, the error comes back.
	calls := 0
	err = Decode([]byte("~m~1~m~a~m~9~m~b"), func(Message) error { calls++; return nil })
	if calls != 1 || err != ErrTruncated {
		t.Fatalf("calls %d err %v", calls, err)
	}
	// Trailing garbage is an error, where the reference stops silently.
	if err := Decode([]byte("~m~1~m~ajunk"), func(Message) error { return nil }); err != ErrPrefix {
		t.Fatal(err)
	}
	// fn's error stops the walk.
	stop := errors.New("stop")
	calls = 0
	err = Decode([]byte("~m~1~m~a~m~1~m~b"), func(Message) error { calls++; return stop })
	if calls != 1 || err != stop {
		t.Fatalf("calls %d err %v", calls, err)
	}
	// Decoder gives the same.
	d := NewDecoder([]byte(in))
	var got2 []string
	for d.More() {
		m, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		got2 = append(got2, m.Kind.String()+":"+string(m.Data))
	}
	if strings.Join(got2, "|") != strings.Join(want, "|") || d.Offset() != len(in) {
		t.Fatalf("decoder: %q at %d", got2, d.Offset())
	}
	d.Reset([]byte("~m~1~m~a~"))
	if _, err := d.Next(); err != nil || !d.More() {
		t.Fatal(err)
	}
	if _, err := d.Next(); err != ErrPrefix {
		t.Fatal(err)
	}
	if _, err := d.Next(); err != ErrPrefix || d.Offset() != 8 {
		t.Fatal("error not sticky", err, d.Offset())
	}
}

// TestReferenceRoundTrip checks the decoder against frames socket.io-node's
// encode (lib/socket.io/utils.js) produced for an array of mixed messages,
// captured by running it:
// encode(["h\u00e9llo \u20ac\ud83d\ude00", {a:"<b>&"}, "~h~1", null, 5]).
func TestReferenceRoundTrip(t *testing.T) {
	t.Parallel()
	const wire = "~m~9~m~héllo €😀~m~15~m~~j~{\"a\":\"<b>&\"}~m~4~m~~h~1~m~0~m~~m~1~m~5"
	var b []byte
	b = AppendText(b, "héllo €😀")
	b = AppendJSON(b, []byte(`{"a":"<b>&"}`))
	b = AppendHeartbeat(b, 1)
	b, _ = AppendEncode(b, nil)
	b = AppendText(b, "5")
	if string(b) != wire {
		t.Fatalf("got %q", b)
	}
	var kinds []Kind
	if err := Decode([]byte(wire), func(m Message) error { kinds = append(kinds, m.Kind); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 5 || kinds[1] != JSON || kinds[2] != Heartbeat {
		t.Fatal(kinds)
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	if Text.String() != "Text" || JSON.String() != "JSON" || Heartbeat.String() != "Heartbeat" || Kind(9).String() != "Kind(9)" {
		t.Fatal("Kind.String")
	}
	if ErrPrefix.Error() != "legacy: bad framing: frame does not start with ~m~" {
		t.Fatal(ErrPrefix.Error())
	}
}

func TestAppendJSString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", `""`},
		{"~m~5~m~hello", `"~m~5~m~hello"`},
		// Captured from node's JSON.stringify: lower-case \u00XX, short
		// escapes, DEL, </script>, U+2028 and non-ASCII raw.
		{"a\"b\\c\x01\x1f\b\f\n\r\t\x7f</script>\u2028é😀", "\"a\\\"b\\\\c\\u0001\\u001f\\b\\f\\n\\r\\t\x7f</script>\u2028é😀\""},
		{"\x00", `"\u0000"`},
		{"a\xffb\xe2\x82", `"a\ufffdb\ufffd\ufffd"`},
	}
	for _, tt := range tests {
		if got := AppendJSString(nil, []byte(tt.in)); string(got) != tt.want {
			t.Errorf("AppendJSString(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Whatever goes in, the output is a JSON string that decodes to the
	// input with invalid bytes replaced, of the same UTF-16 length.
	for _, s := range []string{"x\u2029y", "\x00\x1e\x1f ", "ok\xc3", strings.Repeat("€\"", 20)} {
		var back string
		out := AppendJSString(nil, []byte(s))
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		if back != strings.ToValidUTF8(s, "\uFFFD") && len(utf16.Encode([]rune(back))) != UTF16Len([]byte(s)) {
			t.Errorf("%q: decoded %q", s, back)
		}
	}
}
