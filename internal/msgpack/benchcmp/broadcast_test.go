// Package benchcmp measures tornadio's msgpack transcoder against
// github.com/vmihailenco/msgpack/v5 on the message the Redis adapters send
// most: the classic adapter's broadcast [uid, packet, opts]. It is a module of
// its own so that the adapters' module does not depend on vmihailenco.
package benchcmp

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tornadio/tornadio/internal/msgpack"
	vm "github.com/vmihailenco/msgpack/v5"
)

// A chat-like broadcast: one event with two JSON arguments.
var (
	uid   = "uRFA6x"
	event = "chat message"
	args  = [][]byte{
		[]byte(`{"user":"alice","text":"hello, world — ça va?","ts":1700000000123,"room":"lobby","tags":["greeting","fr"],"meta":{"edited":false,"replyTo":null,"score":4.5}}`),
		[]byte(`42`),
	}
)

// ours writes the broadcast with the Writer, transcoding the JSON arguments.
func ours(buf []byte) []byte {
	w := msgpack.NewWriter(buf[:0])
	w.ArrayHeader(3)
	w.String(uid)
	w.MapHeader(3)
	w.String("type")
	w.Int(2)
	w.String("data")
	w.ArrayHeader(1 + len(args))
	w.String(event)
	for _, a := range args {
		if err := w.JSON(a, nil); err != nil {
			panic(err)
		}
	}
	w.String("nsp")
	w.String("/")
	w.MapHeader(3)
	w.String("rooms")
	w.ArrayHeader(0)
	w.String("except")
	w.ArrayHeader(0)
	w.String("flags")
	w.MapHeader(0)
	return w.Bytes()
}

// decoded is what a receiver needs from a broadcast.
type decoded struct {
	uid, event, nsp string
	args            [][]byte // JSON, views of text
	atts            [][]byte
	rooms, except   []string
	text            []byte
}

// oursDecode reads the broadcast with the Reader, transcoding the arguments
// back to JSON into one reused buffer.
func oursDecode(b []byte, d *decoded) error {
	r := msgpack.NewReader(b)
	d.args, d.atts, d.text, d.rooms, d.except = d.args[:0], d.atts[:0], d.text[:0], d.rooms[:0], d.except[:0]
	if _, err := r.ArrayHeader(); err != nil {
		return err
	}
	s, err := r.StrBytes()
	if err != nil {
		return err
	}
	d.uid = string(s)
	n, err := r.MapHeader()
	if err != nil {
		return err
	}
	var ends []int
	for range n {
		k, err := r.StrBytes()
		if err != nil {
			return err
		}
		switch string(k) {
		case "type":
			if _, err := r.Int(); err != nil {
				return err
			}
		case "nsp":
			if d.nsp, err = r.Str(); err != nil {
				return err
			}
		case "data":
			m, err := r.ArrayHeader()
			if err != nil {
				return err
			}
			if d.event, err = r.Str(); err != nil {
				return err
			}
			for range m - 1 {
				if d.text, d.atts, err = r.JSON(d.text, d.atts); err != nil {
					return err
				}
				ends = append(ends, len(d.text))
			}
		default:
			if err := r.Skip(); err != nil {
				return err
			}
		}
	}
	start := 0
	for _, e := range ends {
		d.args = append(d.args, d.text[start:e])
		start = e
	}
	n, err = r.MapHeader()
	if err != nil {
		return err
	}
	for range n {
		k, err := r.StrBytes()
		if err != nil {
			return err
		}
		switch string(k) {
		case "rooms", "except":
			m, err := r.ArrayHeader()
			if err != nil {
				return err
			}
			for range m {
				room, err := r.Str()
				if err != nil {
					return err
				}
				if string(k) == "rooms" {
					d.rooms = append(d.rooms, room)
				} else {
					d.except = append(d.except, room)
				}
			}
		default:
			if err := r.Skip(); err != nil {
				return err
			}
		}
	}
	return nil
}

