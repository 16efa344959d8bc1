package pubsub

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/msgpack"
)

func goldenCase(t *testing.T, name string) []byte {
	t.Helper()
	for _, g := range loadGolden(t) {
		if g.Name == name {
			return g.bytes(t)
		}
	}
	t.Fatalf("no golden case %q", name)
	return nil
}

// TestDecodeNodeBroadcast reads Node's binary broadcast back into
// tornadio's packet: placeholders in place of bin, the bytes as
// attachments.
func TestDecodeNodeBroadcast(t *testing.T) {
	uid, p, opts, err := decodeBroadcast(goldenCase(t, "broadcast binary"))
	if err != nil {
		t.Fatal(err)
	}
	if uid != goldenUID || p.Nsp != "/" || p.Event != "ev-1" || len(p.Args) != 1 {
		t.Fatalf("uid %q packet %+v", uid, p)
	}
	if !bytes.Equal(p.Args[0], binArg) {
		t.Errorf("arg %s, want %s", p.Args[0], binArg)
	}
	if len(p.Attachments) != 3 || !bytes.Equal(p.Attachments[0], binAtts[0]) || string(p.Attachments[1]) != "abc" || len(p.Attachments[2]) != 0 {
		t.Errorf("attachments %x", p.Attachments)
	}
	if len(opts.Rooms) != 0 || len(opts.Except) != 0 || opts.Flags.Volatile {
		t.Errorf("opts %+v", opts)
	}

	_, p, opts, err = decodeBroadcast(goldenCase(t, "broadcast rooms except"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Nsp != "/chat" || !slices.Equal(opts.Rooms, []string{"r1", "r2"}) || !slices.Equal(opts.Except, []string{"x"}) {
		t.Errorf("packet %+v opts %+v", p, opts)
	}
	if got := string(bytes.Join(p.Args, []byte(","))); got != `1,"two",null` {
		t.Errorf("args %s", got)
	}
}

// TestDecodeEmitterBroadcast reads the emitter's tuple: uid "emitter",
// opts keys in the order rooms, flags, except, a numeric room.
func TestDecodeEmitterBroadcast(t *testing.T) {
	w := msgpack.NewWriter(nil)
	w.ArrayHeader(3)
	w.String("emitter")
	w.MapHeader(3)
	w.String("type")
	w.Int(2)
	w.String("data")
	w.ArrayHeader(2)
	w.String("em-1")
	if err := w.JSON([]byte(`{"tok":"em-1"}`), nil); err != nil {
		t.Fatal(err)
	}
	w.String("nsp")
	w.String("/")
	w.MapHeader(3)
	w.String("rooms")
	w.ArrayHeader(2)
	w.String("r1")
	w.Int(42)
	w.String("flags")
	w.MapHeader(2)
	w.String("volatile")
	w.Bool(true)
	w.String("compress")
	w.Bool(false)
	w.String("except")
	w.ArrayHeader(0)
	uid, p, opts, err := decodeBroadcast(w.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if uid != "emitter" || p.Event != "em-1" || string(p.Args[0]) != `{"tok":"em-1"}` {
		t.Errorf("uid %q packet %+v", uid, p)
	}
	if !slices.Equal(opts.Rooms, []string{"r1", "42"}) || !opts.Flags.Volatile || !opts.Flags.NoCompress {
		t.Errorf("opts %+v", opts)
	}
}

// TestDecodeRequests reads each request kind, JSON and msgpack alike.
func TestDecodeRequests(t *testing.T) {
	m, err := decodeMessage(goldenCase(t, "broadcast with ack binary volatile"))
	if err != nil {
		t.Fatal(err)
	}
	if m.typ() != typeBroadcast || m.uid() != goldenUID || m.RequestID != goldenReq || len(m.attachments) != 3 {
		t.Fatalf("%+v", m)
	}
	data, err := packetData(m.Packet)
	if err != nil {
		t.Fatal(err)
	}
	p, err := eventPacket("/", data, m.attachments)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	_ = json.Unmarshal(p.Args[0], &got)
	_ = json.Unmarshal(binArg, &want)
	if p.Event != "ask-1" || !jsonEqual(got, want) {
		t.Errorf("packet %s %s", p.Event, p.Args[0])
	}
	if sel := m.Opts.selection(); !slices.Equal(sel.Rooms, []string{"r1"}) || !slices.Equal(sel.Except, []string{"r2"}) || sel.Flags.Volatile {
		t.Errorf("selection %+v", sel)
	}

	// The emitter's SocketsJoin: no uid.
	m, err = decodeMessage([]byte(`{"type":2,"opts":{"rooms":["r1"],"except":[]},"rooms":["re-1"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.uid() != "" || m.typ() != typeRemoteJoin || !slices.Equal(m.Rooms, []string{"re-1"}) || !slices.Equal(m.Opts.Rooms, []string{"r1"}) {
		t.Errorf("%+v", m)
	}

	m, err = decodeMessage(goldenCase(t, "ack answer binary"))
	if err != nil {
		t.Fatal(err)
	}
	if m.typ() != typeBroadcastAck || string(m.Packet) != `{"name":"A1","bin":{"_placeholder":true,"num":0}}` || string(m.attachments[0]) != "bin:A1" {
		t.Errorf("%+v %s", m, m.Packet)
	}
	m, err = decodeMessage(goldenCase(t, "client count"))
	if err != nil || m.typ() != typeBroadcastClientCount || m.ClientCount != 3 {
		t.Errorf("%+v %v", m, err)
	}
	m, err = decodeMessage(goldenCase(t, "all rooms response"))
	if err != nil || m.typ() != -1 || m.RequestID != goldenReq || !slices.Equal(m.Rooms, []string{"sid-1", "r1", "r2"}) {
		t.Errorf("%+v %v", m, err)
	}
	if _, err := decodeMessage([]byte(`{"requestId":`)); err == nil {
		t.Error("truncated JSON decoded")
	}
	if msDuration(1500) != 1500*time.Millisecond {
		t.Error("msDuration")
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
