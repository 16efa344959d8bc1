package socketio

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestIsPlaceholder(t *testing.T) {
	good := map[string]int{
		`{"_placeholder":true,"num":0}`:             0,
		`{"num":3,"_placeholder":true}`:             3,
		` { "_placeholder" : true , "num" : 12 } `:  12,
		`{"\u005fplaceholder":true,"n\u0075m":7}`:   7,
		"{\n\t\"_placeholder\":true,\r\n\"num\":1}": 1,
	}
	for in, n := range good {
		if got, ok := IsPlaceholder([]byte(in)); !ok || got != n {
			t.Errorf("IsPlaceholder(%s) = %d, %v; want %d", in, got, ok, n)
		}
	}
	bad := []string{``, `{}`, `[]`, `"x"`, `{"_placeholder":true}`, `{"num":0}`,
		`{"_placeholder":false,"num":0}`, `{"_placeholder":"true","num":0}`, `{"_placeholder":true,"num":-1}`,
		`{"_placeholder":true,"num":1.0}`, `{"_placeholder":true,"num":1e1}`, `{"_placeholder":true,"num":"1"}`,
		`{"_placeholder":true,"num":01}`, `{"_placeholder":true,"num":0,"x":1}`, `{"_placeholder":true,"num":0,}`,
		`{"_placeholder":true,"num":0,"num":1}`, `{"_placeholder":true,"_placeholder":true,"num":0}`,
		`{"_placeholder":true,"num":0}x`, `{"_placeholder":true,"num":0`, `{"_placeholder":true "num":0}`,
		`{"_placeholder":true,"num":99999999999999999999}`, `{_placeholder:true,num:0}`}
	for _, in := range bad {
		if n, ok := IsPlaceholder([]byte(in)); ok {
			t.Errorf("IsPlaceholder(%s) = %d, true", in, n)
		}
	}
}

func TestDeconstructReconstruct(t *testing.T) {
	b0, b1, b2 := []byte{1, 2, 3}, []byte("second"), []byte{}
	v := []any{
		"upload",
		map[string]any{
			"file": b0,
			"meta": map[string]any{"name": "x.bin", "parts": []any{b1, 7.0, nil, true}},
			"zz":   b2,
		},
		[]any{[]any{"deep", map[string]any{"k": "v"}}},
		42.0,
	}
	if !HasBinary(v) {
		t.Fatal("HasBinary false")
	}
	out, atts := Deconstruct(v, nil)
	if HasBinary(out) {
		t.Fatal("output still has binary")
	}
	if len(atts) != 3 || !bytes.Equal(atts[0], b0) || !bytes.Equal(atts[1], b1) || !bytes.Equal(atts[2], b2) {
		t.Fatalf("attachments %q", atts)
	}
	// The input is not modified.
	if !reflect.DeepEqual(v[1].(map[string]any)["file"], b0) {
		t.Fatal("input modified")
	}
	enc, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	want := `["upload",{"file":{"_placeholder":true,"num":0},"meta":{"name":"x.bin","parts":[{"_placeholder":true,"num":1},7,null,true]},"zz":{"_placeholder":true,"num":2}},[["deep",{"k":"v"}]],42]`
	if string(enc) != want {
		t.Fatalf("encoded\n%s\nwant\n%s", enc, want)
	}
	// Build the packet, parse it, and reconstruct.
	pkt := AppendPacket(nil, Packet{Type: BinaryEvent, ID: -1, Attachments: len(atts), Data: enc})
	p, err := Parse(pkt, 5)
	if err != nil {
		t.Fatal(err)
	}
	var dec any
	if err := json.Unmarshal(p.Data, &dec); err != nil {
		t.Fatal(err)
	}
	got, err := Reconstruct(dec, atts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("reconstructed %#v\nwant %#v", got, v)
	}
	// Placeholder spans can be found with SplitArray + IsPlaceholder.
	elems, _ := SplitArray(p.Data, nil)
	if _, ok := IsPlaceholder(elems[1]); ok {
		t.Error("map taken for placeholder")
	}
}

