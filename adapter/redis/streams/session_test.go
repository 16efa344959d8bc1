package streams

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

func TestSessionEncodingMatchesNode(t *testing.T) {
	s := &adapter.Session{SID: "abcdefghijklmnopqrst", PID: "pidpidpidpidpidpidpi",
		Rooms: []string{"abcdefghijklmnopqrst", "r1"}, Data: []byte(`{"name":"x","n":1}`)}
	got, err := encodeSession(s)
	if err != nil {
		t.Fatal(err)
	}
	// Buffer.from(encode(session)).toString("base64") with @msgpack/msgpack.
	const want = "hKNzaWS0YWJjZGVmZ2hpamtsbW5vcHFyc3SjcGlktHBpZHBpZHBpZHBpZHBpZHBpZHBppXJvb21zkrRhYmNkZWZnaGlqa2xtbm9wcXJzdKJyMaRkYXRhgqRuYW1loXihbgE="
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	back, err := decodeSession(got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("decoded %+v", back)
	}
}

func TestSessionWithoutDataDecodesNodesUndefined(t *testing.T) {
	// {sid:"a", pid:"b", rooms:[], data:undefined} as @msgpack/msgpack writes it (data nil).
	s, err := decodeSession("hKNzaWShYaNwaWShYqVyb29tc5CkZGF0YcA=")
	if err != nil {
		t.Fatal(err)
	}
	if s.SID != "a" || s.PID != "b" || len(s.Rooms) != 0 || string(s.Data) != "null" {
		t.Fatalf("decoded %+v", s)
	}
}

func TestNextOffset(t *testing.T) {
	if got := nextOffset("1700000000000-9"); got != "1700000000000-10" {
		t.Fatal(got)
	}
}

func TestSelectsAsNodeShouldIncludePacket(t *testing.T) {
	for _, c := range []struct {
		session, rooms, except []string
		want                   bool
	}{
		{[]string{"sid", "r1"}, nil, nil, true},
		{[]string{"sid", "r1"}, []string{"r1"}, nil, true},
		{[]string{"sid", "r1"}, []string{"r2"}, nil, false},
		{[]string{"sid", "r1"}, []string{"sid"}, nil, true},
		{[]string{"sid", "r1"}, nil, []string{"r1"}, false},
		{[]string{"sid", "r1"}, []string{"r1"}, []string{"sid"}, false},
	} {
		if got := selects(c.session, c.rooms, c.except); got != c.want {
			t.Errorf("selects(%v, %v, %v) = %v", c.session, c.rooms, c.except, got)
		}
	}
}

// restore against a real Redis: the session is taken (and gone after), the
// missed broadcasts of the namespace that select its rooms come back in
// order with their offsets, and anything else is skipped.
func TestRestoreFromRedis(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	h := newHub(client, defaultConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	s := &adapter.Session{SID: "sid-1", PID: "pid-1", Rooms: []string{"sid-1", "r1"}, Data: []byte(`{"k":"v"}`)}
	value, err := encodeSession(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.setSession(ctx, "sio:session:pid-1", value, 60000); err != nil {
		t.Fatal(err)
	}
	add := func(m *cluster.Message) string {
		t.Helper()
		v, err := entryValues(m, false)
		if err != nil {
			t.Fatal(err)
		}
		id, err := h.xadd(ctx, "socket.io", v)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	bcast := func(nsp, event string, rooms, except string) *cluster.Message {
		return &cluster.Message{UID: "other", Nsp: nsp, Type: 3, Data: []byte(`{"packet":{"type":2,"data":["` + event +
			`",{"a":1}]},"opts":{"rooms":` + rooms + `,"except":` + except + `,"flags":{}}}`)}
	}
	offset := add(bcast("/", "seen", "[]", "[]"))
	id1 := add(bcast("/", "all", "[]", "[]"))
	add(bcast("/chat", "other-nsp", "[]", "[]"))
	id2 := add(bcast("/", "to-r1", `["r1"]`, "[]"))
	add(bcast("/", "to-r2", `["r2"]`, "[]"))
	add(bcast("/", "except-r1", "[]", `["r1"]`))
	add(&cluster.Message{UID: "other", Nsp: "/", Type: 4, Data: []byte(`{"opts":{"rooms":[],"except":[],"flags":{}},"rooms":["x"]}`)})
	id3 := add(&cluster.Message{UID: "other", Nsp: "/", Type: 3, Attachments: [][]byte{{1, 2, 3}},
		Data: []byte(`{"packet":{"type":2,"data":["bin",{"_placeholder":true,"num":0}]},"opts":{"rooms":["sid-1"],"except":[],"flags":{}}}`)})

	got, missed, err := h.restore(ctx, "/", "socket.io", "pid-1", offset)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Fatalf("session %+v, want %+v", got, s)
	}
	var lines []string
	for _, p := range missed {
		args := make([]string, len(p.Args))
		for i, a := range p.Args {
			args[i] = string(a)
		}
		lines = append(lines, p.Nsp+" "+p.Event+" "+strings.Join(args, " "))
	}
	want := []string{
		`/ all {"a":1} "` + id1 + `"`,
		`/ to-r1 {"a":1} "` + id2 + `"`,
		`/ bin {"_placeholder":true,"num":0} "` + id3 + `"`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("missed:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if !reflect.DeepEqual(missed[2].Attachments, [][]byte{{1, 2, 3}}) {
		t.Fatalf("attachments %v", missed[2].Attachments)
	}

	// The session is gone: a second restoration finds nothing.
	if again, _, err := h.restore(ctx, "/", "socket.io", "pid-1", offset); err != nil || again != nil {
		t.Fatalf("second restore: %+v, %v", again, err)
	}
	// An offset no longer in the stream, or not an entry id, recovers nothing.
	if err := h.setSession(ctx, "sio:session:pid-2", value, 60000); err != nil {
		t.Fatal(err)
	}
	if s2, _, err := h.restore(ctx, "/", "socket.io", "pid-2", "1-1"); err != nil || s2 != nil {
		t.Fatalf("unknown offset: %+v, %v", s2, err)
	}
	if s3, _, err := h.restore(ctx, "/", "socket.io", "pid-2", "abc"); err != nil || s3 != nil {
		t.Fatalf("bad offset: %+v, %v", s3, err)
	}
	// The session key expires: SET … PX.
	if ttl := client.PTTL(ctx, "sio:session:missing").Val(); ttl >= 0 {
		t.Fatalf("ttl of a missing key %v", ttl)
	}
}

func TestSetSessionSendsPX(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	mon := srv.Monitor(t)
	h := newHub(client, defaultConfig())
	ctx := context.Background()
	if err := h.setSession(ctx, "sio:session:p", "v", 120000); err != nil {
		t.Fatal(err)
	}
	if ttl := client.PTTL(ctx, "sio:session:p").Val(); ttl <= 0 || ttl > 120*time.Second {
		t.Fatalf("pttl = %v", ttl)
	}
	mon.WaitFor(t, 10*time.Second, func(cmds []redistest.Command) bool {
		return redistest.Count(cmds, "SET", "sio:session:p") > 0
	})
	for _, c := range mon.Commands() {
		if strings.EqualFold(c.Name(), "SET") {
			if want := []string{"SET", "sio:session:p", "v", "PX", "120000"}; !reflect.DeepEqual(c.Args, want) {
				t.Fatalf("SET args %q, want %q", c.Args, want)
			}
		}
	}
}
