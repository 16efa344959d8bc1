package callplan

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// ack stands for the server's acknowledgement type.
type ack func(args ...any)

var cache = NewCache(reflect.TypeFor[ack]())

func raws(args ...string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}

func TestPlanShapes(t *testing.T) {
	for _, tc := range []struct {
		fn      any
		params  int
		wantErr bool
		wantAck bool
		bad     string
	}{
		{fn: func(string, int) {}, params: 2},
		{fn: func(string, ack) {}, params: 1, wantAck: true},
		{fn: func(error, []byte) {}, params: 1, wantErr: true},
		{fn: func(error, int, ack) {}, params: 1, wantErr: true, wantAck: true},
		{fn: func(int, error) {}, params: 2}, // an error not first is a parameter like any
		{fn: func(ack, int) {}, bad: "Ack must be the last parameter"},
		{fn: func(...int) {}, bad: "variadic"},
	} {
		p, err := cache.For(reflect.TypeOf(tc.fn))
		if tc.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tc.bad) {
				t.Errorf("%T: error %v, want %q", tc.fn, err, tc.bad)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%T: %v", tc.fn, err)
		}
		if len(p.params) != tc.params || p.wantErr != tc.wantErr || p.wantAck != tc.wantAck || p.WantsErr() != tc.wantErr {
			t.Errorf("%T: plan %+v", tc.fn, p)
		}
	}
}

func TestPlanSharedPerType(t *testing.T) {
	a, _ := cache.For(reflect.TypeOf(func(string, float64) {}))
	b, _ := cache.For(reflect.TypeOf(func(x string, y float64) { _, _ = x, y }))
	if a != b {
		t.Fatal("two funcs of one type got two plans")
	}
}

func TestCallDecodes(t *testing.T) {
	type point struct{ X, Y int }
	var (
		gotS   string
		gotP   point
		gotM   json.RawMessage
		gotAck ack
	)
	fn := func(s string, p point, m json.RawMessage, a ack) { gotS, gotP, gotM, gotAck = s, p, m, a }
	p, err := cache.For(reflect.TypeOf(fn))
	if err != nil {
		t.Fatal(err)
	}
	called := false
	var theAck ack = func(...any) { called = true }
	if err := p.Call(fn, raws(`"hi"`, `{"X":1,"Y":2}`, `[1, 2]`, `"extra"`), nil, theAck); err != nil {
		t.Fatal(err)
	}
	if gotS != "hi" || gotP != (point{1, 2}) || string(gotM) != `[1, 2]` || gotAck == nil {
		t.Fatalf("got %q %+v %s %v", gotS, gotP, gotM, gotAck != nil)
	}
	gotAck()
	if !called {
		t.Fatal("the ack parameter is not the ack given")
	}

	// Missing arguments leave zero values.
	if err := p.Call(fn, raws(`"only"`), nil, theAck); err != nil || gotS != "only" || gotP != (point{}) || gotM != nil {
		t.Fatalf("err %v, got %q %+v %s", err, gotS, gotP, gotM)
	}
}

func TestCallRefusesUndecodable(t *testing.T) {
	called := false
	fn := func(string, int) { called = true }
	p, _ := cache.For(reflect.TypeOf(fn))
	err := p.Call(fn, raws(`"fine"`, `"not a number"`), nil, nil)
	var ae *ArgError
	if !errors.As(err, &ae) || ae.Index != 1 || !strings.HasPrefix(err.Error(), "argument 1: ") || called {
		t.Fatalf("err %v, called %v", err, called)
	}
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		t.Fatalf("err %v does not wrap the decoding error", err)
	}
}

func TestCallErr(t *testing.T) {
	boom := errors.New("boom")
	var got error
	var gotN int
	fn := func(err error, n int) { got, gotN = err, n }
	p, _ := cache.For(reflect.TypeOf(fn))
	p.CallErr(fn, boom, nil)
	if got != boom || gotN != 0 {
		t.Fatalf("got %v %d", got, gotN)
	}
	if err := p.Call(fn, raws(`3`), nil, nil); err != nil || got != nil || gotN != 3 {
		t.Fatalf("Call: err %v, got %v %d", err, got, gotN)
	}

	called := false
	noErr := func(int) { called = true }
	q, _ := cache.For(reflect.TypeOf(noErr))
	q.CallErr(noErr, boom, nil)
	if called {
		t.Fatal("CallErr called a func that takes no error")
	}
}

func TestDecodeAttachments(t *testing.T) {
	atts := raws("bin0", "bin1")
	raw := raws(`{"_placeholder":true,"num":1}`, `{"a":{"_placeholder":true,"num":0},"n":5}`, `{"_placeholder":true,"num":2}`)

	var b []byte
	if err := Decode(raw, atts, 0, &b); err != nil || string(b) != "bin1" {
		t.Fatalf("placeholder into []byte: %q %v", b, err)
	}
	b[0] = 'X'
	if string(atts[1]) != "bin1" {
		t.Fatal("Decode handed out the attachment's own bytes")
	}

	var tree any
	if err := Decode(raw, atts, 1, &tree); err != nil {
		t.Fatal(err)
	}
	if m, _ := tree.(map[string]any); string(m["a"].([]byte)) != "bin0" || m["n"] != float64(5) {
		t.Fatalf("nested placeholder into any: %#v", tree)
	}

	var s struct {
		A []byte
		N int
	}
	if err := Decode(raw, atts, 1, &s); err != nil || string(s.A) != "bin0" || s.N != 5 {
		t.Fatalf("nested placeholder into a struct: %+v %v", s, err)
	}

	if err := Decode(raw, atts, 2, &b); err == nil {
		t.Fatal("a placeholder past the attachments decoded")
	}
}
