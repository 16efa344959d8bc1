package streams

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// The commands a tornadio node sends, as Redis executed them: the same
// words as the Node adapter's (captured from Node 0.3.1).
func TestCommandsAsNodeSendsThem(t *testing.T) {
	srv := redistest.Start(t)
	mon := srv.Monitor(t)
	notes := make(chan string, 4)
	a := startNode(t, srv.Client(t), "A", notes, WithBlockTime(5*time.Second))
	waitServerCount(t, a, 1)
	ca, sid, _ := dialPoll(t, a.srv.Addr(), "", `"ok"`)
	_ = ca
	uid := a.ns.Adapter().(*Adapter).UID()

	_ = a.ns.Emit("plain", map[string]any{"tok": "t1"})
	_ = a.ns.Emit("binary", []byte{0, 1, 2})
	a.ns.In(sid).SocketsJoin("rj")
	a.ns.In(sid).DisconnectSockets(false)
	ca.next("41")
	mon.WaitFor(t, 20*time.Second, func(cmds []redistest.Command) bool {
		return redistest.Count(cmds, "XADD", `"type":6`) > 0 || redistest.Count(cmds, "XADD", `"close":false`) > 0
	})

	var xadds [][]string
	var subscribe, xread, numsub []string
	for _, c := range mon.Commands() {
		switch c.Name() {
		case "XADD":
			xadds = append(xadds, c.Args)
		case "SUBSCRIBE":
			subscribe = c.Args
		case "XREAD":
			if xread == nil {
				xread = c.Args
			}
		case "PUBSUB":
			numsub = c.Args
		}
	}
	if want := []string{"XREAD", "COUNT", "100", "BLOCK", "5000", "STREAMS", "socket.io", "$"}; !strings.EqualFold(strings.Join(xread, " "), strings.Join(want, " ")) {
		t.Errorf("first XREAD %q, want %q", xread, want)
	}
	if want := []string{"SUBSCRIBE", "socket.io#/#", "socket.io#/#" + uid + "#"}; !slices.Equal(subscribe, want) {
		t.Errorf("SUBSCRIBE %q, want %q (both channels in one command)", subscribe, want)
	}
	if want := []string{"PUBSUB", "NUMSUB", "socket.io#/#"}; !strings.EqualFold(strings.Join(numsub, " "), strings.Join(want, " ")) {
		t.Errorf("PUBSUB %q, want %q", numsub, want)
	}
	want := [][]string{
		{"XADD", "socket.io", "MAXLEN", "~", "10000", "*", "uid", uid, "nsp", "/", "type", "3", "data",
			`{"packet":{"type":2,"data":["plain",{"tok":"t1"}]},"opts":{"rooms":[],"except":[],"flags":{}}}`},
		// base64 of @msgpack/msgpack's {packet:{type:2,data:["binary",<bin 000102>]},opts:{rooms:[],except:[],flags:{}}}
		{"XADD", "socket.io", "MAXLEN", "~", "10000", "*", "uid", uid, "nsp", "/", "type", "3", "data",
			"gqZwYWNrZXSCpHR5cGUCpGRhdGGSpmJpbmFyecQDAAECpG9wdHODpXJvb21zkKZleGNlcHSQpWZsYWdzgA=="},
		{"XADD", "socket.io", "MAXLEN", "~", "10000", "*", "uid", uid, "nsp", "/", "type", "4", "data",
			`{"opts":{"rooms":["` + sid + `"],"except":[],"flags":{}},"rooms":["rj"]}`},
		{"XADD", "socket.io", "MAXLEN", "~", "10000", "*", "uid", uid, "nsp", "/", "type", "6", "data",
			`{"opts":{"rooms":["` + sid + `"],"except":[],"flags":{}},"close":false}`},
	}
	var warmless [][]string
	for _, x := range xadds {
		if !strings.Contains(strings.Join(x, " "), "warm") {
			warmless = append(warmless, x)
		}
	}
	if len(warmless) != len(want) {
		t.Fatalf("XADDs %q, want %q", warmless, want)
	}
	for i := range want {
		if !strings.EqualFold(strings.Join(warmless[i][:6], " "), strings.Join(want[i][:6], " ")) || !slices.Equal(warmless[i][6:], want[i][6:]) {
			t.Errorf("XADD %d:\n got %q\nwant %q", i, warmless[i], want[i])
		}
	}
}
