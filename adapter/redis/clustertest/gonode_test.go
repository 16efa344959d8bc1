package clustertest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/jsvalue"
	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
)

// goNode is a tornadio node of the cluster under test, the Go twin of
// cluster-node.js: namespaces "/" and "/chat", socket.data = {name, node,
// ...auth.data}, auth.rooms joined on connection, server-side emits
// answered with the namespace's configured answer, and the same Ops and
// Reports.
type goNode struct {
	name    string
	srv     *tornadio.Server
	reports *Reports

	mu      sync.Mutex
	answers map[string]sseAnswer // per namespace
}

type sseAnswer struct {
	answer   any
	noAnswer bool
}

// goNodeOptions are what differs between the adapter kinds.
type goNodeOptions struct {
	factory adapter.Factory
	// recovery turns connection state recovery on (the streams kind, as
	// cluster-node.js does: 2 minutes, middlewares skipped).
	recovery bool
}

func startGoNode(t testing.TB, name string, o goNodeOptions) *goNode {
	t.Helper()
	opts := []tornadio.Option{tornadio.WithEventLoops(2), tornadio.WithAdapter(o.factory),
		tornadio.WithLogger(siotest.Quiet)}
	if o.recovery {
		opts = append(opts, tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{MaxDisconnection: 2 * time.Minute, SkipMiddlewares: true}))
	}
	n := &goNode{name: name, srv: tornadio.NewServer(opts...), reports: newReports(), answers: map[string]sseAnswer{}}
	for _, nsp := range namespaces {
		n.answers[nsp] = sseAnswer{answer: name}
		n.serve(t, nsp)
	}
	if err := n.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = n.srv.Shutdown(ctx) // closes the adapters too
		n.reports.Close(errors.New("node stopped"))
	})
	return n
}

func (n *goNode) Name() string      { return n.name }
func (n *goNode) URL() string       { return "http://" + n.srv.Addr() }
func (n *goNode) Reports() *Reports { return n.reports }

// serve sets namespace nsp up as cluster-node.js does.
func (n *goNode) serve(t testing.TB, nsp string) {
	ns := n.srv.Of(nsp)
	ns.OnConnection(func(s *tornadio.Socket) {
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
		s.Join(auth.Rooms...)
		n.reports.Add(Report{Event: "connection", Nsp: nsp, Sid: s.ID(), Client: auth.Name, Transport: s.Transport(), Recovered: s.Recovered()})
		s.OnDisconnect(func(reason tornadio.DisconnectReason) {
			n.reports.Add(Report{Event: "disconnect", Nsp: nsp, Sid: s.ID(), Client: auth.Name, Reason: string(reason)})
		})
	})
	ns.OnAnyServerSideEmit(func(ev string, args tornadio.Args, ack tornadio.Ack) {
		var raw []json.RawMessage
		for i := 0; i < args.Len(); i++ {
			raw = append(raw, pipeJSON(args, i))
		}
		n.reports.Add(Report{Event: "serverSideEmit", Nsp: nsp, Name: ev, Args: raw, WithAck: ack != nil})
		n.mu.Lock()
		a := n.answers[nsp]
		n.mu.Unlock()
		if ack != nil && !a.noAnswer {
			ack(binFromPipe(a.answer))
		}
	})
}

// pipeJSON is argument i as the line protocol carries it: binary as
// {"$bin": base64}.
func pipeJSON(args tornadio.Args, i int) json.RawMessage {
	var v any
	if err := args.Decode(i, &v); err != nil {
		return json.RawMessage("null")
	}
	b, _ := json.Marshal(toPipe(v))
	return b
}

// toPipe turns each []byte in v into the line protocol's {"$bin": base64}.
func toPipe(v any) any { return jsvalue.MapBytes(v, func(b []byte) any { return Bin(b) }) }

// binFromPipe turns the line protocol's {"$bin": base64} values into []byte.
func binFromPipe(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = binFromPipe(e)
		}
		return out
	case map[string]any:
		if s, ok := x["$bin"].(string); ok && len(x) == 1 {
			b, err := base64.StdEncoding.DecodeString(s)
			if err == nil {
				return b
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = binFromPipe(e)
		}
		return out
	}
	return v
}

