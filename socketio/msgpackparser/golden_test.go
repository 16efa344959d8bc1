package msgpackparser_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/socketio/msgpackparser"
)

// goldenCase is one entry of testdata/golden.json, written by
// testdata/gen.js with socket.io-msgpack-parser 3.0.2.
type goldenCase struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	Type   int      `json:"type"`
	Nsp    string   `json:"nsp"`
	ID     int64    `json:"id"`
	Event  string   `json:"event"`
	Args   []string `json:"args"`
	Atts   []string `json:"atts"`
	Server string   `json:"server"`
	Client string   `json:"client"`
	// EncodeOnly: notepack.io's bytes do not read back as the value.
	EncodeOnly bool `json:"encodeOnly"`
}

func loadGolden(t testing.TB) []goldenCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func (c *goldenCase) args() [][]byte {
	out := make([][]byte, len(c.Args))
	for i, a := range c.Args {
		out[i] = []byte(a)
	}
	return out
}

func (c *goldenCase) atts(t testing.TB) [][]byte {
	out := make([][]byte, len(c.Atts))
	for i, a := range c.Atts {
		b, err := hex.DecodeString(a)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

// data is the packet's payload as tornadio holds it: for an event its name
// and arguments in one JSON array, for an ack its arguments.
func (c *goldenCase) data() string {
	switch c.Kind {
	case "event":
		name, _ := json.Marshal(c.Event)
		return "[" + strings.Join(append([]string{string(name)}, c.Args...), ",") + "]"
	case "ack":
		return "[" + strings.Join(c.Args, ",") + "]"
	}
	if len(c.Args) == 0 {
		return ""
	}
	return c.Args[0]
}

// TestGoldenEncode: the parser writes, byte for byte, what
// socket.io-msgpack-parser writes for the packet objects of Node's server.
func TestGoldenEncode(t *testing.T) {
	var p msgpackparser.Parser
	for _, c := range loadGolden(t) {
		var got []byte
		var err error
		prefix := []byte("keep")
		switch c.Kind {
		case "event":
			got, err = p.AppendEvent(prefix, c.Nsp, c.ID, c.Event, c.args(), c.atts(t))
		case "ack":
			got, err = p.AppendAck(prefix, c.Nsp, c.ID, c.args(), c.atts(t))
		default:
			pkt := socketio.Packet{Type: socketio.PacketType(c.Type), Namespace: []byte(c.Nsp), ID: c.ID}
			if d := c.data(); d != "" {
				pkt.Data = []byte(d)
			}
			got, err = p.AppendPacket(prefix, pkt, c.atts(t))
		}
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if !bytes.HasPrefix(got, prefix) {
			t.Errorf("%s: dst's bytes lost: %q", c.Name, got)
			continue
		}
		if h := hex.EncodeToString(got[len(prefix):]); h != c.Server {
			t.Errorf("%s:\n got %s\nwant %s", c.Name, h, c.Server)
		}
	}
}

// TestGoldenDecode: what socket.io-client writes with
// socket.io-msgpack-parser (and what Node's server writes) decodes to the
// packet in tornadio's form: JSON with placeholders, the Buffers as
// attachments, an event's or ack's arguments split.
func TestGoldenDecode(t *testing.T) {
	var p msgpackparser.Parser
	var out socketio.Decoded
	for _, c := range loadGolden(t) {
		if c.EncodeOnly {
			continue
		}
		for _, side := range []string{c.Client, c.Server} {
			msg, _ := hex.DecodeString(side)
			done, err := p.Decode(&socketio.DecoderState{}, msg, true, 5, &out)
			if err != nil || !done {
				t.Errorf("%s: done %v, err %v", c.Name, done, err)
				continue
			}
			pk := out.Packet
			if int(pk.Type) != c.Type || string(pk.Namespace) != c.Nsp || pk.ID != c.ID {
				t.Errorf("%s: packet type %d nsp %q id %d", c.Name, pk.Type, pk.Namespace, pk.ID)
			}
			if got := string(pk.Data); got != c.data() || (c.data() == "") != (pk.Data == nil) {
				t.Errorf("%s: data %q, want %q", c.Name, got, c.data())
			}
			want := c.atts(t)
			if len(out.Attachments) != len(want) || pk.Attachments != len(want) {
				t.Errorf("%s: %d attachments, want %d", c.Name, len(out.Attachments), len(want))
			} else {
				for i := range want {
					if !bytes.Equal(out.Attachments[i], want[i]) {
						t.Errorf("%s: attachment %d %x, want %x", c.Name, i, out.Attachments[i], want[i])
					}
				}
			}
			if c.Kind == "packet" {
				continue
			}
			elems, _ := socketio.SplitArray([]byte(c.data()), nil)
			if !out.Split || len(out.Args) != len(elems) {
				t.Errorf("%s: split %v, args %q, want %q", c.Name, out.Split, out.Args, elems)
				continue
			}
			for i := range elems {
				if !bytes.Equal(out.Args[i], elems[i]) {
					t.Errorf("%s: arg %d %q, want %q", c.Name, i, out.Args[i], elems[i])
				}
			}
		}
	}
}
