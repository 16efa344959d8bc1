package emitter

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

// The captured bytes of Node's emitter (socket.io-redis-emitter 5.1.0) that
// these tests pin are exact; the golden test against the real emitter covers
// the rest.

func TestBroadcastMessageBytes(t *testing.T) {
	msg, err := broadcastMessage("/", "em-1", []any{map[string]any{"tok": "em-1"}}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "93" + "a7" + hex.EncodeToString([]byte("emitter")) +
		"83" + "a4" + hex.EncodeToString([]byte("type")) + "02" +
		"a4" + hex.EncodeToString([]byte("data")) + "92" + "a4" + hex.EncodeToString([]byte("em-1")) +
		"81" + "a3" + hex.EncodeToString([]byte("tok")) + "a4" + hex.EncodeToString([]byte("em-1")) +
		"a3" + hex.EncodeToString([]byte("nsp")) + "a1" + "2f" +
		"83" + "a5" + hex.EncodeToString([]byte("rooms")) + "90" +
		"a5" + hex.EncodeToString([]byte("flags")) + "80" +
		"a6" + hex.EncodeToString([]byte("except")) + "90"
	if got := hex.EncodeToString(msg); got != want {
		t.Errorf("broadcast\n got %s\nwant %s", got, want)
	}
}

func TestBroadcastMessageBinaryAndFlags(t *testing.T) {
	msg, err := broadcastMessage("/chat", "b", []any{[]byte{0, 0xff}, []any{[]byte{}}},
		[]string{"r1", "r2"}, []string{"x"}, []flag{{"compress", false}, {"volatile", true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{
		"93a162",   // data: event and two arguments
		"c40200ff", // first bin
		"91c400",   // nested empty bin
		"82a8" + hex.EncodeToString([]byte("compress")) + "c2a8" + hex.EncodeToString([]byte("volatile")) + "c3",
		"92a2" + hex.EncodeToString([]byte("r1")) + "a2" + hex.EncodeToString([]byte("r2")),
	} {
		if !strings.Contains(hex.EncodeToString(msg), part) {
			t.Errorf("broadcast %x lacks %s", msg, part)
		}
	}
}

func TestRequestsAsCaptured(t *testing.T) {
	for _, tc := range []struct {
		got  func() ([]byte, error)
		want string
	}{
		{func() ([]byte, error) { return roomsRequest(requestRemoteJoin, []string{"r1"}, nil, []string{"re-1"}) },
			`{"type":2,"opts":{"rooms":["r1"],"except":[]},"rooms":["re-1"]}`},
		{func() ([]byte, error) { return roomsRequest(requestRemoteLeave, nil, []string{"x"}, nil) },
			`{"type":3,"opts":{"rooms":[],"except":["x"]},"rooms":[]}`},
		{func() ([]byte, error) { return disconnectRequest([]string{"rev"}, nil, true) },
			`{"type":4,"opts":{"rooms":["rev"],"except":[]},"close":true}`},
		{func() ([]byte, error) {
			return serverSideEmitRequest("relay", []any{map[string]any{"tok": "relay-1"}})
		}, `{"uid":"emitter","type":6,"data":["relay",{"tok":"relay-1"}]}`},
		{func() ([]byte, error) {
			return serverSideEmitRequest("s", []any{[]byte{1, 255}, map[string]any{"b": []byte{}, "10": 1, "9": "<&>\u2028"}, -0.0})
		}, `{"uid":"emitter","type":6,"data":["s",{"type":"Buffer","data":[1,255]},{"9":"<&>` + "\u2028" + `","10":1,"b":{"type":"Buffer","data":[]}},0]}`},
	} {
		got, err := tc.got()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestAcknowledgementsRefused(t *testing.T) {
	_, err := serverSideEmitRequest("e", []any{1, func() {}})
	if err != ErrAckNotSupported {
		t.Errorf("server-side emit: err = %v, want ErrAckNotSupported", err)
	}
	_, err = broadcastMessage("/", "e", []any{func(string) {}}, nil, nil, nil)
	if err != ErrAckNotSupported {
		t.Errorf("emit: err = %v, want ErrAckNotSupported", err)
	}
}

func TestOperatorIsImmutableAndDistinct(t *testing.T) {
	e := New(nil)
	base := e.To("a")
	one := base.To("b", "a").Except("x", "x")
	two := base.Volatile().Compress(true).Volatile()
	if len(base.rooms) != 1 || base.flags != nil {
		t.Errorf("base changed: %+v", base)
	}
	if strings.Join(one.rooms, ",") != "a,b" || strings.Join(one.except, ",") != "x" {
		t.Errorf("rooms %v except %v, want [a b] [x]", one.rooms, one.except)
	}
	if len(two.flags) != 2 || two.flags[0] != (flag{"volatile", true}) || two.flags[1] != (flag{"compress", true}) {
		t.Errorf("flags %v, want volatile then compress", two.flags)
	}
	if e.Of("chat").Namespace() != "/chat" || e.Of("").Namespace() != "/" || e.Of("/x").Namespace() != "/x" {
		t.Error("Of does not prefix the namespace with / as Node does")
	}
}

func TestEmitRefusesReservedEvents(t *testing.T) {
	err := New(nil).Emit(t.Context(), "disconnect")
	if err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("err = %v, want a reserved-name error", err)
	}
}

func TestRawMessageArgument(t *testing.T) {
	a, err := broadcastMessage("/", "e", []any{json.RawMessage(`{"b":1,"1":2}`)}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// JSON.parse puts the array-index key first.
	if !bytes.Contains(a, []byte("\x82\xa11\x02\xa1b\x01")) {
		t.Errorf("raw argument not reordered as JavaScript does: %x", a)
	}
}
