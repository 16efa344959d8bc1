package msgpack

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

func TestWriterJSONDoesNotAllocate(t *testing.T) {
	raw := []byte(`{"user":"alice","text":"h\u00e9llo \"you\"","n":[1,-7,1099511627776,4.5,1e21],"bin":{"_placeholder":true,"num":0},"ok":true,"none":null}`)
	atts := [][]byte{[]byte("abc")}
	buf := make([]byte, 0, 1024)
	allocs := testing.AllocsPerRun(100, func() {
		w := NewWriter(buf[:0])
		if err := w.JSON(raw, atts); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Writer.JSON: %v allocations, want 0", allocs)
	}
}

func TestReaderJSONDoesNotAllocate(t *testing.T) {
	var w Writer
	if err := w.JSON([]byte(`{"a":[1,2.5,"x\n",null,true,{"_placeholder":true,"num":0}],"b":{}}`), [][]byte{{1}}); err != nil {
		t.Fatal(err)
	}
	msg := w.Bytes()
	dst := make([]byte, 0, 1024)
	atts := make([][]byte, 0, 4)
	allocs := testing.AllocsPerRun(100, func() {
		r := NewReader(msg)
		if _, _, err := r.JSON(dst, atts); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Reader.JSON: %v allocations, want 0", allocs)
	}
}

// What the Reader allocates grows with the input, never with what its headers
// claim. The costliest input, an array of empty bins, turns each two bytes
// into a 31-byte placeholder and a 24-byte attachment, which buffer growth
// may double: under 128 bytes per input byte.
func TestReaderAllocationBound(t *testing.T) {
	n := 1 << 14
	inputs := map[string][]byte{
		"empty bins":      append([]byte{0xdd, 0, 0, byte(n >> 8), byte(n)}, bytes.Repeat([]byte{0xc4, 0}, n/2)...),
		"nils":            append([]byte{0xdd, 0, 0, byte(n >> 8), byte(n)}, bytes.Repeat([]byte{0xc0}, n)...),
		"control strings": append([]byte{0xdd, 0, 0, byte(n >> 8), byte(n / 2)}, bytes.Repeat([]byte{0xa1, 0x01}, n/2)...),
		"dates":           append([]byte{0xdd, 0, 0, byte(n >> 8), byte(n / 6)}, bytes.Repeat([]byte{0xd6, 0xff, 0, 0, 0, 0}, n/6)...),
		"huge claims":     {0xdd, 0xff, 0xff, 0xff, 0xff, 0xdf, 0xff, 0xff, 0xff, 0xff},
	}
	for name, in := range inputs {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewReader(in)
		_, _, _ = r.JSON(nil, nil)
		_ = r.Skip()
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > uint64(128*len(in)+4096) {
			t.Errorf("%s: %d bytes allocated for %d bytes of input", name, got, len(in))
		}
	}
}

// Objects of up to 16 keys are transcoded without allocating.
func TestWriterJSONLargeObjectDoesNotAllocate(t *testing.T) {
	var raw bytes.Buffer
	raw.WriteByte('{')
	for i := range 16 {
		if i > 0 {
			raw.WriteByte(',')
		}
		fmt.Fprintf(&raw, `"key%d":%d`, i, i)
	}
	raw.WriteByte('}')
	buf := make([]byte, 0, 2048)
	allocs := testing.AllocsPerRun(100, func() {
		w := NewWriter(buf[:0])
		if err := w.JSON(raw.Bytes(), nil); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Writer.JSON: %v allocations, want 0", allocs)
	}
}
