package msgpack

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	return mustHex(t, strings.ReplaceAll(s, " ", ""))
}

// The heads of messages captured from Node nodes on Redis.
func TestCaptureHeads(t *testing.T) {
	for _, c := range []struct{ name, json, head string }{
		{"pubsub broadcast tuple", `["uRFA6x",{"type":2,"data":["warm",{"tok":"warm-1"}],"nsp":"/"},{"rooms":[],"except":[],"flags":{}}]`,
			"93 a6 75 52 46 41 36 78 83 a4 74 79 70 65 02 a4 64 61 74 61"},
		{"pubsub broadcast with ack", `{"uid":"uRFA6x","requestId":"abc","type":7}`,
			"83 a3 75 69 64 a6 75 52 46 41 36 78 a9 72 65 71 75 65 73 74"},
		{"sharded broadcast", `{"type":3,"data":{"packet":{}},"uid":"u","nsp":"/"}`,
			"84 a4 74 79 70 65 03 a4 64 61 74 61 81 a6 70 61 63 6b 65 74"},
		{"fidelity i", `{"i":42}`, "81 a1 69 2a"},
		{"fidelity neg", `{"neg":-7}`, "81 a3 6e 65 67 f9"},
		{"fidelity big", `{"big":1099511627776}`, "81 a3 62 69 67 cf 00 00 01 00 00 00 00 00"},
		{"fidelity f", `{"f":1.5}`, "81 a1 66 cb 3f f8 00 00 00 00 00 00"},
		{"fidelity nul", `{"nul":null}`, "81 a3 6e 75 6c c0"},
	} {
		var w Writer
		if err := w.JSON([]byte(c.json), nil); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want := unhex(t, c.head); !bytes.HasPrefix(w.Bytes(), want) {
			t.Errorf("%s: got %x, want prefix %x", c.name, w.Bytes(), want)
		}
	}
}

// The captured binary broadcast: placeholders become bin and come back.
func TestCaptureBinaryBroadcast(t *testing.T) {
	args := `{"bin":{"_placeholder":true,"num":0},"nested":{"list":[{"num":1,"_placeholder":true},"text",{"_placeholder":true,"num":2}]},"tok":"tok-1"}`
	atts := [][]byte{unhex(t, "0001027f80fdfeff"), []byte("abc"), {}}
	var w Writer
	if err := w.JSON([]byte(args), atts); err != nil {
		t.Fatal(err)
	}
	want := unhex(t, "83 a3 62 69 6e c4 08 00 01 02 7f 80 fd fe ff a6 6e 65 73 74 65 64 81 a4 6c 69 73 74 93 c4 03 61 62 63 a4 74 65 78 74 c4 00 a3 74 6f 6b a5 74 6f 6b 2d 31")
	if !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("got  %x\nwant %x", w.Bytes(), want)
	}
	r := NewReader(w.Bytes())
	got, gotAtts, err := r.JSON(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"bin":{"_placeholder":true,"num":0},"nested":{"list":[{"_placeholder":true,"num":1},"text",{"_placeholder":true,"num":2}]},"tok":"tok-1"}`
	if string(got) != wantJSON || len(gotAtts) != 3 || !bytes.Equal(gotAtts[0], atts[0]) || string(gotAtts[1]) != "abc" || len(gotAtts[2]) != 0 {
		t.Fatalf("got %s %x", got, gotAtts)
	}
}

func TestWriterRejects(t *testing.T) {
	for _, c := range []struct {
		json string
		want error
	}{
		{`{"_placeholder":true,"num":1}`, ErrPlaceholder},
		{`{"_placeholder":true,"num":-1}`, ErrPlaceholder},
		{`{"_placeholder":true,"num":0.5}`, ErrPlaceholder},
		{`{"_placeholder":true,"num":"0"}`, ErrPlaceholder},
		{`{"a":1,}`, ErrJSON}, {`[1 2]`, ErrJSON}, {`01`, ErrJSON}, {`1.`, ErrJSON}, {`"\x"`, ErrJSON},
		{"\"a\x01\"", ErrJSON}, {`"abc`, ErrJSON}, {`tru`, ErrJSON}, {`1 1`, ErrJSON}, {``, ErrJSON},
		{`{"a" 1}`, ErrJSON}, {`"\ud83d\u12"`, ErrJSON}, {`+1`, ErrJSON}, {`.5`, ErrJSON},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), ErrDepth},
	} {
		w := NewWriter([]byte{0xaa})
		err := w.JSON([]byte(c.json), [][]byte{{1}})
		if !errors.Is(err, c.want) {
			t.Errorf("%q: err = %v, want %v", c.json, err, c.want)
		}
		if !bytes.Equal(w.Bytes(), []byte{0xaa}) {
			t.Errorf("%q: wrote %x on error", c.json, w.Bytes())
		}
	}
}

