package streams

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"testing"

	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
)

// The expected bytes below were produced by Node with @msgpack/msgpack
// 2.8.0 (the Node adapter's encoder) from the equivalent JavaScript values.

const binaryData = `{"packet":{"type":2,"data":["ev",{"bin":{"_placeholder":true,"num":0},` +
	`"nested":{"list":[{"_placeholder":true,"num":1},"text",{"_placeholder":true,"num":2}]},"tok":"t"}]},` +
	`"opts":{"rooms":["r1"],"except":["x"],"flags":{}}}`

var binaryAtts = [][]byte{{0, 1, 2, 0x7f, 0x80, 0xfd, 0xfe, 0xff}, []byte("abc"), {}}

func TestEntryValuesJSON(t *testing.T) {
	m := &cluster.Message{UID: "u1", Nsp: "/", Type: 4,
		Data: []byte(`{"opts":{"rooms":["s"],"except":[],"flags":{}},"rooms":["rj"]}`)}
	got, err := entryValues(m, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"uid", "u1", "nsp", "/", "type", "4", "data", `{"opts":{"rooms":["s"],"except":[],"flags":{}},"rooms":["rj"]}`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestEntryValuesBinaryIsBase64Msgpack(t *testing.T) {
	m := &cluster.Message{UID: "u1", Nsp: "/", Type: 3, Data: []byte(binaryData), Attachments: binaryAtts}
	got, err := entryValues(m, false)
	if err != nil {
		t.Fatal(err)
	}
	const want = "gqZwYWNrZXSCpHR5cGUCpGRhdGGSomV2g6NiaW7ECAABAn+A/f7/pm5lc3RlZIGkbGlzdJPEA2FiY6R0ZXh0xACjdG9roXSkb3B0c4Olcm9vbXORonIxpmV4Y2VwdJGheKVmbGFnc4A="
	if got[7] != want {
		t.Fatalf("data = %s\nwant %s", got[7], want)
	}
	back, err := decodeEntry(map[string]any{"uid": "u1", "nsp": "/", "type": "3", "data": want})
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Data) != binaryData || !reflect.DeepEqual(back.Attachments, binaryAtts) || back.Type != 3 || back.UID != "u1" {
		t.Fatalf("decoded %+v", back)
	}
}

func TestEntryValuesOnlyPlaintextWritesBuffersAsNodeDoes(t *testing.T) {
	m := &cluster.Message{UID: "u1", Nsp: "/", Type: 3, Data: []byte(binaryData), Attachments: binaryAtts}
	got, err := entryValues(m, true)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"packet":{"type":2,"data":["ev",{"bin":{"type":"Buffer","data":[0,1,2,127,128,253,254,255]},"nested":{"list":[{"type":"Buffer","data":[97,98,99]},"text",{"type":"Buffer","data":[]}]},"tok":"t"}]},"opts":{"rooms":["r1"],"except":["x"],"flags":{}}}`
	if got[7] != want {
		t.Fatalf("data = %s\nwant %s", got[7], want)
	}
}

func TestEntryWithoutBinaryTypeStaysJSON(t *testing.T) {
	// SOCKETS_JOIN cannot carry binary: Node writes it as JSON whatever it holds.
	m := &cluster.Message{UID: "u", Nsp: "/", Type: 4, Data: []byte(`{"rooms":["a"]}`)}
	got, _ := entryValues(m, false)
	if got[7] != `{"rooms":["a"]}` {
		t.Fatalf("data = %v", got[7])
	}
}

func TestDecodeEntry(t *testing.T) {
	if _, err := decodeEntry(map[string]any{"uid": "u", "type": "3"}); err != errNoNamespace {
		t.Fatalf("entry without nsp: err = %v", err)
	}
	m, err := decodeEntry(map[string]any{"uid": "u", "nsp": "/chat", "type": "6", "data": `{"close":true}`})
	if err != nil || m.Type != 6 || m.Nsp != "/chat" || string(m.Data) != `{"close":true}` {
		t.Fatalf("m = %+v, err = %v", m, err)
	}
	if _, err := decodeEntry(map[string]any{"nsp": "/", "type": "3", "data": "!!"}); err == nil {
		t.Fatal("garbage data decoded")
	}
}

func TestEphemeralMatchesMsgpackJS(t *testing.T) {
	m := &cluster.Message{Type: 3, UID: "fedcba9876543210", Nsp: "/",
		Data: []byte(`{"packet":{"type":2,"data":["ask-N",{}]},"requestId":"0123456789abcdef","opts":{"rooms":[],"except":[],"flags":{"timeout":3000}}}`)}
	got, err := encodeEphemeral(m)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := hex.DecodeString("84a47479706503a46461746183a67061636b657482a47479706502a46461746192a561736b2d4e80a9726571756573744964b030313233343536373839616263646566a46f70747383a5726f6f6d7390a665786365707490a5666c61677381a774696d656f7574cd0bb8a3756964b066656463626139383736353433323130a36e7370a12f")
	if !bytes.Equal(got, want) {
		t.Fatalf("got  %x\nwant %x", got, want)
	}
	back, err := decodeEphemeral(got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Fatalf("decoded %+v\nwant %+v", back, m)
	}
}

func TestEphemeralBinaryRoundTrip(t *testing.T) {
	m := &cluster.Message{Type: 12, UID: "a", Nsp: "/x", Data: []byte(`{"requestId":"r","packet":{"_placeholder":true,"num":0}}`), Attachments: [][]byte{{1, 2}}}
	b, err := encodeEphemeral(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeEphemeral(b)
	if err != nil || !reflect.DeepEqual(back, m) {
		t.Fatalf("decoded %+v, %v", back, err)
	}
	if _, err := decodeEphemeral([]byte{0x92}); err == nil {
		t.Fatal("an array decoded as a message")
	}
}

func TestParseIntPrefix(t *testing.T) {
	for s, want := range map[string]int{"3": 3, "12": 12, "3abc": 3, "": -1, "x": -1, "-2": -2} {
		if got := parseIntPrefix(s); got != want {
			t.Errorf("parseIntPrefix(%q) = %d, want %d", s, got, want)
		}
	}
}
