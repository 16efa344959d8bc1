package socketio

import (
	"errors"
	"testing"
)

// TestTextParserDecode: text packets are parsed with their arguments
// split; a binary packet waits for its attachments, kept in the session's
// DecoderState, and comes whole with the last one; attachments out of turn
// are refused.
func TestTextParserDecode(t *testing.T) {
	var p TextParser
	var st DecoderState
	var out Decoded
	done, err := p.Decode(&st, []byte(`2/chat,5["ev",1,{"a":[]}]`), false, 5, &out)
	if err != nil || !done || !out.Split || out.Packet.ID != 5 || string(out.Packet.Namespace) != "/chat" ||
		len(out.Args) != 3 || string(out.Args[2]) != `{"a":[]}` || st.Value != nil {
		t.Fatalf("event: done %v err %v %+v, state %v", done, err, out, st.Value)
	}
	done, err = p.Decode(&st, []byte(`52-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`), false, 5, &out)
	if err != nil || done {
		t.Fatalf("binary header: done %v err %v", done, err)
	}
	if _, err := p.Decode(&st, []byte(`2["x"]`), false, 5, &out); !errors.Is(err, ErrBadAttachment) {
		t.Fatalf("text while attachments are awaited: %v", err)
	}
	if done, err = p.Decode(&st, []byte{1}, true, 5, &out); err != nil || done {
		t.Fatalf("first attachment: done %v err %v", done, err)
	}
	done, err = p.Decode(&st, []byte{2, 3}, true, 5, &out)
	if err != nil || !done || out.Split || out.Packet.Type != BinaryEvent || len(out.Attachments) != 2 ||
		string(out.Attachments[1]) != "\x02\x03" || string(out.Packet.Data) != `["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]` {
		t.Fatalf("binary packet: done %v err %v %+v", done, err, out)
	}
	if _, err := p.Decode(&st, []byte{4}, true, 5, &out); !errors.Is(err, ErrBadAttachment) {
		t.Fatalf("attachment nothing waits for: %v", err)
	}
	if _, err := p.Decode(&DecoderState{}, []byte{4}, true, 5, &out); !errors.Is(err, ErrBadAttachment) {
		t.Fatalf("attachment on a fresh session: %v", err)
	}
	if _, err := p.Decode(&st, []byte(`2[]`), false, 5, &out); !errors.Is(err, ErrBadPacket) {
		t.Fatalf("bad packet: %v", err)
	}
	done, err = p.Decode(&st, []byte(`60-[]`), false, 5, &out)
	if err != nil || !done || out.Packet.Type != BinaryAck || len(out.Attachments) != 0 {
		t.Fatalf("binary ack without attachments: done %v err %v %+v", done, err, out)
	}
}

// TestTextParserEncode: the Append methods write the bytes of the Append
// functions, binary types when there are attachments.
func TestTextParserEncode(t *testing.T) {
	var p TextParser
	atts := [][]byte{{1}}
	cases := []struct {
		got  func() ([]byte, error)
		want string
	}{
		{func() ([]byte, error) { return p.AppendEvent(nil, "/", -1, "e", [][]byte{[]byte(`1`)}, nil) }, `2["e",1]`},
		{func() ([]byte, error) {
			return p.AppendEvent(nil, "/a", 3, "e", [][]byte{[]byte(`{"_placeholder":true,"num":0}`)}, atts)
		}, `51-/a,3["e",{"_placeholder":true,"num":0}]`},
		{func() ([]byte, error) { return p.AppendAck(nil, "/", 4, nil, nil) }, `34[]`},
		{func() ([]byte, error) { return p.AppendAck(nil, "/", 4, [][]byte{[]byte(`"x"`)}, atts) }, `61-4["x"]`},
		{func() ([]byte, error) {
			return p.AppendPacket(nil, Packet{Type: Connect, Namespace: []byte("/a"), ID: -1, Data: []byte(`{"sid":"s"}`)}, nil)
		}, `0/a,{"sid":"s"}`},
		{func() ([]byte, error) {
			return p.AppendPacket(nil, Packet{Type: Event, ID: 1, Data: []byte(`["e",{"_placeholder":true,"num":0}]`)}, atts)
		}, `51-1["e",{"_placeholder":true,"num":0}]`},
		{func() ([]byte, error) { return p.AppendPacket(nil, Packet{Type: Disconnect, ID: -1}, nil) }, `1`},
	}
	for i, c := range cases {
		got, err := c.got()
		if err != nil || string(got) != c.want {
			t.Errorf("case %d: %q, %v; want %q", i, got, err, c.want)
		}
	}
	if p.Binary() {
		t.Error("TextParser.Binary() = true")
	}
}

// TestTextParserZeroAllocs: through the interface, decoding an event and
// encoding events and acks allocate nothing.
func TestTextParserZeroAllocs(t *testing.T) {
	var p Parser = TextParser{}
	var st DecoderState
	out := Decoded{Args: make([][]byte, 0, 8)}
	buf := make([]byte, 0, 128)
	args := [][]byte{[]byte(`"hello"`)}
	checks := map[string]func(){
		"Decode":      func() { _, _ = p.Decode(&st, benchEvent, false, 5, &out) },
		"AppendEvent": func() { buf, _ = p.AppendEvent(buf[:0], "/chat", 12, "chat", args, nil) },
		"AppendAck":   func() { buf, _ = p.AppendAck(buf[:0], "/chat", 12, args, nil) },
	}
	for name, fn := range checks {
		if n := testing.AllocsPerRun(200, fn); n != 0 {
			t.Errorf("%s: %v allocs/op, want 0", name, n)
		}
	}
}
