package emitter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/emitter"
	"github.com/tornadio/tornadio/adapter/redis/internal/jsvalue"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// step is one targeting call: to, in, except (rooms), volatile, compress
// (value).
type step struct {
	method string
	rooms  []string
	value  bool
}

// goldenOp is one emitter operation, run by Node's @socket.io/redis-emitter
// and by the Go emitter alike.
type goldenOp struct {
	key   string // "" for the default
	of    string // "" for no Of call
	ofSet bool
	chain []step
	call  string // emit, serverSideEmit, socketsJoin, socketsLeave, disconnectSockets
	event string
	args  []any
	rooms []string // socketsJoin / socketsLeave
	close bool
}

func to(rooms ...string) step     { return step{method: "to", rooms: rooms} }
func in(rooms ...string) step     { return step{method: "in", rooms: rooms} }
func except(rooms ...string) step { return step{method: "except", rooms: rooms} }
func volatile() step              { return step{method: "volatile"} }
func compress(v bool) step        { return step{method: "compress", value: v} }

// fidelity is a value exercising notepack's number, string and key-order
// rules; both sides get the JSON Go writes for it.
var fidelity = map[string]any{
	"s": "h\u00e9llo \u2028 <&> \U0001F600 \x00", "empty": "", "i": 42, "neg": -7, "big": int64(1) << 40,
	"f": 1.5, "tenth": 0.1, "tiny": 1e-7, "huge": 1e21, "negzero": math.Copysign(0, -1),
	"maxu": uint64(math.MaxUint64), "minI": int64(math.MinInt64), "i32": int64(-1) << 31,
	"t": true, "fa": false, "nul": nil, "10": "ten", "9": "nine", "list": []any{1, "two", nil, []any{}},
	"obj": map[string]any{}, "u16": 65535, "u8": 255, "n128": -128, "n129": -129,
}

// surrogates holds what only raw JSON can carry from Go: lone surrogates
// (kept by JSON.parse), pairs written as two escapes, escaped key digits.
var surrogates = json.RawMessage(`["\ud800x\udc00\uD83D\uDE00\ud83d","\udfff",{"\ud800":1,"\u0031":2,"a\u0000\u001F\/":3}]`)

type point struct {
	X     int    `json:"x"`
	Label string `json:"label,omitempty"`
	Raw   []byte `json:"raw"` // a struct field: base64, as encoding/json writes it
}

