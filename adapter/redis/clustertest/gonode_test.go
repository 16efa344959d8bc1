package clustertest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
)

// goNode is a tornadio node of a mixed cluster, in this test process: the
// Go twin of interop/node/cluster-node.js over any adapter Factory.
type goNode struct {
	name    string
	srv     *tornadio.Server
	url     string
	reports *Reports

	mu     sync.Mutex
	answer map[string]sseAnswer // per namespace
}

type sseAnswer struct {
	value    any // in pipe form
	noAnswer bool
}

// serverSideEventPrefixes are the server-side events the contract sends
// (cluster.token: "<prefix>-<n>.", n from the cluster's counter). tornadio
// has listeners by name only (no catch-all like Node's _onServerSideEmit),
// so the node registers these names, with and without the final dot, up to
// maxServerSideToken in each namespace.
var serverSideEventPrefixes = []string{"sse", "sse-sentinel", "sse-ack", "sse-dying"}

// serverSideEventNames are the fixed names of the emitter tests'
// server-side events (emitterSSEEvent, emitterSSESentinel).
var serverSideEventNames = []string{emitterSSEEvent, emitterSSESentinel}

const maxServerSideToken = 2000

// startGoNode starts a tornadio node named name with factory on a free
// loopback port, serving "/" and "/chat" as cluster-node.js does; closeAll
// (may be nil) runs before the server shuts down when t ends.
func startGoNode(t testing.TB, name string, factory adapter.Factory, closeAll func()) *goNode {
	t.Helper()
	n := &goNode{name: name, reports: newReports(), answer: map[string]sseAnswer{}}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	// One event loop: tornadio hands each server-side event to the next
	// loop in turn, so two events from one node may reach listeners out of
	// order with more loops, and the contract counts on their order (its
	// sentinel emit).
	n.srv = tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithLogger(logger), tornadio.WithAdapter(factory))
	for _, nspName := range namespaces {
		n.answer[nspName] = sseAnswer{value: name}
		ns := n.srv.Of(nspName)
		ns.OnConnection(func(s *tornadio.Socket) { n.onConnection(nspName, s) })
		listen := func(ev string) {
			if err := ns.OnServerSideEmit(ev, func(args tornadio.Args, ack tornadio.Ack) { n.onServerSide(nspName, ev, args, ack) }); err != nil {
				t.Fatal(err)
			}
		}
		for _, ev := range serverSideEventNames {
			listen(ev)
		}
		for _, prefix := range serverSideEventPrefixes {
			for i := 1; i <= maxServerSideToken; i++ {
				listen(fmt.Sprintf("%s-%d", prefix, i))
				listen(fmt.Sprintf("%s-%d.", prefix, i))
			}
		}
	}
	if err := n.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("%s: start: %v", name, err)
	}
	n.url = "http://" + n.srv.Addr()
	t.Cleanup(func() {
		if closeAll != nil {
			closeAll()
		}
		for _, nsp := range namespaces {
			_ = n.srv.Of(nsp).Adapter().Close()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = n.srv.Shutdown(ctx)
	})
	return n
}

func (n *goNode) Name() string      { return n.name }
func (n *goNode) URL() string       { return n.url }
func (n *goNode) Reports() *Reports { return n.reports }

// onConnection sets socket.data = {name: auth.name, node, ...auth.data},
// joins auth.rooms and reports the connection and, later, the
// disconnection.
func (n *goNode) onConnection(nsp string, s *tornadio.Socket) {
	var auth struct {
		Name  string         `json:"name"`
		Rooms []string       `json:"rooms"`
		Data  map[string]any `json:"data"`
	}
	_ = s.Request().DecodeAuth(&auth)
	data := map[string]any{"name": auth.Name, "node": n.name}
	for k, v := range auth.Data {
		data[k] = v
	}
	s.SetData(data)
	if len(auth.Rooms) > 0 {
		s.Join(auth.Rooms...)
	}
	n.reports.Add(Report{Event: "connection", Nsp: nsp, Sid: s.ID(), Client: auth.Name, Transport: s.Transport(), Recovered: s.Recovered()})
	s.OnDisconnect(func(reason tornadio.DisconnectReason) {
		n.reports.Add(Report{Event: "disconnect", Nsp: nsp, Sid: s.ID(), Client: auth.Name, Reason: string(reason)})
	})
}

func (n *goNode) onServerSide(nsp, ev string, args tornadio.Args, ack tornadio.Ack) {
	withAck := !isNoAck(ack)
	pipeArgs := make([]json.RawMessage, args.Len())
	for i := range pipeArgs {
		var v any
		_ = args.Decode(i, &v)
		pipeArgs[i], _ = json.Marshal(goToPipe(v))
	}
	n.reports.Add(Report{Event: "serverSideEmit", Nsp: nsp, Name: ev, Args: pipeArgs, WithAck: withAck})
	n.mu.Lock()
	a := n.answer[nsp]
	n.mu.Unlock()
	if withAck && !a.noAnswer {
		ack(pipeToGo(a.value))
	}
}

// isNoAck reports whether ack is the no-op tornadio hands a listener when
// the sender asked for no answer: tornadio has no other way to tell (Node's
// listener sees whether its last argument is a function).
func isNoAck(ack tornadio.Ack) bool {
	if ack == nil {
		return true
	}
	f := runtime.FuncForPC(reflect.ValueOf(ack).Pointer())
	return f != nil && strings.HasSuffix(f.Name(), ".noAck")
}