// The vmihailenco way: JSON arguments become Go values (encoding/json), the
// tuple is marshalled, with compact ints and floats so that numbers get
// notepack's widths, and map keys sorted so that the bytes are at least
// deterministic.
type vmPacket struct {
	Type int    `msgpack:"type"`
	Data []any  `msgpack:"data"`
	Nsp  string `msgpack:"nsp"`
}

type vmOpts struct {
	Rooms  []string       `msgpack:"rooms"`
	Except []string       `msgpack:"except"`
	Flags  map[string]any `msgpack:"flags"`
}

func vmEncode(buf *bytes.Buffer, enc *vm.Encoder) []byte {
	buf.Reset()
	data := make([]any, 0, 1+len(args))
	data = append(data, event)
	for _, a := range args {
		var v any
		if err := json.Unmarshal(a, &v); err != nil {
			panic(err)
		}
		data = append(data, v)
	}
	tuple := []any{uid, &vmPacket{Type: 2, Data: data, Nsp: "/"}, &vmOpts{Rooms: []string{}, Except: []string{}, Flags: map[string]any{}}}
	if err := enc.Encode(tuple); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func vmDecode(b []byte, dec *vm.Decoder, rd *bytes.Reader) ([][]byte, error) {
	rd.Reset(b)
	dec.Reset(rd)
	var tuple []any
	if err := dec.Decode(&tuple); err != nil {
		return nil, err
	}
	packet := tuple[1].(map[string]any)
	data := packet["data"].([]any)
	out := make([][]byte, 0, len(data)-1)
	for _, a := range data[1:] {
		j, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

func newVMEncoder(buf *bytes.Buffer) *vm.Encoder {
	enc := vm.NewEncoder(buf)
	enc.UseCompactInts(true)
	enc.UseCompactFloats(true)
	enc.SetSortMapKeys(true)
	return enc
}

func BenchmarkEncodeBroadcast(b *testing.B) {
	b.Run("tornadio", func(b *testing.B) {
		buf := make([]byte, 0, 512)
		b.ReportAllocs()
		for b.Loop() {
			buf = ours(buf)
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("vmihailenco", func(b *testing.B) {
		var buf bytes.Buffer
		enc := newVMEncoder(&buf)
		b.ReportAllocs()
		for b.Loop() {
			vmEncode(&buf, enc)
		}
		b.SetBytes(int64(buf.Len()))
	})
}

func BenchmarkDecodeBroadcast(b *testing.B) {
	msg := ours(nil)
	b.Run("tornadio", func(b *testing.B) {
		var d decoded
		b.ReportAllocs()
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			if err := oursDecode(msg, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("vmihailenco", func(b *testing.B) {
		dec := vm.NewDecoder(nil)
		var rd bytes.Reader
		b.ReportAllocs()
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			if _, err := vmDecode(msg, dec, &rd); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The transcoder gives back the arguments it was given, byte for byte, and
// writes what notepack writes; vmihailenco's bytes differ (keys sorted, not in
// the arguments' order).
func TestRoundTripAndWhatVMLoses(t *testing.T) {
	msg := ours(nil)
	var d decoded
	if err := oursDecode(msg, &d); err != nil {
		t.Fatal(err)
	}
	if d.uid != uid || d.event != event || d.nsp != "/" || len(d.args) != len(args) {
		t.Fatalf("decoded %+v", d)
	}
	for i := range args {
		if !bytes.Equal(d.args[i], args[i]) {
			t.Errorf("arg %d = %s, want %s", i, d.args[i], args[i])
		}
	}
	var buf bytes.Buffer
	vmBytes := vmEncode(&buf, newVMEncoder(&buf))
	if bytes.Equal(vmBytes, msg) {
		t.Fatal("vmihailenco wrote notepack's bytes; update the package doc")
	}
	back, err := vmDecode(msg, vm.NewDecoder(nil), new(bytes.Reader))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(back[0], args[0]) {
		t.Fatal("vmihailenco kept the key order; update the package doc")
	}
}