var goldenOps = []goldenOp{
	{call: "emit", event: "plain"},
	{call: "emit", event: "em-1", args: []any{map[string]any{"tok": "em-1"}}},
	{call: "emit", event: "fidelity", args: []any{fidelity, "second", 3, nil, true}},
	{call: "emit", event: "struct", args: []any{point{X: 1, Raw: []byte("hi")}, []point{{X: -2, Label: "b"}}}},
	{call: "emit", event: "raw", args: []any{json.RawMessage(`{"b":1,"1":[2,{"a":null}],"0":"z"}`)}},
	{call: "emit", event: "raw-edges", args: []any{json.RawMessage(`{"d":1,"4294967295":0,"4294967294":0,"01":0,"d":{"x":1e400,"y":-1e400,"z":-0,"w":1E2}}`)}},
	{call: "emit", event: "bin", args: []any{
		[]byte{0, 1, 2, 0x7f, 0x80, 0xfd, 0xfe, 0xff},
		map[string]any{"nested": map[string]any{"list": []any{[]byte("abc"), "text", []byte{}}}, "tok": "bin"},
	}},
	{call: "emit", event: "bin-big", args: []any{bytes.Repeat([]byte{7}, 70000), []any{bytes.Repeat([]byte{1}, 300)}}},
	{call: "emit", event: "long-string", args: []any{string(bytes.Repeat([]byte("é"), 40000))}},
	{chain: []step{to("r1")}, call: "emit", event: "one-room"},
	{chain: []step{in("r1")}, call: "emit", event: "in-room", args: []any{"x"}},
	{chain: []step{to("r1", "r2")}, call: "emit", event: "two-rooms"},
	{chain: []step{to("a"), to("b", "a"), to("c")}, call: "emit", event: "set-rooms"},
	{chain: []step{to("a"), to("a")}, call: "emit", event: "same-room-twice"},
	{chain: []step{except("x")}, call: "emit", event: "except"},
	{chain: []step{to("r1", "r2"), except("r1"), except("x", "r1")}, call: "emit", event: "rooms-except"},
	{chain: []step{volatile()}, call: "emit", event: "volatile"},
	{chain: []step{compress(false)}, call: "emit", event: "compress-false"},
	{chain: []step{compress(true), volatile(), to("r9")}, call: "emit", event: "flags-order"},
	{chain: []step{volatile(), compress(true), volatile(), compress(false)}, call: "emit", event: "flags-reset"},
	{chain: []step{except("x"), to("r")}, call: "emit", event: "except-first"},
	{of: "/chat", ofSet: true, call: "emit", event: "chat"},
	{of: "chat", ofSet: true, chain: []step{to("r1")}, call: "emit", event: "chat-no-slash"},
	{of: "", ofSet: true, call: "emit", event: "empty-nsp"},
	{key: "custom", call: "emit", event: "custom-key"},
	{key: "custom", of: "/n", ofSet: true, chain: []step{to("r")}, call: "socketsJoin", rooms: []string{"j"}},
	{call: "emit", event: "unicode-\u00e9v\u2028", args: []any{"\U0001F600"}},
	{call: "emit", event: "surrogates", args: []any{surrogates}},
	{chain: []step{to("r\u00e9")}, call: "emit", event: "unicode-room"},

	{call: "socketsJoin", rooms: []string{"j1"}},
	{call: "socketsJoin", rooms: []string{"j1", "j2"}},
	{chain: []step{to("r1"), except("r2")}, call: "socketsJoin", rooms: []string{"re-1"}},
	{chain: []step{to("a", "b")}, call: "socketsLeave", rooms: []string{"l1"}},
	{call: "socketsLeave", rooms: []string{"l1", "l2"}},
	{chain: []step{volatile(), to("v")}, call: "socketsLeave", rooms: []string{"v"}},
	{call: "disconnectSockets"},
	{chain: []step{to("rev")}, call: "disconnectSockets", close: true},
	{chain: []step{except("keep"), in("go")}, call: "disconnectSockets", close: false},
	{of: "/chat", ofSet: true, chain: []step{to("r")}, call: "disconnectSockets", close: true},

	{call: "serverSideEmit", event: "relay", args: []any{map[string]any{"tok": "relay-1"}}},
	{call: "serverSideEmit", event: "bare"},
	{call: "serverSideEmit", event: "sse-fidelity", args: []any{fidelity, point{X: 3}}},
	{call: "serverSideEmit", event: "sse-bin", args: []any{[]byte{0, 1, 255}, map[string]any{"b": []byte{}, "l": []any{[]byte{9}}}}},
	{call: "serverSideEmit", event: "sse-raw", args: []any{json.RawMessage(`{"z":1,"5":2}`)}},
	{call: "serverSideEmit", event: "sse-raw-edges", args: []any{json.RawMessage(`{"d":1,"4294967295":0,"4294967294":0,"01":0,"d":{"x":1e400,"y":-1e400,"z":-0,"w":1E2,"s":"\ud83d\ude00\u2029\u007f\u001f\/"}}`)}},
	{of: "/chat", ofSet: true, call: "serverSideEmit", event: "sse-chat", args: []any{"x"}},
	{call: "serverSideEmit", event: "sse-surrogates", args: []any{surrogates}},
}

// nodeJSON is op as emitter-golden.js reads it.
func (op goldenOp) nodeJSON() map[string]any {
	m := map[string]any{}
	if op.key != "" {
		m["key"] = op.key
	}
	if op.ofSet {
		m["of"] = op.of
	}
	chain := []any{}
	for _, s := range op.chain {
		switch s.method {
		case "volatile":
			chain = append(chain, []any{s.method})
		case "compress":
			chain = append(chain, []any{s.method, s.value})
		default:
			// A single room is passed as a string, several as an array:
			// Node's to/in/except take both.
			var v any = s.rooms
			if len(s.rooms) == 1 {
				v = s.rooms[0]
			}
			chain = append(chain, []any{s.method, v})
		}
	}
	m["chain"] = chain
	call := []any{op.call}
	switch op.call {
	case "emit", "serverSideEmit":
		call = append(call, op.event)
		for _, a := range op.args {
			call = append(call, pipeValue(a))
		}
	case "socketsJoin", "socketsLeave":
		var v any = op.rooms
		if len(op.rooms) == 1 {
			v = op.rooms[0]
		}
		call = append(call, v)
	case "disconnectSockets":
		call = append(call, op.close)
	}
	m["call"] = call
	return m
}

// pipeValue turns []byte (at the top or in []any / map[string]any, where the
// Go emitter treats it as binary) into {"$bin": base64} for the script.
func pipeValue(v any) any {
	return jsvalue.MapBytes(v, func(b []byte) any { return map[string]any{"$bin": b} })
}

