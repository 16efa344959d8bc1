package pubsub

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter"
)

// golden is testdata/golden.json: what Node's @socket.io/redis-adapter
// publishes for each message (testdata/gen.js).
type golden struct {
	Name string `json:"name"`
	Hex  string `json:"hex"`
	Text string `json:"text"`
}

func (g golden) bytes(t *testing.T) []byte {
	if g.Hex == "" {
		return []byte(g.Text)
	}
	b, err := hex.DecodeString(g.Hex)
	if err != nil {
		t.Fatalf("%s: %v", g.Name, err)
	}
	return b
}

const (
	goldenUID = "uRFA6x"
	goldenReq = "Hp3kQz"
)

// binArg is the binary argument of the golden cases as tornadio holds it.
var (
	binArg  = []byte(`{"bin":{"_placeholder":true,"num":0},"nested":{"list":[{"_placeholder":true,"num":1},"text",{"_placeholder":true,"num":2}]},"tok":"tok-1"}`)
	binAtts = [][]byte{mustHex("0001027f80fdfeff"), []byte("abc"), {}}
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func args(list ...string) [][]byte {
	out := make([][]byte, len(list))
	for i, s := range list {
		out[i] = []byte(s)
	}
	return out
}

// goldenEncoders makes, for each golden case, tornadio's bytes for the same
// message.
var goldenEncoders = map[string]func() ([]byte, error){
	"broadcast": func() ([]byte, error) {
		return encodeBroadcast(goldenUID, &adapter.Packet{Nsp: "/", Event: "warm", Args: args(`{"tok":"warm-1"}`)}, &adapter.Options{})
	},
	"broadcast one room": func() ([]byte, error) {
		return encodeBroadcast(goldenUID, &adapter.Packet{Nsp: "/", Event: "warm", Args: args(`{"tok":"warm-1"}`)}, &adapter.Options{Rooms: []string{"r1"}})
	},
	"broadcast rooms except": func() ([]byte, error) {
		return encodeBroadcast(goldenUID, &adapter.Packet{Nsp: "/chat", Event: "ev", Args: args(`1`, `"two"`, `null`)},
			&adapter.Options{Rooms: []string{"r1", "r2"}, Except: []string{"x"}})
	},
	"broadcast binary": func() ([]byte, error) {
		return encodeBroadcast(goldenUID, &adapter.Packet{Nsp: "/", Event: "ev-1", Args: [][]byte{binArg}, Attachments: binAtts}, &adapter.Options{})
	},
	"broadcast volatile": func() ([]byte, error) {
		return encodeBroadcast(goldenUID, &adapter.Packet{Nsp: "/", Event: "ev-1", Args: args(`{"tok":"tok-1"}`)}, &adapter.Options{Flags: adapter.Flags{Volatile: true}})
	},
	"broadcast no args": func() ([]byte, error) {
		return encodeBroadcast(goldenUID, &adapter.Packet{Nsp: "/", Event: "ping"}, &adapter.Options{})
	},
	"broadcast with ack": func() ([]byte, error) {
		return encodeBroadcastRequest(goldenUID, goldenReq, &adapter.Packet{Nsp: "/", Event: "ask-1", Args: args(`{}`)},
			&adapter.Options{Flags: adapter.Flags{Timeout: 3 * time.Second}})
	},
	"broadcast with ack binary volatile": func() ([]byte, error) {
		return encodeBroadcastRequest(goldenUID, goldenReq, &adapter.Packet{Nsp: "/", Event: "ask-1", Args: [][]byte{binArg}, Attachments: binAtts},
			&adapter.Options{Rooms: []string{"r1"}, Except: []string{"r2"}, Flags: adapter.Flags{Volatile: true, Timeout: 500 * time.Millisecond}})
	},
	"client count": func() ([]byte, error) { return encodeClientCount(goldenReq, 3), nil },
	"ack answer":   func() ([]byte, error) { return encodeBroadcastAck(goldenReq, args(`"A1"`), nil) },
	"ack answer binary": func() ([]byte, error) {
		return encodeBroadcastAck(goldenReq, args(`{"name":"A1","bin":{"_placeholder":true,"num":0}}`), [][]byte{[]byte("bin:A1")})
	},
	"ack answer none": func() ([]byte, error) { return encodeBroadcastAck(goldenReq, nil, nil) },
	"fetch request": func() ([]byte, error) {
		return encodeFetchRequest(goldenUID, goldenReq, &adapter.Options{Rooms: []string{"r1"}, Except: []string{"r2"}}), nil
	},
	"join request": func() ([]byte, error) {
		return encodeRoomsRequest(goldenUID, typeRemoteJoin, &adapter.Options{Rooms: []string{"sid-1"}}, []string{"rj-1", "rj-2"}), nil
	},
	"leave request": func() ([]byte, error) {
		return encodeRoomsRequest(goldenUID, typeRemoteLeave, &adapter.Options{Rooms: []string{"sid-1"}}, []string{"rj-1"}), nil
	},
	"disconnect request": func() ([]byte, error) {
		return encodeDisconnectRequest(goldenUID, &adapter.Options{Rooms: []string{"sid-1"}}, false), nil
	},
	"server-side emit": func() ([]byte, error) {
		return encodeServerSideEmit(goldenUID, "", &adapter.Packet{Nsp: "/", Event: "relay", Args: args(`{"tok":"relay-1"}`)}), nil
	},
	"server-side emit with ack": func() ([]byte, error) {
		return encodeServerSideEmit(goldenUID, goldenReq, &adapter.Packet{Nsp: "/", Event: "ping-node", Args: args(`{"x":1}`)}), nil
	},
	"server-side emit binary": func() ([]byte, error) {
		return encodeServerSideEmit(goldenUID, "", &adapter.Packet{Nsp: "/", Event: "relay",
			Args: args(`{"b":{"_placeholder":true,"num":0}}`), Attachments: [][]byte{{1, 2, 255}}}), nil
	},
	"server-side answer":      func() ([]byte, error) { return encodeServerSideAnswer(goldenReq, args(`"node2"`), nil), nil },
	"server-side answer none": func() ([]byte, error) { return encodeServerSideAnswer(goldenReq, nil, nil), nil },
	"all rooms request":       func() ([]byte, error) { return encodeAllRoomsRequest(goldenUID, goldenReq), nil },
	"all rooms response": func() ([]byte, error) {
		return encodeRoomsResponse(goldenReq, []string{"sid-1", "r1", "r2"}), nil
	},
	"sockets response": func() ([]byte, error) { return encodeSocketIDsResponse(goldenReq, []string{"sid-1", "sid-2"}), nil },
	"done response":    func() ([]byte, error) { return encodeDoneResponse(goldenReq), nil },
}

func loadGolden(t *testing.T) []golden {
	t.Helper()
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []golden
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestEncodersMatchNode checks every encoder against the bytes Node's
// adapter publishes for the same message.
func TestEncodersMatchNode(t *testing.T) {
	cases := loadGolden(t)
	if len(cases) != len(goldenEncoders) {
		t.Errorf("%d golden cases, %d encoders", len(cases), len(goldenEncoders))
	}
	for _, g := range cases {
		enc := goldenEncoders[g.Name]
		if enc == nil {
			t.Errorf("%s: no encoder", g.Name)
			continue
		}
		got, err := enc()
		if err != nil {
			t.Errorf("%s: %v", g.Name, err)
			continue
		}
		if want := g.bytes(t); !bytes.Equal(got, want) {
			if g.Hex != "" {
				t.Errorf("%s:\n got %x\nwant %x", g.Name, got, want)
			} else {
				t.Errorf("%s:\n got %s\nwant %s", g.Name, got, want)
			}
		}
	}
}

// TestCapturedHeads checks the first bytes of the captured Node traffic
// against ours (the capture's uids were real: uRFA6x as here).
func TestCapturedHeads(t *testing.T) {
	heads := map[string]string{
		"broadcast":          "93a675524641367883a47479706502a464617461",
		"broadcast with ack": "85a3756964a6755246413678a9726571756573",
		"client count":       "7b2274797065223a382c227265717565737449",
		"ack answer":         "83a474797065" + "09a9726571756573744964a6",
		"fetch request":      "7b22756964223a22755246413678222c22726571",
		"join request":       "7b22756964223a22755246413678222c22747970",
	}
	for name, head := range heads {
		got, err := goldenEncoders[name]()
		if err != nil {
			t.Fatal(err)
		}
		if want := mustHex(head); !bytes.HasPrefix(got, want) {
			t.Errorf("%s: head %x, captured %x", name, got[:len(want)], want)
		}
	}
}
