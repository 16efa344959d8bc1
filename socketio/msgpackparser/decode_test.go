package msgpackparser_test

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/socketio/msgpackparser"
)

// mp builds msgpack bytes from hex written with spaces for reading.
func mp(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Pieces of packet maps: keys and values.
const (
	kType = "a4 74797065"
	kNsp  = "a3 6e7370"
	kData = "a4 64617461"
	kID   = "a2 6964"
	kOpts = "a7 6f7074696f6e73"
	root  = "a1 2f"
	undef = "d4 00 00"
	evArr = "92 a4 63686174 01" // ["chat",1]
)

// TestDecodeRules: the checks of socket.io-msgpack-parser, and what
// tornadio adds (see the package doc), each on one message.
func TestDecodeRules(t *testing.T) {
	cases := []struct {
		name string
		msg  string
		want error // nil: decoded, or dropped when drop
		drop bool
		data string
	}{
		{name: "event", msg: "83" + kType + "02" + kData + evArr + kNsp + root, data: `["chat",1]`},
		{name: "keys in any order, others ignored", msg: "84" + kNsp + root + kOpts + "81 a1 78 c3" + kData + evArr + kType + "02", data: `["chat",1]`},
		{name: "a key given twice keeps its last value", msg: "84" + kType + "03" + kData + evArr + kType + "02" + kNsp + root, data: `["chat",1]`},
		{name: "non-string keys skipped", msg: "84 01 02" + kType + "02" + kData + evArr + kNsp + root, data: `["chat",1]`},
		{name: "type as an integral float", msg: "83" + kType + "cb 4000000000000000" + kData + evArr + kNsp + root, data: `["chat",1]`},
		{name: "connect with undefined data", msg: "83" + kType + "00" + kData + undef + kNsp + root},
		{name: "connect with auth", msg: "83" + kType + "00" + kData + "81 a1 74 a1 78" + kNsp + root, data: `{"t":"x"}`},
		{name: "disconnect", msg: "82" + kType + "01" + kNsp + "a2 2f61"},
		{name: "undefined id is none", msg: "84" + kType + "02" + kData + evArr + kID + undef + kNsp + root, data: `["chat",1]`},
		{name: "text message", msg: "", want: msgpackparser.ErrTextMessage},
		{name: "not a map", msg: "93 02 a1 2f 90", want: socketio.ErrBadPacket},
		{name: "bytes after the map", msg: "83" + kType + "02" + kData + evArr + kNsp + root + "c0", want: socketio.ErrBadPacket},
		{name: "truncated", msg: "83" + kType + "02" + kData + "92 a4 6368", want: socketio.ErrBadPacket},
		{name: "no type", msg: "82" + kData + evArr + kNsp + root, want: msgpackparser.ErrType},
		{name: "type 5", msg: "83" + kType + "05" + kData + evArr + kNsp + root, want: msgpackparser.ErrType},
		{name: "type 2.5", msg: "83" + kType + "cb 4004000000000000" + kData + evArr + kNsp + root, want: msgpackparser.ErrType},
		{name: "type as a string", msg: "83" + kType + "a1 32" + kData + evArr + kNsp + root, want: msgpackparser.ErrType},
		{name: "no namespace", msg: "82" + kType + "02" + kData + evArr, want: msgpackparser.ErrNamespace},
		{name: "namespace not a string", msg: "83" + kType + "02" + kData + evArr + kNsp + "01", want: msgpackparser.ErrNamespace},
		{name: "event data not an array", msg: "83" + kType + "02" + kData + "81 a1 61 01" + kNsp + root, want: msgpackparser.ErrPayload},
		{name: "event without data", msg: "82" + kType + "02" + kNsp + root, want: msgpackparser.ErrPayload},
		{name: "connect data null", msg: "83" + kType + "00" + kData + "c0" + kNsp + root, want: msgpackparser.ErrPayload},
		{name: "disconnect with data", msg: "83" + kType + "01" + kData + "90" + kNsp + root, want: msgpackparser.ErrPayload},
		{name: "connect error as an array", msg: "83" + kType + "04" + kData + "90" + kNsp + root, want: msgpackparser.ErrPayload},
		{name: "id null", msg: "84" + kType + "02" + kData + evArr + kID + "c0" + kNsp + root, want: msgpackparser.ErrID},
		{name: "id 1.5", msg: "84" + kType + "02" + kData + evArr + kID + "cb 3ff8000000000000" + kNsp + root, want: msgpackparser.ErrID},
		{name: "negative id", msg: "84" + kType + "02" + kData + evArr + kID + "ff" + kNsp + root, want: msgpackparser.ErrID},
		{name: "empty event dropped", msg: "83" + kType + "02" + kData + "90" + kNsp + root, drop: true},
		{name: "unnamed event dropped", msg: "83" + kType + "02" + kData + "91 01" + kNsp + root, drop: true},
		{name: "reserved event dropped", msg: "83" + kType + "02" + kData + "91 aa 646973636f6e6e656374" + kNsp + root, drop: true},
		{name: "empty ack", msg: "84" + kType + "03" + kID + "07" + kData + "90" + kNsp + root, data: `[]`},
	}
	var p msgpackparser.Parser
	var out socketio.Decoded
	for _, c := range cases {
		msg := mp(t, c.msg)
		done, err := p.Decode(&socketio.DecoderState{}, msg, c.msg != "", 5, &out)
		switch {
		case c.want != nil:
			if !errors.Is(err, c.want) || !errors.Is(err, socketio.ErrBadPacket) || done {
				t.Errorf("%s: done %v, err %v, want %v", c.name, done, err, c.want)
			}
		case c.drop:
			if err != nil || done {
				t.Errorf("%s: done %v, err %v, want dropped", c.name, done, err)
			}
		default:
			if err != nil || !done {
				t.Errorf("%s: done %v, err %v", c.name, done, err)
			} else if string(out.Packet.Data) != c.data || (c.data == "") != (out.Packet.Data == nil) {
				t.Errorf("%s: data %q, want %q", c.name, out.Packet.Data, c.data)
			}
		}
	}
}

// TestEncodeRefusesBadJSON: arguments that are not JSON (a bad
// json.RawMessage) make the Append methods fail, leaving dst as it was.
func TestEncodeRefusesBadJSON(t *testing.T) {
	var p msgpackparser.Parser
	dst := []byte("x")
	if out, err := p.AppendEvent(dst, "/", -1, "e", [][]byte{[]byte(`{"a":`)}, nil); err == nil || string(out) != "x" {
		t.Errorf("AppendEvent: %q, %v", out, err)
	}
	if out, err := p.AppendAck(dst, "/", 1, [][]byte{[]byte(`{"_placeholder":true,"num":3}`)}, nil); err == nil || string(out) != "x" {
		t.Errorf("AppendAck with a placeholder naming no attachment: %q, %v", out, err)
	}
}

// TestZeroAllocs: decoding an event and encoding events and acks into
// reused buffers allocate nothing.
func TestZeroAllocs(t *testing.T) {
	var p msgpackparser.Parser
	msg := mp(t, "84"+kType+"02"+kData+"93 a4 63686174 c4 03 010203 81 a1 61 01"+kID+"05"+kNsp+root)
	var out socketio.Decoded
	var st socketio.DecoderState
	if done, err := p.Decode(&st, msg, true, 5, &out); !done || err != nil {
		t.Fatal(done, err)
	}
	buf := make([]byte, 0, 256)
	args := [][]byte{[]byte(`"hello"`), []byte(`{"_placeholder":true,"num":0}`)}
	atts := [][]byte{{1, 2, 3}}
	checks := map[string]func(){
		"Decode":      func() { _, _ = p.Decode(&st, msg, true, 5, &out) },
		"AppendEvent": func() { buf, _ = p.AppendEvent(buf[:0], "/chat", 3, "chat", args, atts) },
		"AppendAck":   func() { buf, _ = p.AppendAck(buf[:0], "/chat", 3, args, atts) },
	}
	for name, fn := range checks {
		if n := testing.AllocsPerRun(200, fn); n != 0 {
			t.Errorf("%s: %v allocs/op, want 0", name, n)
		}
	}
}
