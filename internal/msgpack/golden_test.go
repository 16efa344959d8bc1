package msgpack

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// goldenCase is one entry of testdata/golden.json, written by testdata/gen.js
// with notepack.io 3.0.1 and @msgpack/msgpack 2.8.0.
type goldenCase struct {
	Name            string   `json:"name"`
	Input           string   `json:"input"`
	JSON            string   `json:"json"`
	Atts            []string `json:"atts"`
	Notepack        string   `json:"notepack"`
	Msgpack         string   `json:"msgpack"`
	DecodeOnly      bool     `json:"decodeOnly"`
	NotepackDecoded *string  `json:"notepackDecoded"`
	MsgpackDecoded  *string  `json:"msgpackDecoded"`
}

func loadGolden(t testing.TB) []goldenCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c goldenCase) attachments(t testing.TB) [][]byte {
	atts := make([][]byte, len(c.Atts))
	for i, a := range c.Atts {
		atts[i] = mustHex(t, a)
	}
	return atts
}

// A Socket.IO placeholder without a valid num is an error in Socket.IO, so
// the Writer refuses what notepack encodes as a plain map.
var goldenWriterRejects = map[string]bool{"not a placeholder (num missing)": true}

func TestGoldenWriterMatchesNotepack(t *testing.T) {
	for _, c := range loadGolden(t) {
		if c.DecodeOnly {
			continue
		}
		var w Writer
		err := w.JSON([]byte(c.Input), c.attachments(t))
		if goldenWriterRejects[c.Name] {
			if !errors.Is(err, ErrPlaceholder) {
				t.Errorf("%s: err = %v, want ErrPlaceholder", c.Name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if want := mustHex(t, c.Notepack); !bytes.Equal(w.Bytes(), want) {
			t.Errorf("%s:\n got %s\nwant %s", c.Name, shortHex(w.Bytes()), shortHex(want))
		}
	}
}

func TestGoldenReaderDecodesBothLibraries(t *testing.T) {
	for _, c := range loadGolden(t) {
		for _, lib := range []struct {
			name    string
			hex     string
			decoded *string
		}{{"notepack", c.Notepack, c.NotepackDecoded}, {"msgpack", c.Msgpack, c.MsgpackDecoded}} {
			want := c.JSON
			if lib.decoded != nil {
				want = *lib.decoded
			}
			r := NewReader(mustHex(t, lib.hex))
			got, atts, err := r.JSON(nil, nil)
			if err != nil {
				t.Errorf("%s/%s: %v", c.Name, lib.name, err)
				continue
			}
			if string(got) != want {
				t.Errorf("%s/%s:\n got %.200s\nwant %.200s", c.Name, lib.name, got, want)
			}
			if r.Len() != 0 {
				t.Errorf("%s/%s: %d bytes left", c.Name, lib.name, r.Len())
			}
			wantAtts := c.attachments(t)
			if len(atts) != len(wantAtts) {
				t.Errorf("%s/%s: %d attachments, want %d", c.Name, lib.name, len(atts), len(wantAtts))
				continue
			}
			for i := range atts {
				if !bytes.Equal(atts[i], wantAtts[i]) {
					t.Errorf("%s/%s: attachment %d = %x, want %x", c.Name, lib.name, i, atts[i], wantAtts[i])
				}
			}
		}
	}
}

func shortHex(b []byte) string {
	if len(b) > 64 {
		return hex.EncodeToString(b[:64]) + "…"
	}
	return hex.EncodeToString(b)
}

// TestGoldenSafeIntWriterMatchesMsgpackJS: the safe-integer Writer gives
// @msgpack/msgpack's bytes (the streams adapter's library) for every golden
// value but lone surrogates, which that library writes its own way.
func TestGoldenSafeIntWriterMatchesMsgpackJS(t *testing.T) {
	for _, c := range loadGolden(t) {
		if c.DecodeOnly || goldenWriterRejects[c.Name] || strings.Contains(c.Name, "surrogate") {
			continue
		}
		w := NewSafeIntWriter(nil)
		if err := w.JSON([]byte(c.Input), c.attachments(t)); err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if want := mustHex(t, c.Msgpack); !bytes.Equal(w.Bytes(), want) {
			t.Errorf("%s:\n got %s\nwant %s", c.Name, shortHex(w.Bytes()), shortHex(want))
		}
	}
}