func TestDeconstructNoBinary(t *testing.T) {
	m := map[string]any{"a": []any{1.0, "x"}}
	out, atts := Deconstruct(m, nil)
	if atts != nil || reflect.ValueOf(out).Pointer() != reflect.ValueOf(m).Pointer() {
		t.Error("value without binary copied")
	}
	out, atts = Deconstruct([]byte("x"), [][]byte{[]byte("prev")})
	if len(atts) != 2 || out.(map[string]any)["num"] != 1 {
		t.Errorf("num continues after existing attachments: %v %q", out, atts)
	}
	for _, v := range []any{nil, 1, "s", json.RawMessage(`"x"`), []string{"a"}} {
		if HasBinary(v) {
			t.Errorf("HasBinary(%#v)", v)
		}
	}
}

func TestReconstructErrors(t *testing.T) {
	atts := [][]byte{[]byte("a")}
	for _, in := range []string{
		`{"_placeholder":true,"num":1}`, `[{"_placeholder":true,"num":-1}]`, `{"x":{"_placeholder":true}}`,
		`{"_placeholder":true,"num":0.5}`, `{"_placeholder":true,"num":"0"}`,
	} {
		var v any
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatal(err)
		}
		if _, err := Reconstruct(v, atts); !errors.Is(err, ErrBadAttachment) {
			t.Errorf("Reconstruct(%s): %v", in, err)
		}
	}
	// json.Number, int and a non-placeholder "_placeholder": false.
	d := json.NewDecoder(bytes.NewReader([]byte(`[{"_placeholder":true,"num":0},{"_placeholder":false,"num":5}]`)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	got, err := Reconstruct(v, atts)
	if err != nil || !bytes.Equal(got.([]any)[0].([]byte), atts[0]) {
		t.Fatalf("json.Number: %v %v", got, err)
	}
	got, err = Reconstruct(map[string]any{"_placeholder": true, "num": 0}, atts)
	if err != nil || !bytes.Equal(got.([]byte), atts[0]) {
		t.Fatalf("int num: %v %v", got, err)
	}
}

func TestAssembler(t *testing.T) {
	var a Assembler
	if a.Pending() {
		t.Fatal("zero value pending")
	}
	if _, err := a.Add([]byte("x")); !errors.Is(err, ErrBadAttachment) {
		t.Fatal("Add without Start")
	}
	in := []byte(`52-/admin,9["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`)
	p, err := Parse(in, 5)
	if err != nil {
		t.Fatal(err)
	}
	a.Start(p)
	copy(in, bytes.Repeat([]byte("#"), len(in))) // input buffer reused by the caller
	if !a.Pending() {
		t.Fatal("not pending")
	}
	if got := a.Packet(); got.Data != nil || got.ID != -1 {
		t.Fatal("packet visible before completion")
	}
	buf := []byte("one")
	if done, err := a.Add(buf); done || err != nil {
		t.Fatal(done, err)
	}
	buf[0] = 'X'
	if done, err := a.Add([]byte("two")); !done || err != nil {
		t.Fatal(done, err)
	}
	if a.Pending() {
		t.Fatal("still pending")
	}
	got := a.Packet()
	if got.Type != BinaryEvent || string(got.Namespace) != "/admin" || got.ID != 9 || got.Attachments != 2 ||
		string(got.Data) != `["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]` {
		t.Fatalf("packet %+v", got)
	}
	if at := a.Attachments(); len(at) != 2 || string(at[0]) != "one" || string(at[1]) != "two" {
		t.Fatalf("attachments %q", at)
	}
	if _, err := a.Add([]byte("three")); err == nil {
		t.Fatal("extra attachment accepted")
	}
	a.Reset()
	if a.Pending() || a.Attachments() != nil {
		t.Fatal("reset")
	}
	// Zero attachments: complete at once. Buffers are reused.
	p, _ = Parse([]byte(`60-5[]`), 5)
	a.Start(p)
	if a.Pending() || a.Packet().ID != 5 || len(a.Attachments()) != 0 {
		t.Fatal("zero attachments")
	}
	p, _ = Parse([]byte(`61-1[{"_placeholder":true,"num":0}]`), 5)
	a.Start(p)
	allocs := testing.AllocsPerRun(100, func() {
		a.Start(p)
		a.Add([]byte("on"))
	})
	if allocs != 0 {
		t.Errorf("Assembler steady state allocates %v", allocs)
	}
}
