package cluster

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter"
)

// The golden messages are the sharded adapter's traffic between two Node
// nodes (socket.io 4.8.4, @socket.io/redis-adapter 8.3.0), with the uids
// and request ids replaced by the fixed ones below.
const (
	uidA = "a1b2c3d4e5f60718"
	uidC = "c0ffee0123456789"
	reqA = "0123456789abcdef"
	sid  = "Xb2_xQk9d1Zr-AAAAB"
)

func sub(s string) string {
	return strings.NewReplacer("<uidA>", uidA, "<uidC>", uidC, "<reqA>", reqA, "<sid>", sid).Replace(s)
}

func event(name string, args ...string) *adapter.Packet {
	p := &adapter.Packet{Nsp: "/", Event: name}
	for _, a := range args {
		p.Args = append(p.Args, []byte(a))
	}
	return p
}

func TestEncodeMatchesNodeJSON(t *testing.T) {
	none := &adapter.Options{}
	cases := []struct {
		name string
		m    *Message
		want string
	}{
		{"broadcast", &Message{Type: Broadcast, Data: broadcastData(event("warm", `{"tok":"warm-N"}`), none, "")},
			`{"type":3,"data":{"packet":{"type":2,"data":["warm",{"tok":"warm-N"}]},"opts":{"rooms":[],"except":[],"flags":{}}},"uid":"<uidA>","nsp":"/"}`},
		{"broadcast to a room", &Message{Type: Broadcast, Data: broadcastData(event("warm", `{"tok":"warm-N"}`), &adapter.Options{Rooms: []string{"r1"}}, "")},
			`{"type":3,"data":{"packet":{"type":2,"data":["warm",{"tok":"warm-N"}]},"opts":{"rooms":["r1"],"except":[],"flags":{}}},"uid":"<uidA>","nsp":"/"}`},
		{"broadcast with ack", &Message{Type: Broadcast, Data: broadcastData(event("ask-N", `{}`), &adapter.Options{Flags: adapter.Flags{Timeout: 3 * time.Second}}, reqA)},
			`{"type":3,"data":{"packet":{"type":2,"data":["ask-N",{}]},"requestId":"<reqA>","opts":{"rooms":[],"except":[],"flags":{"timeout":3000}}},"uid":"<uidA>","nsp":"/"}`},
		{"client count", &Message{Type: BroadcastClientCount, Data: clientCountData(reqA, 3), UID: uidC},
			`{"type":11,"data":{"requestId":"<reqA>","clientCount":3},"uid":"<uidC>","nsp":"/"}`},
		{"ack", &Message{Type: BroadcastAck, Data: packetResponseData(reqA, [][]byte{[]byte(`"A1"`)}), UID: uidC},
			`{"type":12,"data":{"requestId":"<reqA>","packet":"A1"},"uid":"<uidC>","nsp":"/"}`},
		{"fetch", &Message{Type: FetchSockets, Data: fetchData(none, reqA)},
			`{"type":7,"data":{"opts":{"rooms":[],"except":[],"flags":{}},"requestId":"<reqA>"},"uid":"<uidA>","nsp":"/"}`},
		{"join", &Message{Type: SocketsJoin, Data: roomsData(&adapter.Options{Rooms: []string{sid}}, []string{"rj-N"})},
			`{"type":4,"data":{"opts":{"rooms":["<sid>"],"except":[],"flags":{}},"rooms":["rj-N"]},"uid":"<uidA>","nsp":"/"}`},
		{"leave", &Message{Type: SocketsLeave, Data: roomsData(&adapter.Options{Rooms: []string{sid}}, []string{"rj-N"})},
			`{"type":5,"data":{"opts":{"rooms":["<sid>"],"except":[],"flags":{}},"rooms":["rj-N"]},"uid":"<uidA>","nsp":"/"}`},
		{"disconnect", &Message{Type: DisconnectSockets, Data: disconnectData(&adapter.Options{Rooms: []string{sid}}, false)},
			`{"type":6,"data":{"opts":{"rooms":["<sid>"],"except":[],"flags":{}},"close":false},"uid":"<uidA>","nsp":"/"}`},
		{"server-side emit with ack", &Message{Type: ServerSideEmit, Data: serverSideEmitData(event("ping-node", `{"x":1}`), reqA)},
			`{"type":9,"data":{"requestId":"<reqA>","packet":["ping-node",{"x":1}]},"uid":"<uidA>","nsp":"/"}`},
		{"server-side emit", &Message{Type: ServerSideEmit, Data: serverSideEmitData(event("relay", `{"tok":"relay-N"}`), "")},
			`{"type":9,"data":{"packet":["relay",{"tok":"relay-N"}]},"uid":"<uidA>","nsp":"/"}`},
		{"server-side emit answer", &Message{Type: ServerSideEmitResponse, Data: packetResponseData(reqA, [][]byte{[]byte(`"node2"`)}), UID: uidC},
			`{"type":10,"data":{"requestId":"<reqA>","packet":"node2"},"uid":"<uidC>","nsp":"/"}`},
		{"volatile", &Message{Type: Broadcast, Data: broadcastData(event("e"), &adapter.Options{Flags: adapter.Flags{Volatile: true}}, "")},
			`{"type":3,"data":{"packet":{"type":2,"data":["e"]},"opts":{"rooms":[],"except":[],"flags":{"volatile":true}}},"uid":"<uidA>","nsp":"/"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.m.Nsp = "/"
			if c.m.UID == "" {
				c.m.UID = uidA
			}
			got, err := c.m.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if want := sub(c.want); string(got) != want {
				t.Fatalf("encoded\n got %s\nwant %s", got, want)
			}
			back, err := Decode(got)
			if err != nil {
				t.Fatal(err)
			}
			if back.Type != c.m.Type || back.UID != c.m.UID || back.Nsp != "/" || !bytes.Equal(back.Data, c.m.Data) {
				t.Fatalf("decoded %+v", back)
			}
		})
	}
}

// binaryBroadcast is the captured broadcast with binary arguments:
// {"bin":<0001027f80fdfeff>,"nested":{"list":[<616263>,"text",<>]},"tok":"tok-N"}.
func binaryBroadcast() *adapter.Packet {
	p := event("ev-N", `{"bin":{"_placeholder":true,"num":0},"nested":{"list":[{"_placeholder":true,"num":1},"text",{"_placeholder":true,"num":2}]},"tok":"tok-N"}`)
	p.Attachments = [][]byte{{0, 1, 2, 0x7f, 0x80, 0xfd, 0xfe, 0xff}, []byte("abc"), {}}
	return p
}

func TestEncodeBinaryBroadcastAsNotepack(t *testing.T) {
	p := binaryBroadcast()
	m := &Message{Type: Broadcast, UID: uidA, Nsp: "/", Data: broadcastData(p, &adapter.Options{}, ""), Attachments: p.Attachments}
	raw, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	head, _ := hex.DecodeString("84a474797065 03 a464617461 82a67061636b6574")
	if !bytes.HasPrefix(raw, head) {
		t.Fatalf("head % x, want % x", raw[:len(head)], head)
	}
	// Each binary value is a msgpack bin: c4 <len> <bytes>.
	for _, bin := range []string{"c408 0001027f80fdfeff", "c403 616263", "c400"} {
		want, _ := hex.DecodeString(strings.ReplaceAll(bin, " ", ""))
		if !bytes.Contains(raw, want) {
			t.Errorf("no bin % x in % x", want, raw)
		}
	}
	back, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Data, m.Data) || len(back.Attachments) != 3 || !bytes.Equal(back.Attachments[0], p.Attachments[0]) || !bytes.Equal(back.Attachments[1], p.Attachments[1]) || len(back.Attachments[2]) != 0 {
		t.Fatalf("decoded data %s atts %q", back.Data, back.Attachments)
	}
}

func TestEncodeHeads(t *testing.T) {
	// Types that may not carry binary stay JSON even with attachments;
	// binary-capable ones without binary stay JSON; the ack with a binary
	// value is msgpack (captured head 84 a4 type 0c a4 data 82 a9 reques…).
	ack := &Message{Type: BroadcastAck, UID: uidC, Nsp: "/",
		Data:        packetResponseData(reqA, [][]byte{[]byte(`{"name":"A1","bin":{"_placeholder":true,"num":0}}`)}),
		Attachments: [][]byte{[]byte("bin:A1")}}
	raw, err := ack.Encode()
	if err != nil {
		t.Fatal(err)
	}
	head, _ := hex.DecodeString("84a4747970650ca46461746182a9726571756573")
	if !bytes.HasPrefix(raw, head) {
		t.Fatalf("binary ack head % x", raw[:20])
	}
	count := &Message{Type: BroadcastClientCount, UID: uidC, Nsp: "/", Data: clientCountData(reqA, 1), Attachments: [][]byte{{1}}}
	if raw, _ := count.Encode(); raw[0] != '{' {
		t.Fatalf("client count not JSON: % x", raw)
	}
	plain := &Message{Type: ServerSideEmit, UID: uidA, Nsp: "/", Data: serverSideEmitData(event("e", `1`), ""), Attachments: [][]byte{{1}}}
	if raw, _ := plain.Encode(); raw[0] != '{' {
		t.Fatalf("emit without placeholders not JSON: % x", raw)
	}
	// Streams: the pub/sub side is always msgpack (captured head of a
	// SERVER_SIDE_EMIT: 84 a4 type 09 a4 data 82 a9 reques…).
	emit := &Message{Type: ServerSideEmit, UID: uidA, Nsp: "/", Data: serverSideEmitData(event("ping-node", `{"x":1}`), reqA)}
	raw, err = emit.EncodeMsgpack()
	if err != nil {
		t.Fatal(err)
	}
	head, _ = hex.DecodeString("84a474797065 09 a464617461 82a9726571756573")
	if !bytes.HasPrefix(raw, head) {
		t.Fatalf("msgpack emit head % x", raw[:20])
	}
}

func TestEncodeDataForStreams(t *testing.T) {
	p := binaryBroadcast()
	m := &Message{Type: Broadcast, UID: uidA, Nsp: "/", Data: broadcastData(p, &adapter.Options{}, ""), Attachments: p.Attachments}
	data, binary, err := m.EncodeData()
	if err != nil || !binary {
		t.Fatalf("binary %v err %v", binary, err)
	}
	// The captured XADD data field starts base64 gqZwYWNrZXSCpHR5cGUCpGRhdGGS.
	if got := base64.StdEncoding.EncodeToString(data); !strings.HasPrefix(got, "gqZwYWNrZXSCpHR5cGUCpGRhdGGS") {
		t.Fatalf("data base64 %s", got)
	}
	back, atts, err := DecodeData(data)
	if err != nil || !bytes.Equal(back, m.Data) || len(atts) != 3 {
		t.Fatalf("decoded %s %q %v", back, atts, err)
	}
	plain := &Message{Type: SocketsJoin, Data: roomsData(&adapter.Options{Rooms: []string{sid}}, []string{"rj-N"})}
	data, binary, err = plain.EncodeData()
	if err != nil || binary || string(data) != sub(`{"opts":{"rooms":["<sid>"],"except":[],"flags":{}},"rooms":["rj-N"]}`) {
		t.Fatalf("plain data %s %v %v", data, binary, err)
	}
	if typ, err := ParseType("4"); err != nil || typ != SocketsJoin {
		t.Fatalf("ParseType: %v %v", typ, err)
	}
}

func TestDecodeTolerates(t *testing.T) {
	// Any key order, a float type, no uid (Node's emitter).
	m, err := Decode([]byte(`{"nsp":"/chat","data":{"packet":["relay",{"tok":"t"}]},"type":9.0}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != ServerSideEmit || m.UID != "" || m.Nsp != "/chat" || string(m.Data) != `{"packet":["relay",{"tok":"t"}]}` {
		t.Fatalf("decoded %+v", m)
	}
	for _, bad := range []string{"", `{"type":"x"}`, `{"type":1.5}`, "\xc1"} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%q) succeeded", bad)
		}
	}
}

