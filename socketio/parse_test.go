package socketio

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

type want struct {
	typ  PacketType
	nsp  string
	id   int64
	att  int
	data string // "<nil>" for absent
}

const absent = "<nil>"

func checkPacket(t *testing.T, in string, p Packet, w want) {
	t.Helper()
	data := absent
	if p.Data != nil {
		data = string(p.Data)
	}
	if p.Type != w.typ || string(p.Namespace) != w.nsp || p.ID != w.id || p.Attachments != w.att || data != w.data {
		t.Errorf("Parse(%q) = {%v %q %d %d %q}, want {%v %q %d %d %q}", in,
			p.Type, p.Namespace, p.ID, p.Attachments, data, w.typ, w.nsp, w.id, w.att, w.data)
	}
}

var validV5 = []struct {
	in string
	w  want
}{
	{`0`, want{Connect, "", -1, 0, absent}},
	{`0{"token":"123"}`, want{Connect, "", -1, 0, `{"token":"123"}`}},
	{`0/admin,`, want{Connect, "/admin", -1, 0, absent}},
	{`0/admin`, want{Connect, "/admin", -1, 0, absent}}, // no comma: nsp runs to end
	{`0/admin,{"token":"123"}`, want{Connect, "/admin", -1, 0, `{"token":"123"}`}},
	{`0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}`, want{Connect, "/admin", -1, 0, `{"sid":"oSO0OpakMV_3jnilAAAA"}`}},
	{`1`, want{Disconnect, "", -1, 0, absent}},
	{`1/admin,`, want{Disconnect, "/admin", -1, 0, absent}},
	{`2["hello",1]`, want{Event, "", -1, 0, `["hello",1]`}},
	{`2/admin,456["project:delete",123]`, want{Event, "/admin", 456, 0, `["project:delete",123]`}},
	{`212["a"]`, want{Event, "", 12, 0, `["a"]`}},
	{`2 ["a" , {"b":[1,2.5e3,null,true,false]} ] `, want{Event, "", -1, 0, ` ["a" , {"b":[1,2.5e3,null,true,false]} ] `}},
	{`2["connected"]`, want{Event, "", -1, 0, `["connected"]`}},
	{`3/admin,456[]`, want{Ack, "/admin", 456, 0, `[]`}},
	{`30["ok"]`, want{Ack, "", 0, 0, `["ok"]`}},
	{`4/admin,{"message":"Not authorized"}`, want{ConnectError, "/admin", -1, 0, `{"message":"Not authorized"}`}},
	{`4"Not authorized"`, want{ConnectError, "", -1, 0, `"Not authorized"`}},
	{`51-["hello",{"_placeholder":true,"num":0}]`, want{BinaryEvent, "", -1, 1, `["hello",{"_placeholder":true,"num":0}]`}},
	{`52-/chat,7["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, want{BinaryEvent, "/chat", 7, 2, `["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`}},
	{`50-["x"]`, want{BinaryEvent, "", -1, 0, `["x"]`}},
	{`61-/admin,456[{"_placeholder":true,"num":0}]`, want{BinaryAck, "/admin", 456, 1, `[{"_placeholder":true,"num":0}]`}},
	{`2/,["a"]`, want{Event, "/", -1, 0, `["a"]`}},
}

var validV4 = []struct {
	in string
	w  want
}{
	{`0`, want{Connect, "", -1, 0, absent}},
	{`0/admin,`, want{Connect, "/admin", -1, 0, absent}},
	{`0/admin?token=abc&x=1,`, want{Connect, "/admin?token=abc&x=1", -1, 0, absent}},
	{`1/admin,`, want{Disconnect, "/admin", -1, 0, absent}},
	{`2["hello",1]`, want{Event, "", -1, 0, `["hello",1]`}},
	{`2[1,2]`, want{Event, "", -1, 0, `[1,2]`}},
	{`2["connect"]`, want{Event, "", -1, 0, `["connect"]`}},
	{`2/admin,456["project:delete",123]`, want{Event, "/admin", 456, 0, `["project:delete",123]`}},
	{`3/admin,456[]`, want{Ack, "/admin", 456, 0, `[]`}},
	{`4"Not authorized"`, want{ConnectError, "", -1, 0, `"Not authorized"`}},
	{`4/admin,"Not authorized"`, want{ConnectError, "/admin", -1, 0, `"Not authorized"`}},
	{`4{"message":"x"}`, want{ConnectError, "", -1, 0, `{"message":"x"}`}},
	{`4`, want{ConnectError, "", -1, 0, absent}},
	{`51-["hello",{"_placeholder":true,"num":0}]`, want{BinaryEvent, "", -1, 1, `["hello",{"_placeholder":true,"num":0}]`}},
	{`61-/admin,456[{"_placeholder":true,"num":0}]`, want{BinaryAck, "/admin", 456, 1, `[{"_placeholder":true,"num":0}]`}},
}

func TestParseValid(t *testing.T) {
	for _, c := range validV5 {
		p, err := Parse([]byte(c.in), 5)
		if err != nil {
			t.Errorf("Parse(%q, 5): %v", c.in, err)
			continue
		}
		checkPacket(t, c.in, p, c.w)
		roundTrip(t, p, 5)
	}
	for _, c := range validV4 {
		p, err := Parse([]byte(c.in), 4)
		if err != nil {
			t.Errorf("Parse(%q, 4): %v", c.in, err)
			continue
		}
		checkPacket(t, c.in, p, c.w)
		roundTrip(t, p, 4)
		if _, err := Parse([]byte(c.in), 3); err != nil {
			t.Errorf("Parse(%q, 3): %v", c.in, err)
		}
	}
}

func samePacket(a, b Packet) bool {
	return a.Type == b.Type && a.NamespaceString() == b.NamespaceString() && a.ID == b.ID &&
		a.Attachments == b.Attachments && bytes.Equal(a.Data, b.Data) && (a.Data == nil) == (b.Data == nil)
}

func roundTrip(t *testing.T, p Packet, version int) {
	t.Helper()
	enc := AppendPacket(nil, p)
	q, err := Parse(enc, version)
	if err != nil {
		t.Errorf("round trip: Parse(%q): %v", enc, err)
		return
	}
	if !samePacket(p, q) {
		t.Errorf("round trip via %q: got %+v, want %+v", enc, q, p)
	}
}

var invalidBoth = []string{
	``,
	`7`,
	`9["a"]`,
	`a`,
	`-1`,
	` 2["a"]`,
	`5-["hello",{"_placeholder":true,"num":0}]`, // no count
	`5["hello"]`, // no count, no dash
	`51["hello"]`,
	`5a-["x"]`,
	`5-1-["x"]`, // negative attachments
	`6-1-[]`,
	`599999999999999999999-["x"]`,
	`2`,            // event without data
	`2/admin`,      // no comma: nsp "/admin", no data
	`2/admin,`,     // no data
	`2/admin["a"]`, // nsp swallows the data
	`2{"a":1}`,
	`2"hello"`,
	`2[]`,
	`2[ ]`,
	`2["a"`,
	`2["a"]x`,
	`2["a"]]`,
	`2["a",]`,
	`2["a" 1]`,
	`2[01]`,
	`2["a",1.]`,
	`2["a",.5]`,
	`2["a",1e]`,
	`2["a",-]`,
	`2["a",+1]`,
	`2["a",tru]`,
	`2["a",nul]`,
	`2["a\x"]`,
	`2["a\u12G4"]`,
	"2[\"a\x01\"]",
	`2["a",{"b"}]`,
	`2["a",{"b":}]`,
	`2["a",{b:1}]`,
	`2["a",{"b":1,}]`,
	`2["a",{"b":1]`,
	`2["a",[1}]`,
	`29223372036854775808["a"]`, // id overflow
	`299999999999999999999999["a"]`,
	`3`,
	`3/admin,456`,
	`3/admin,456{}`,
	`3"x"`,
	`1{}`,
	`1/admin,{}`,
	`1"x"`,
	`0[]`,
	`0"x"`,
	`0/admin,[]`,
	`0{"a":1`,
	`0{"a":1}{}`,
	`6["x"]`,
	`51-`,
	`61-/admin,456`,
	`51-{"a":1}`,
}

var invalidV5Only = []string{
	`2[1,2]`,
	`2[null]`,
	`2["connect"]`,
	`2["disconnect",1]`,
	`2/admin,["newListener"]`,
	`2["\u0063onnect"]`, // escaped reserved name
	`51-["removeListener",{"_placeholder":true,"num":0}]`,
	`4`,
	`4[1]`,
	`41`,
}

func TestParseInvalid(t *testing.T) {
	for _, v := range []int{4, 5} {
		for _, in := range invalidBoth {
			if p, err := Parse([]byte(in), v); !errors.Is(err, ErrBadPacket) {
				t.Errorf("Parse(%q, %d) = %+v, %v; want ErrBadPacket", in, v, p, err)
			}
		}
	}
	for _, in := range invalidV5Only {
		if p, err := Parse([]byte(in), 5); !errors.Is(err, ErrBadPacket) {
			t.Errorf("Parse(%q, 5) = %+v, %v; want ErrBadPacket", in, p, err)
		}
	}
	for _, v := range []int{0, 2, 6} {
		if _, err := Parse([]byte(`0`), v); !errors.Is(err, ErrUnsupportedVersion) {
			t.Errorf("Parse version %d: %v", v, err)
		}
	}
}

func TestParseIDLimits(t *testing.T) {
	p, err := Parse([]byte(`39223372036854775807[]`), 5)
	if err != nil || p.ID != 9223372036854775807 {
		t.Fatalf("max id: %+v %v", p, err)
	}
	p, err = Parse([]byte(`3007[]`), 5)
	if err != nil || p.ID != 7 {
		t.Fatalf("leading zeros: %+v %v", p, err)
	}
}

func TestParseDepth(t *testing.T) {
	deep := func(n int) []byte {
		return []byte(`2["a",` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `]`)
	}
	if _, err := Parse(deep(maxDepth), 5); err != nil {
		t.Errorf("depth %d rejected: %v", maxDepth, err)
	}
	if _, err := Parse(deep(maxDepth+1), 5); err == nil {
		t.Errorf("depth %d accepted", maxDepth+1)
	}
}

func TestParseViews(t *testing.T) {
	in := []byte(`2/admin,1["a"]`)
	p, _ := Parse(in, 5)
	if cap(p.Namespace) != len(p.Namespace) || cap(p.Data) != len(p.Data) {
		t.Errorf("views not capped: %d/%d %d/%d", len(p.Namespace), cap(p.Namespace), len(p.Data), cap(p.Data))
	}
	_ = append(p.Namespace, 'X')
	if string(in) != `2/admin,1["a"]` {
		t.Errorf("append to Namespace clobbered input: %q", in)
	}
}

func TestPacketTypeString(t *testing.T) {
	names := []string{"CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"}
	for i, n := range names {
		if got := PacketType(i).String(); got != n {
			t.Errorf("%d: %s", i, got)
		}
	}
	if ConnectError.Name(4) != "ERROR" || ConnectError.Name(5) != "CONNECT_ERROR" || Event.Name(4) != "EVENT" {
		t.Error("Name")
	}
	if PacketType(9).String() != "UNKNOWN" {
		t.Error("unknown")
	}
}

func TestNamespace(t *testing.T) {
	p := Packet{}
	if p.NamespaceString() != "/" {
		t.Error("empty nsp")
	}
	p.Namespace = []byte("/chat")
	if p.NamespaceString() != "/chat" {
		t.Error("nsp")
	}
	n, q := SplitNamespaceQuery([]byte("/admin?token=abc"))
	if string(n) != "/admin" || string(q) != "token=abc" {
		t.Errorf("split: %q %q", n, q)
	}
	n, q = SplitNamespaceQuery([]byte("/admin"))
	if string(n) != "/admin" || q != nil {
		t.Errorf("split: %q %q", n, q)
	}
}