// run does op with the Go emitter.
func (op goldenOp) run(ctx context.Context, client redis.UniversalClient) error {
	var opts []emitter.Option
	if op.key != "" {
		opts = append(opts, emitter.WithKey(op.key))
	}
	e := emitter.New(client, opts...)
	if op.ofSet {
		e = e.Of(op.of)
	}
	if op.call == "serverSideEmit" {
		return e.ServerSideEmit(ctx, op.event, op.args...)
	}
	o := e.To() // no rooms: the whole namespace
	for _, s := range op.chain {
		switch s.method {
		case "to":
			o = o.To(s.rooms...)
		case "in":
			o = o.In(s.rooms...)
		case "except":
			o = o.Except(s.rooms...)
		case "volatile":
			o = o.Volatile()
		case "compress":
			o = o.Compress(s.value)
		}
	}
	switch op.call {
	case "emit":
		return o.Emit(ctx, op.event, op.args...)
	case "socketsJoin":
		return o.SocketsJoin(ctx, op.rooms...)
	case "socketsLeave":
		return o.SocketsLeave(ctx, op.rooms...)
	case "disconnectSockets":
		return o.DisconnectSockets(ctx, op.close)
	}
	return fmt.Errorf("unknown call %s", op.call)
}

// published is one message seen on Redis.
type published struct {
	Channel string
	Payload string
}

// recorder records every message published on the server, through a
// PSUBSCRIBE * connection.
type recorder struct {
	client *redis.Client
	ps     *redis.PubSub
	seq    int
}

func newRecorder(t *testing.T, srv *redistest.Server) *recorder {
	t.Helper()
	client := srv.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ps := client.PSubscribe(ctx, "*")
	t.Cleanup(func() { _ = ps.Close() })
	if _, err := ps.Receive(ctx); err != nil { // the subscription's confirmation
		t.Fatalf("PSUBSCRIBE: %v", err)
	}
	return &recorder{client: client, ps: ps}
}

// next returns what was published since the last call: it publishes a
// sentinel and reads up to it. Redis delivers in execution order, so every
// publish that completed before is in.
func (r *recorder) next(t *testing.T) []published {
	t.Helper()
	r.seq++
	sentinel := fmt.Sprintf("golden-sentinel-%d", r.seq)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.client.Publish(ctx, sentinel, "").Err(); err != nil {
		t.Fatalf("publishing the sentinel: %v", err)
	}
	var out []published
	for {
		m, err := r.ps.ReceiveMessage(ctx)
		if err != nil {
			t.Fatalf("recording: %v (after %d messages)", err, len(out))
		}
		if m.Channel == sentinel {
			return out
		}
		out = append(out, published{m.Channel, m.Payload})
	}
}

// nodeDir is interop/node with its modules; the test skips (fails under
// CI) without node or the modules.
func nodeDir(t *testing.T) (node, dir string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "interop", "node"))
	if err != nil {
		t.Fatal(err)
	}
	missing := func(what string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (CI is set, so this fails instead of skipping)", what)
		}
		t.Skip(what)
	}
	for _, mod := range []string{"@socket.io/redis-emitter", "redis"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", mod, "package.json")); err != nil {
			missing(mod + " is not installed in " + dir)
		}
	}
	node, err = exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	return node, dir
}

// TestGoldenAgainstNodeEmitter has Node's @socket.io/redis-emitter 5.1.0 and
// the Go emitter do the same operations against a real redis-server and
// requires the same PUBLISHes, byte for byte, channel for channel, in order.
func TestGoldenAgainstNodeEmitter(t *testing.T) {
	node, dir := nodeDir(t)
	srv := redistest.Start(t)
	rec := newRecorder(t, srv)

	var ops []map[string]any
	for _, op := range goldenOps {
		ops = append(ops, op.nodeJSON())
	}
	input, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "emitter-golden.js"), srv.URL())
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(input)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("emitter-golden.js: %v\n%s", err, out)
	}
	fromNode := rec.next(t)

	client := srv.Client(t)
	for _, op := range goldenOps {
		if err := op.run(ctx, client); err != nil {
			t.Fatalf("%s %q: %v", op.call, op.event, err)
		}
	}
	fromGo := rec.next(t)

	if len(fromNode) != len(goldenOps) {
		t.Fatalf("Node's emitter published %d messages for %d operations", len(fromNode), len(goldenOps))
	}
	if len(fromGo) != len(fromNode) {
		t.Fatalf("Go published %d messages, Node %d", len(fromGo), len(fromNode))
	}
	for i, op := range goldenOps {
		n, g := fromNode[i], fromGo[i]
		if n.Channel != g.Channel {
			t.Errorf("%s %q: channel %q, Node's %q", op.call, op.event, g.Channel, n.Channel)
		}
		if n.Payload != g.Payload {
			t.Errorf("%s %q on %q: payload differs\n  go:   %s\n  node: %s", op.call, op.event, n.Channel, show(g.Payload), show(n.Payload))
		}
	}
}

// show prints a payload: JSON as text, msgpack in hex (cut when long).
func show(p string) string {
	if len(p) > 0 && p[0] == '{' {
		if len(p) > 600 {
			return p[:600] + "…"
		}
		return p
	}
	if len(p) > 300 {
		return fmt.Sprintf("%x… (%d bytes)", p[:300], len(p))
	}
	return fmt.Sprintf("%x", p)
}