// target is the operator an Op selects, as cluster-node.js's target.
func (n *goNode) target(op Op) *tornadio.BroadcastOperator {
	b := n.srv.Of(nsOf(op)).To(op.Rooms...).Except(op.Except...)
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

func nsOf(op Op) string {
	if op.Nsp == "" {
		return "/"
	}
	return op.Nsp
}

// ackOutcome is {err, responses} as cluster-node.js answers it.
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

// Do runs one Op, as cluster-node.js's handlers do.
func (n *goNode) Do(op Op) (json.RawMessage, error) {
	res, err := n.do(op)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

func (n *goNode) do(op Op) (any, error) {
	ns := n.srv.Of(nsOf(op))
	ctx, cancel := context.WithTimeout(context.Background(), answerTimeout)
	defer cancel()
	args := make([]any, len(op.Args))
	for i, a := range op.Args {
		args[i] = binFromPipe(roundTrip(a))
	}
	switch op.Op {
	case "emit":
		if !op.Ack {
			return struct{}{}, n.target(op).Emit(op.Event, args...)
		}
		if op.Timeout == 0 {
			op.Timeout = 5000
		}
		res := make(chan ackOutcome, 1)
		err := n.target(op).Emit(op.Event, append(args, func(err error, replies []json.RawMessage) { res <- outcome(err, replies) })...)
		if err != nil {
			return nil, err
		}
		return waitOutcome(ctx, res)
	case "fetchSockets", "localSockets":
		if op.Op == "localSockets" {
			op.Local = true
		}
		sockets, err := n.target(op).FetchSockets(ctx)
		if err != nil {
			return nil, err
		}
		return describeSockets(sockets), nil
	case "socketsJoin":
		n.target(op).SocketsJoin(op.Join...)
	case "socketsLeave":
		n.target(op).SocketsLeave(op.Leave...)
	case "disconnectSockets":
		n.target(op).DisconnectSockets(op.Close)
	case "serverSideEmit":
		if !op.Ack {
			return struct{}{}, ns.ServerSideEmit(op.Event, args...)
		}
		res := make(chan ackOutcome, 1)
		err := ns.ServerSideEmit(op.Event, append(args, func(err error, replies []json.RawMessage) { res <- outcome(err, replies) })...)
		if err != nil {
			return nil, err
		}
		return waitOutcome(ctx, res)
	case "setServerSideAnswer":
		n.mu.Lock()
		n.answers[nsOf(op)] = sseAnswer{answer: roundTrip(op.Answer), noAnswer: op.NoAnswer}
		n.mu.Unlock()
	case "serverCount":
		return ns.Adapter().ServerCount(ctx)
	case "allRooms":
		rooms, err := ns.Adapter().AllRooms(ctx)
		sort.Strings(rooms)
		return rooms, err
	case "localRooms":
		l, ok := ns.Adapter().(interface{ Local() *adapter.Local })
		if !ok {
			return nil, errors.New("unsupported: localRooms")
		}
		rooms := l.Local().Rooms()
		sort.Strings(rooms)
		return rooms, nil
	case "close":
		return struct{}{}, n.srv.Shutdown(ctx)
	default:
		return nil, fmt.Errorf("unknown op %s", op.Op)
	}
	return struct{}{}, nil
}

func waitOutcome(ctx context.Context, res chan ackOutcome) (any, error) {
	select {
	case o := <-res:
		return o, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// roundTrip gives a value the form JSON decoding gives it (maps of any),
// so that binFromPipe sees {"$bin": …} whatever Go type the test used.
func roundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// describeSockets is cluster-node.js's describe, sorted by id.
func describeSockets(sockets []*tornadio.RemoteSocket) []map[string]any {
	out := make([]map[string]any, 0, len(sockets))
	for _, s := range sockets {
		rooms := slices.Clone(s.Rooms)
		sort.Strings(rooms)
		var data any
		_ = s.DecodeData(&data)
		out = append(out, map[string]any{"id": s.ID, "handshake": s.Handshake, "rooms": rooms, "data": data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(string) < out[j]["id"].(string) })
	return out
}
