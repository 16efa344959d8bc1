package jsvalue

import (
	"reflect"
	"testing"
)

func TestMapBytesReplacesNestedBytesAndCopies(t *testing.T) {
	in := []any{[]byte{1}, map[string]any{"b": []byte{2, 3}, "s": "x"}, 4.0}
	got := MapBytes(in, func(b []byte) any { return len(b) })
	want := []any{1, map[string]any{"b": 2, "s": "x"}, 4.0}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
	if _, ok := in[1].(map[string]any)["b"].([]byte); !ok {
		t.Fatal("the input changed")
	}
	if got := MapBytes("plain", func([]byte) any { return nil }); got != "plain" {
		t.Fatalf("scalar: %#v", got)
	}
}