// pipeToGo turns the line protocol's {"$bin": base64} (or []byte, from a
// Go test) into []byte, which tornadio sends as binary.
func pipeToGo(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = pipeToGo(e)
		}
		return out
	case map[string]any:
		if b, ok := x["$bin"]; ok && len(x) == 1 {
			switch bin := b.(type) {
			case []byte:
				return bin
			case string:
				if raw, err := base64.StdEncoding.DecodeString(bin); err == nil {
					return raw
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = pipeToGo(e)
		}
		return out
	}
	return v
}

// goToPipe turns binary ([]byte, as tornadio decodes an attachment into an
// any) into {"$bin": base64}.
func goToPipe(v any) any {
	switch x := v.(type) {
	case []byte:
		return map[string]any{"$bin": base64.StdEncoding.EncodeToString(x)}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = goToPipe(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = goToPipe(e)
		}
		return out
	}
	return v
}

// target applies an Op's selection and flags.
func (n *goNode) target(op Op) *tornadio.BroadcastOperator {
	b := n.srv.Of(nspOf(op)).To()
	if len(op.Rooms) > 0 {
		b = b.To(op.Rooms...)
	}
	if len(op.Except) > 0 {
		b = b.Except(op.Except...)
	}
	if op.Volatile {
		b = b.Volatile()
	}
	if op.Local {
		b = b.Local()
	}
	if op.Timeout > 0 {
		b = b.Timeout(time.Duration(op.Timeout) * time.Millisecond)
	}
	return b
}

func nspOf(op Op) string {
	if op.Nsp == "" {
		return "/"
	}
	return op.Nsp
}

// ackOutcome is the result of an emit or server-side emit with ack.
type ackOutcome struct {
	Err       *string           `json:"err"`
	Responses []json.RawMessage `json:"responses"`
}

func outcome(err error, replies []json.RawMessage) ackOutcome {
	o := ackOutcome{Responses: replies}
	if o.Responses == nil {
		o.Responses = []json.RawMessage{}
	}
	if err != nil {
		msg := err.Error()
		o.Err = &msg
	}
	return o
}

// Do runs one Op as cluster-node.js's handlers do.
func (n *goNode) Do(op Op) (json.RawMessage, error) {
	res, err := n.do(op)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", n.name, op.Op, err)
	}
	return json.Marshal(res)
}

func (n *goNode) do(op Op) (any, error) {
	ns := n.srv.Of(nspOf(op))
	ctx, cancel := context.WithTimeout(context.Background(), answerTimeout)
	defer cancel()
	args, _ := pipeToGo(append([]any{}, op.Args...)).([]any)
	switch op.Op {
	case "emit":
		if !op.Ack {
			return struct{}{}, n.target(op).Emit(op.Event, args...)
		}
		if op.Timeout == 0 {
			op.Timeout = 5000
		}
		done := make(chan ackOutcome, 1)
		err := n.target(op).Emit(op.Event, append(args, func(err error, replies []json.RawMessage) { done <- outcome(err, replies) })...)
		if err != nil {
			return nil, err
		}
		return waitOutcome(ctx, done)
	case "fetchSockets":
		socks, err := n.target(op).FetchSockets(ctx)
		if err != nil {
			return nil, err
		}
		return describeSockets(socks), nil
	case "localSockets":
		socks, err := ns.Local().FetchSockets(ctx)
		if err != nil {
			return nil, err
		}
		return describeSockets(socks), nil
	case "socketsJoin":
		n.target(op).SocketsJoin(op.Join...)
		return struct{}{}, nil
	case "socketsLeave":
		n.target(op).SocketsLeave(op.Leave...)
		return struct{}{}, nil
	case "disconnectSockets":
		n.target(op).DisconnectSockets(op.Close)
		return struct{}{}, nil
	case "serverSideEmit":
		if !op.Ack {
			return struct{}{}, ns.ServerSideEmit(op.Event, args...)
		}
		done := make(chan ackOutcome, 1)
		if err := ns.ServerSideEmit(op.Event, append(args, func(err error, replies []json.RawMessage) { done <- outcome(err, replies) })...); err != nil {
			return nil, err
		}
		return waitOutcome(ctx, done)
	case "setServerSideAnswer":
		n.mu.Lock()
		n.answer[nspOf(op)] = sseAnswer{value: op.Answer, noAnswer: op.NoAnswer}
		n.mu.Unlock()
		return struct{}{}, nil
	case "serverCount":
		return ns.Adapter().ServerCount(ctx)
	case "allRooms":
		rooms, err := ns.Adapter().AllRooms(ctx)
		sort.Strings(rooms)
		return rooms, err
	case "localRooms":
		socks, err := ns.Local().FetchSockets(ctx)
		if err != nil {
			return nil, err
		}
		set := map[string]bool{}
		for _, s := range socks {
			for _, r := range s.Rooms {
				set[r] = true
			}
		}
		return keys(set), nil
	}
	return nil, errors.New("unknown op " + op.Op)
}

func waitOutcome(ctx context.Context, done chan ackOutcome) (any, error) {
	select {
	case o := <-done:
		return o, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// socketJSON is one socket as cluster-node.js describes it.
type socketJSON struct {
	ID        string             `json:"id"`
	Handshake *adapter.Handshake `json:"handshake"`
	Rooms     []string           `json:"rooms"`
	Data      any                `json:"data"`
}

func describeSockets(socks []*tornadio.RemoteSocket) []socketJSON {
	out := make([]socketJSON, 0, len(socks))
	for _, s := range socks {
		rooms := append([]string(nil), s.Rooms...)
		sort.Strings(rooms)
		out = append(out, socketJSON{ID: s.ID, Handshake: s.Handshake, Rooms: rooms, Data: s.Data})
	}
	sort.Slice(out, func(i, j int) bool { return strings.Compare(out[i].ID, out[j].ID) < 0 })
	return out
}