// Containers and strings of 2^16 and more, left out of the golden file for
// its size: notepack's rule is the 32-bit header from 65536 on.
func TestWriterLargeHeaders(t *testing.T) {
	for _, c := range []struct {
		json, head string
	}{
		{"[" + strings.Repeat("0,", 65535) + "0]", "dd 00 01 00 00 00"},
		{"[" + strings.Repeat("0,", 65534) + "0]", "dc ff ff 00"},
		{`"` + strings.Repeat("a", 65536) + `"`, "db 00 01 00 00 61"},
		{`"` + strings.Repeat("é", 32768) + `"`, "db 00 01 00 00 c3 a9"},
		{`"` + strings.Repeat("a", 65535) + `"`, "da ff ff 61"},
	} {
		var w Writer
		if err := w.JSON([]byte(c.json), nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(w.Bytes(), unhex(t, c.head)) {
			t.Errorf("%.20s…: got %x…", c.json, w.Bytes()[:8])
		}
	}
	var w Writer
	w.Bin(make([]byte, 65536))
	if !bytes.HasPrefix(w.Bytes(), unhex(t, "c6 00 01 00 00")) {
		t.Errorf("bin 65536: got %x", w.Bytes()[:5])
	}
	w.Reset(nil)
	w.MapHeader(65536)
	if !bytes.Equal(w.Bytes(), unhex(t, "df 00 01 00 00")) {
		t.Errorf("map 65536: got %x", w.Bytes())
	}
}

func TestReaderScalars(t *testing.T) {
	ints := map[string]int64{
		"2a": 42, "f9": -7, "cc ff": 255, "cd 01 00": 256, "ce 00 01 00 00": 65536,
		"cf 00 00 01 00 00 00 00 00": 1 << 40, "d0 df": -33, "d1 ff 7f": -129, "d2 ff ff 7f ff": -32769,
		"d3 ff ff ff ff 7f ff ff ff": -2147483649,
		"cb 40 a7 70 00 00 00 00 00": 3000, "ca 45 3b 80 00": 3000, "cb 40 a7 70 80 00 00 00 00": 3000,
	}
	for h, want := range ints {
		r := NewReader(unhex(t, h))
		got, err := r.Int()
		if err != nil || got != want || r.Len() != 0 {
			t.Errorf("Int(%s) = %d, %v (left %d), want %d", h, got, err, r.Len(), want)
		}
	}
	for _, h := range []string{"cf ff ff ff ff ff ff ff ff", "cb 7f f0 00 00 00 00 00 00", "a1 61", "cc", ""} {
		r := NewReader(unhex(t, h))
		if _, err := r.Int(); err == nil || r.Offset() != 0 {
			t.Errorf("Int(%s): no error or moved (%d)", h, r.Offset())
		}
	}
	r := NewReader(unhex(t, "c7 03 00 61 62 63 c4 01 7a d4 00 00"))
	if b, err := r.Bin(); err != nil || string(b) != "abc" {
		t.Errorf("ext 0 as Bin = %q, %v", b, err)
	}
	if b, err := r.Bin(); err != nil || string(b) != "z" {
		t.Errorf("Bin = %q, %v", b, err)
	}
	if _, err := r.Bin(); !errors.Is(err, ErrType) {
		t.Errorf("fixext as Bin: %v", err)
	}
	r = NewReader(unhex(t, "82 a4 74 79 70 65 07 a3 75 69 64 c0 c3"))
	if n, err := r.MapHeader(); n != 2 || err != nil {
		t.Fatalf("MapHeader = %d, %v", n, err)
	}
	if s, err := r.Str(); s != "type" || err != nil {
		t.Fatalf("Str = %q, %v", s, err)
	}
	if err := r.Skip(); err != nil {
		t.Fatal(err)
	}
	if s, err := r.StrBytes(); string(s) != "uid" || err != nil || !r.IsNil() {
		t.Fatalf("StrBytes = %q, %v", s, err)
	}
	if err := r.Nil(); err != nil {
		t.Fatal(err)
	}
	if b, err := r.Bool(); !b || err != nil || r.Len() != 0 {
		t.Fatalf("Bool = %v, %v", b, err)
	}
}

// Headers that claim more than the input holds fail before anything is
// allocated for them.
func TestReaderLengthsChecked(t *testing.T) {
	for _, h := range []string{"dd ff ff ff ff", "df ff ff ff ff", "db ff ff ff ff", "c6 ff ff ff ff",
		"c9 ff ff ff ff 00", "92 01", "81 a1 61", "d9 05 61", "dc 00 02 01", "c7 02 ff 00", "d6 ff 00"} {
		r := NewReader(unhex(t, h))
		if _, _, err := r.JSON(nil, nil); !errors.Is(err, ErrShort) {
			t.Errorf("JSON(%s): %v, want ErrShort", h, err)
		}
		if err := r.Skip(); !errors.Is(err, ErrShort) {
			t.Errorf("Skip(%s): %v, want ErrShort", h, err)
		}
	}
	deep := append(bytes.Repeat([]byte{0x91}, MaxDepth+1), 0xc0)
	r := NewReader(deep)
	if _, _, err := r.JSON(nil, nil); !errors.Is(err, ErrDepth) {
		t.Errorf("deep JSON: %v", err)
	}
	if err := r.Skip(); err != nil {
		t.Errorf("deep Skip: %v", err)
	}
}

func TestReaderJSONForms(t *testing.T) {
	for _, c := range []struct{ hex, want string }{
		{"c7 03 00 61 62 63", `{"_placeholder":true,"num":0}`},          // notepack < 3.0 ArrayBuffer
		{"93 01 d4 00 00 02", `[1,null,2]`},                             // undefined in an array
		{"82 a1 61 d4 00 00 a1 62 01", `{"b":1}`},                       // undefined value dropped
		{"d7 00 00 00 01 8b cf e5 68 7b", `"2023-11-14T22:13:20.123Z"`}, // notepack < 3.0 Date
		{"d6 01 61 62 63 64", `[1,{"_placeholder":true,"num":0}]`},      // unknown ext
		{"cb 44 4b 1a e4 d6 e2 ef 50", `1e+21`},
		{"cb 3e 7a d7 f2 9a bc af 48", `1e-7`},
		{"cb 3e b0 c6 f7 a0 b5 ed 8d", `0.000001`},
		{"cb 44 3b 1a e4 d6 e2 ef 50", `500000000000000000000`},
		{"cb 7f f8 00 00 00 00 00 01", `null`},
		{"ca 3d cc cc cd", `0.10000000149011612`},
		{"cf 00 20 00 00 00 00 00 01", `9007199254740992`},
		{"cf ff ff ff ff ff ff ff ff", `18446744073709552000`},
		{"d3 80 00 00 00 00 00 00 00", `-9223372036854776000`},
		{"a4 61 ff 62 e2", `"a\ufffdb\ufffd"`},
		{"a5 f0 9f 98 80 e2", `"😀\ufffd"`},
		{"a3 ed a0 80", `"\ud800"`},
		{"a5 22 5c 0a 01 7f", `"\"\\\n\u0001` + "\x7f" + `"`},
		{"82 01 c3 cb 3f f8 00 00 00 00 00 00 c2", `{"1":true,"1.5":false}`},
		{"c7 0c ff 00 00 00 00 00 00 00 00 00 0f 42 40", `"1970-01-12T13:46:40.000Z"`},
		{"c7 0c ff 00 00 00 00 7f ff ff ff ff ff ff ff", `null`},
	} {
		r := NewReader(unhex(t, c.hex))
		got, _, err := r.JSON(nil, nil)
		if err != nil || string(got) != strings.ReplaceAll(c.want, `\ufffd`, "\uFFFD") {
			t.Errorf("%s: got %s, %v; want %s", c.hex, got, err, c.want)
		}
	}
	r := NewReader(unhex(t, "c1"))
	if _, _, err := r.JSON([]byte("x"), nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("c1: %v", err)
	}
	r = NewReader(unhex(t, "81 91 01 01"))
	if got, _, err := r.JSON([]byte("x"), nil); !errors.Is(err, ErrInvalid) || string(got) != "x" {
		t.Errorf("array key: %s %v", got, err)
	}
}

func TestReaderRawValue(t *testing.T) {
	r := NewReader(unhex(t, "92 81 a1 61 91 c0 2a 07"))
	if _, err := r.ArrayHeader(); err != nil {
		t.Fatal(err)
	}
	v, err := r.RawValue()
	if err != nil || !bytes.Equal(v, unhex(t, "81 a1 61 91 c0")) {
		t.Fatalf("RawValue = %x, %v", v, err)
	}
	if v, err := r.RawValue(); err != nil || !bytes.Equal(v, []byte{0x2a}) || r.Len() != 1 {
		t.Fatalf("RawValue = %x, %v", v, err)
	}
}