func TestOptionsRoundTrip(t *testing.T) {
	d, err := parseData([]byte(`{"opts":{"rooms":["a",7],"flags":{"volatile":true,"timeout":1500,"compress":true},"except":["b"]},"rooms":["r"],"close":true}`))
	if err != nil {
		t.Fatal(err)
	}
	o := d.Opts.options()
	if strings.Join(o.Rooms, ",") != "a,7" || strings.Join(o.Except, ",") != "b" || !o.Flags.Volatile || o.Flags.NoCompress || o.Flags.Timeout != 1500*time.Millisecond {
		t.Fatalf("options %+v", o)
	}
	if !d.Close || strings.Join(roomNames(d.Rooms), ",") != "r" {
		t.Fatalf("data %+v", d)
	}
}

// The compress flag: absent means true, as in Node; only false is sent.
func TestOptionsCompressFlag(t *testing.T) {
	for _, c := range []struct {
		flags      string
		noCompress bool
	}{{`{}`, false}, {`{"compress":true}`, false}, {`{"compress":false}`, true}} {
		d, err := parseData([]byte(`{"opts":{"rooms":[],"except":[],"flags":` + c.flags + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Opts.options().Flags.NoCompress; got != c.noCompress {
			t.Errorf("%s: NoCompress %v, want %v", c.flags, got, c.noCompress)
		}
	}
	on := string(appendOpts(nil, &adapter.Options{}))
	off := string(appendOpts(nil, &adapter.Options{Flags: adapter.Flags{NoCompress: true}}))
	if strings.Contains(on, "compress") || !strings.Contains(off, `"flags":{"compress":false}`) {
		t.Fatalf("encoded %s and %s", on, off)
	}
}

// TestEncodeBigIntegersPerLibrary: an integer beyond JavaScript's safe
// range is written as each Node adapter's library writes it: a uint64 by
// notepack.io (the sharded adapter, Encode), a float64 by @msgpack/msgpack
// (the streams adapter, EncodeMsgpack and EncodeData).
func TestEncodeBigIntegersPerLibrary(t *testing.T) {
	m := &Message{Type: Broadcast, UID: "u", Nsp: "/", Data: []byte(`{"n":9007199254740992,"b":{"_placeholder":true,"num":0}}`),
		Attachments: [][]byte{{1}}}
	notepack := []byte{0xcf, 0, 0x20, 0, 0, 0, 0, 0, 0}
	msgpackJS := []byte{0xcb, 0x43, 0x40, 0, 0, 0, 0, 0, 0}
	enc, err := m.Encode()
	if err != nil || !bytes.Contains(enc, notepack) || bytes.Contains(enc, msgpackJS) {
		t.Errorf("Encode = % x, %v: want 2^53 as notepack's uint64", enc, err)
	}
	for name, f := range map[string]func() ([]byte, error){
		"EncodeMsgpack": m.EncodeMsgpack,
		"EncodeData":    func() ([]byte, error) { b, _, err := m.EncodeData(); return b, err },
	} {
		b, err := f()
		if err != nil || !bytes.Contains(b, msgpackJS) || bytes.Contains(b, notepack) {
			t.Errorf("%s = % x, %v: want 2^53 as @msgpack/msgpack's float64", name, b, err)
		}
	}
}
