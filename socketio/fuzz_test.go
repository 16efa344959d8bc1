package socketio

import (
	"bytes"
	"encoding/json"
	"testing"
)

// addParseSeeds seeds a fuzzer taking (packet, v5) with the parser's test
// tables: valid packets of each version and invalid ones.
func addParseSeeds(f *testing.F) {
	for _, c := range validV5 {
		f.Add([]byte(c.in), true)
	}
	for _, c := range validV4 {
		f.Add([]byte(c.in), false)
	}
	for _, in := range invalidBoth {
		f.Add([]byte(in), true)
	}
	for _, in := range invalidV5Only {
		f.Add([]byte(in), true)
	}
}

func FuzzParse(f *testing.F) {
	addParseSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte, v5 bool) {
		version := 4
		if v5 {
			version = 5
		}
		p, err := Parse(b, version)
		if err != nil {
			return
		}
		if p.Type > BinaryAck || (!p.Type.IsBinary() && p.Attachments != 0) || p.Attachments < 0 {
			t.Fatalf("bad packet %+v", p)
		}
		if p.Data != nil && !json.Valid(p.Data) {
			t.Fatalf("accepted invalid JSON %q", p.Data)
		}
		enc := AppendPacket(nil, p)
		q, err := Parse(enc, version)
		if err != nil {
			t.Fatalf("re-encoded %q (from %q) rejected: %v", enc, b, err)
		}
		if !samePacket(p, q) {
			t.Fatalf("round trip %q -> %q: %+v != %+v", b, enc, q, p)
		}
		if p.Type == Event || p.Type == BinaryEvent {
			elems, err := SplitArray(p.Data, nil)
			if err != nil || len(elems) == 0 {
				t.Fatalf("SplitArray(%q): %v", p.Data, err)
			}
			if v5 {
				name, err := EventName(elems[0])
				if err != nil || IsReservedEvent(name) {
					t.Fatalf("EventName(%q) = %q, %v", elems[0], name, err)
				}
				var ref string
				if json.Unmarshal(elems[0], &ref) != nil || (ref != name && !bytes.ContainsRune([]byte(ref), 0xFFFD)) {
					t.Fatalf("EventName(%q) = %q, encoding/json %q", elems[0], name, ref)
				}
			}
		}
	})
}

func FuzzSplitArray(f *testing.F) {
	for _, s := range []string{`[]`, `["chat","hello world",3]`, ` [ {"a":[1,{"b":"]"}]} , "x,y" ] `,
		`["esc \" \\ \u00e9 \ud83d\ude00"]`, `[-0,0.5,-1.25e+10,1E-3]`, `[1,]`, `[{"a"}]`, `null`, `["日本語"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		elems, err := SplitArray(b, nil)
		var ref []json.RawMessage
		jerr := json.Unmarshal(b, &ref)
		isArray := jerr == nil && ref != nil // "null" decodes to a nil slice
		if isArray != (err == nil) {
			t.Fatalf("SplitArray(%q): %v; encoding/json: %v (nil=%v)", b, err, jerr, ref == nil)
		}
		if err != nil {
			return
		}
		if len(elems) != len(ref) {
			t.Fatalf("SplitArray(%q): %d elements, encoding/json %d", b, len(elems), len(ref))
		}
		for i := range elems {
			if !bytes.Equal(elems[i], ref[i]) {
				t.Fatalf("element %d: %q vs %q", i, elems[i], ref[i])
			}
		}
	})
}

// FuzzParseArgs: ParseArgs accepts exactly what Parse accepts, returns the
// same packet, and, for events and acks, the elements SplitArray finds.
func FuzzParseArgs(f *testing.F) {
	addParseSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte, v5 bool) {
		version := 4
		if v5 {
			version = 5
		}
		prefix := [][]byte{[]byte("kept")}
		q, args, err := ParseArgs(b, version, prefix)
		p, perr := Parse(b, version)
		if (err == nil) != (perr == nil) {
			t.Fatalf("%q: ParseArgs error %v, Parse error %v", b, err, perr)
		}
		if len(args) == 0 || string(args[0]) != "kept" {
			t.Fatalf("%q: dst's elements lost: %q", b, args)
		}
		if err != nil {
			if len(args) != 1 {
				t.Fatalf("%q: error %v but dst grew: %q", b, err, args)
			}
			return
		}
		if !samePacket(p, q) {
			t.Fatalf("%q: ParseArgs %+v, Parse %+v", b, q, p)
		}
		want := [][]byte{[]byte("kept")}
		switch p.Type {
		case Event, BinaryEvent, Ack, BinaryAck:
			if want, err = SplitArray(p.Data, want); err != nil {
				t.Fatalf("%q: Parse accepted what SplitArray refuses: %v", b, err)
			}
		}
		if len(args) != len(want) {
			t.Fatalf("%q: elements %q, want %q", b, args, want)
		}
		for i := range want {
			if !bytes.Equal(args[i], want[i]) {
				t.Fatalf("%q: elements %q, want %q", b, args, want)
			}
		}
	})
}
