package msgpack

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"unicode/utf8"
)

var fuzzAtts = [][]byte{{0}, []byte("abc"), {}}

func seedFromGolden(f *testing.F, pick func(goldenCase) []string) {
	for _, c := range loadGolden(f) {
		for _, s := range pick(c) {
			if len(s) < 4096 {
				f.Add([]byte(s))
			}
		}
	}
}

// transcode runs JSON -> msgpack -> JSON.
func transcode(t *testing.T, raw []byte, atts [][]byte) (mp, out []byte, outAtts [][]byte, err error) {
	var w Writer
	if err := w.JSON(raw, atts); err != nil {
		return nil, nil, nil, err
	}
	r := NewReader(w.Bytes())
	out, outAtts, err = r.JSON(nil, nil)
	if err != nil {
		t.Fatalf("Reader.JSON of Writer.JSON(%q) = %x: %v", raw, w.Bytes(), err)
	}
	if r.Len() != 0 {
		t.Fatalf("Reader.JSON left %d bytes", r.Len())
	}
	return w.Bytes(), out, outAtts, nil
}

// FuzzJSONRoundTrip: whatever JSON the Writer accepts comes back from the
// Reader as valid JSON holding the same value, and a second trip changes
// nothing.
func FuzzJSONRoundTrip(f *testing.F) {
	seedFromGolden(f, func(c goldenCase) []string { return []string{c.Input} })
	f.Add([]byte(`[{"_placeholder":true,"num":2},{"num":0,"_placeholder":true},{"2":1,"1":2,"a":3,"a":4}]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		mp, out, outAtts, err := transcode(t, raw, fuzzAtts)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON %q from %q", out, raw)
		}
		_, out2, outAtts2, err := transcode(t, out, outAtts)
		if err != nil {
			t.Fatalf("Writer.JSON(%q) (from %q): %v", out, raw, err)
		}
		if !bytes.Equal(out, out2) || len(outAtts) != len(outAtts2) {
			t.Fatalf("second trip differs:\n%q -> %x -> %q\n     -> %q", raw, mp, out, out2)
		}
		if utf8.Valid(raw) && !bytes.Contains(bytes.ToLower(raw), []byte(`\ud`)) {
			var before, after any
			if json.Unmarshal(raw, &before) != nil || json.Unmarshal(out, &after) != nil {
				return // beyond what encoding/json reads (1e400)
			}
			if !sameValue(resolve(before, fuzzAtts), resolve(after, outAtts)) {
				t.Fatalf("value changed: %q -> %q", raw, out)
			}
		}
	})
}

// resolve replaces each placeholder by its attachment, as a string.
func resolve(v any, atts [][]byte) any {
	switch v := v.(type) {
	case map[string]any:
		if v["_placeholder"] == true {
			return "bin:" + string(atts[int(v["num"].(float64))])
		}
		for k, e := range v {
			v[k] = resolve(e, atts)
		}
	case []any:
		for i, e := range v {
			v[i] = resolve(e, atts)
		}
	}
	return v
}

// sameValue compares decoded JSON; integers notepack wraps (2^63 and beyond)
// are exempt.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case float64:
		bf, ok := b.(float64)
		return ok && (a == bf || math.Abs(a) >= 1<<63)
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, v := range a {
			if !sameValue(v, bm[k]) {
				return false
			}
		}
		return true
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return false
		}
		for i := range a {
			if !sameValue(a[i], bs[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

// FuzzReader: on any bytes the Reader neither panics nor allocates more than
// a small multiple of the input; what it transcodes is valid JSON the Writer
// accepts, and Skip agrees with JSON on where the value ends.
func FuzzReader(f *testing.F) {
	seedFromGolden(f, func(c goldenCase) []string {
		return []string{string(mustHex(f, c.Notepack)), string(mustHex(f, c.Msgpack))}
	})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(in)
		out, atts, err := r.JSON(nil, nil)
		if maxOut := 20*len(in) + 16; len(out) > maxOut || len(atts) > len(in) {
			t.Fatalf("%d bytes in, %d out, %d attachments", len(in), len(out), len(atts))
		}
		s := NewReader(in)
		skipErr := s.Skip()
		if err != nil {
			if r.Offset() != 0 {
				t.Fatalf("Reader moved on error")
			}
			return
		}
		if skipErr != nil || s.Offset() != r.Offset() {
			t.Fatalf("Skip: %v at %d, JSON ended at %d", skipErr, s.Offset(), r.Offset())
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON %q from %x", out, in)
		}
		// A map that happens to look like a placeholder is one to Socket.IO
		// too; nothing else may fail.
		var w Writer
		if err := w.JSON(out, atts); err != nil && !errors.Is(err, ErrPlaceholder) {
			t.Fatalf("Writer.JSON(%q): %v", out, err)
		}
	})
}
