package socketio

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppendPacket(t *testing.T) {
	cases := []struct {
		p    Packet
		want string
	}{
		{Packet{Type: Connect, ID: -1}, `0`},
		{Packet{Type: Connect, Namespace: []byte("/admin"), ID: -1, Data: []byte(`{"sid":"x"}`)}, `0/admin,{"sid":"x"}`},
		{Packet{Type: Disconnect, Namespace: []byte("/admin"), ID: -1}, `1/admin,`},
		{Packet{Type: Event, Namespace: []byte("/"), ID: -1, Data: []byte(`["hello",1]`)}, `2["hello",1]`},
		{Packet{Type: Event, Namespace: []byte("/admin"), ID: 456, Data: []byte(`["project:delete",123]`)}, `2/admin,456["project:delete",123]`},
		{Packet{Type: Ack, Namespace: []byte("/admin"), ID: 456, Data: []byte(`[]`)}, `3/admin,456[]`},
		{Packet{Type: ConnectError, ID: -1, Data: []byte(`"Not authorized"`)}, `4"Not authorized"`},
		{Packet{Type: BinaryEvent, ID: -1, Attachments: 1, Data: []byte(`["hello",{"_placeholder":true,"num":0}]`)}, `51-["hello",{"_placeholder":true,"num":0}]`},
		{Packet{Type: BinaryAck, Namespace: []byte("/admin"), ID: 456, Attachments: 1, Data: []byte(`[{"_placeholder":true,"num":0}]`)}, `61-/admin,456[{"_placeholder":true,"num":0}]`},
		{Packet{Type: BinaryEvent, ID: -1, Data: []byte(`["x"]`)}, `50-["x"]`},
	}
	for _, c := range cases {
		if got := string(AppendPacket([]byte("pre"), c.p)); got != "pre"+c.want {
			t.Errorf("AppendPacket(%+v) = %q, want %q", c.p, got, "pre"+c.want)
		}
	}
}

func TestAppendEventAck(t *testing.T) {
	cases := []struct{ got, want string }{
		{string(AppendEvent(nil, "", -1, 0, "hello", []byte(`1`))), `2["hello",1]`},
		{string(AppendEvent(nil, "/", -1, 0, "ping")), `2["ping"]`},
		{string(AppendEvent(nil, "/admin", 456, 0, "project:delete", []byte(`123`))), `2/admin,456["project:delete",123]`},
		{string(AppendEvent(nil, "", 0, 0, "a\"b", []byte(`{"x":[1]}`), []byte(`"s"`))), `20["a\"b",{"x":[1]},"s"]`},
		{string(AppendEvent(nil, "", -1, 1, "hello", []byte(`{"_placeholder":true,"num":0}`))), `51-["hello",{"_placeholder":true,"num":0}]`},
		{string(AppendEvent(nil, "/admin", 3, 2, "up", []byte(`{"_placeholder":true,"num":0}`), []byte(`{"_placeholder":true,"num":1}`))), `52-/admin,3["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`},
		{string(AppendAck(nil, "/admin", 456, 0)), `3/admin,456[]`},
		{string(AppendAck(nil, "", 1, 0, []byte(`"ok"`), []byte(`2`))), `31["ok",2]`},
		{string(AppendAck(nil, "/admin", 456, 1, []byte(`{"_placeholder":true,"num":0}`))), `61-/admin,456[{"_placeholder":true,"num":0}]`},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
		if _, err := Parse([]byte(c.want), 5); err != nil {
			t.Errorf("Parse(%q): %v", c.want, err)
		}
	}
}

var jsonStrings = []string{
	"", "hello", "hello world", `quote " and \ backslash`, "slash /",
	"\b\f\n\r\t", "\x00\x01\x02\x1f\x7f", "<script>&</script>", "héllo wörld", "日本語",
	"emoji 😀 🎉", "\u2028\u2029", "a\u2028b\u2029c", "\ufeffbom", "\uffff", "\U0010ffff",
	"bad \xff utf8", "\xc3", "\xed\xa0\x80", // surrogate encoded in UTF-8 is invalid
	"mixed \x00 é \" \u2028 😀 \xfe end",
}

func jsonEncode(s string, html bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func TestAppendJSONString(t *testing.T) {
	for i := 0; i < 0x80; i++ {
		jsonStrings = append(jsonStrings, string(rune(i)), "x"+string(rune(i))+"y")
	}
	for _, s := range jsonStrings {
		got := string(AppendJSONString(nil, s))
		// encoding/json without HTML escaping must agree exactly.
		if want := jsonEncode(s, false); got != want {
			t.Errorf("AppendJSONString(%q) = %s, encoding/json %s", s, got, want)
		}
		// With HTML escaping the only documented difference is <, > and &.
		html := jsonEncode(s, true)
		r := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
		if r.Replace(html) != got && strings.ContainsAny(s, "<>&") {
			t.Errorf("html: %q: %s vs %s", s, got, html)
		}
		// Decoding gives s back (modulo invalid UTF-8).
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Errorf("decode %s = %q, want %q", got, back, s)
		}
		// Our own unquote agrees with encoding/json.
		u, err := AppendJSONUnquote(nil, []byte(got))
		if err != nil || string(u) != back {
			t.Errorf("AppendJSONUnquote(%s) = %q, %v; want %q", got, u, err, back)
		}
	}
}

func TestEventName(t *testing.T) {
	cases := []struct{ in, want string }{
		{`"hello"`, "hello"},
		{` "hello" `, "hello"},
		{`["hello",1,2]`, "hello"},
		{` [ "chat" , {"a":1}]`, "chat"},
		{`""`, ""},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u00e9\u65e5"`, "é日"},
		{`"\ud83d\ude00!"`, "😀!"},
		{`"\uD83D\uDE00"`, "😀"},
		{`"\ud83d"`, "\ufffd"},
		{`"\ud83dx"`, "\ufffdx"},
		{`"\ude00"`, "\ufffd"},
		{`"\ud83d\u0041"`, "\ufffdA"},
		{`"héllo"`, "héllo"},
		{`"` + strings.Repeat(`\n`, 100) + `"`, strings.Repeat("\n", 100)},
	}
	for _, c := range cases {
		got, err := EventName([]byte(c.in))
		if err != nil || got != c.want {
			t.Errorf("EventName(%s) = %q, %v; want %q", c.in, got, err, c.want)
		}
		if !strings.HasPrefix(strings.TrimSpace(c.in), "[") {
			var ref string
			if json.Unmarshal([]byte(c.in), &ref) == nil && ref != got {
				t.Errorf("EventName(%s) = %q; encoding/json %q", c.in, got, ref)
			}
		}
	}
	for _, in := range []string{``, `hello`, `1`, `[1]`, `[]`, `"abc`, `"a\q"`, `"a" x`, `{"a":1}`, "\"a\x01\""} {
		if got, err := EventName([]byte(in)); err == nil {
			t.Errorf("EventName(%q) = %q, want error", in, got)
		}
	}
	raw := []byte(`"name"`)
	name, _ := EventName(raw)
	raw[1] = 'X'
	if name != "name" {
		t.Errorf("EventName aliases its input: %q", name)
	}
}
