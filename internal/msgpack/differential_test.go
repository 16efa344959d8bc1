package msgpack

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// TestDifferential checks the codec against random cases from
// testdata/differential.js, when MSGPACK_DIFFERENTIAL names their file.
// Writer.JSON must give notepack's bytes, except where notepack's own bytes
// were never written (a lone surrogate it measured one way and wrote
// another): there it writes zeros. Reader.JSON must give what each library
// decodes.
func TestDifferential(t *testing.T) {
	path := os.Getenv("MSGPACK_DIFFERENTIAL")
	if path == "" {
		t.Skip("MSGPACK_DIFFERENTIAL not set; see testdata/differential.js")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	unwritten := 0
	for _, c := range cases {
		var w Writer
		if err := w.JSON([]byte(c.Input), nil); err != nil {
			t.Errorf("%s: %v", c.Input, err)
			continue
		}
		want := mustHex(t, c.Notepack)
		switch {
		case bytes.Equal(w.Bytes(), want):
		case differsOnlyWhereZero(w.Bytes(), want):
			unwritten++
		default:
			t.Errorf("Writer.JSON(%.300s)\n got %s\nwant %s", c.Input, shortHex(w.Bytes()), shortHex(want))
		}
		for _, lib := range []struct{ hex, want string }{{c.Notepack, *c.NotepackDecoded}, {c.Msgpack, *c.MsgpackDecoded}} {
			r := NewReader(mustHex(t, lib.hex))
			got, _, err := r.JSON(nil, nil)
			if err != nil || string(got) != lib.want {
				t.Errorf("Reader.JSON(%s): %v\n got %.300s\nwant %.300s", shortHex(mustHex(t, lib.hex)), err, got, lib.want)
			}
		}
	}
	t.Logf("%d cases, %d with bytes notepack never wrote", len(cases), unwritten)
}

func differsOnlyWhereZero(got, want []byte) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] && got[i] != 0 {
			return false
		}
	}
	return true
}
