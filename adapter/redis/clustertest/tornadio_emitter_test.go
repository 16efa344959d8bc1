package clustertest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
	"github.com/tornadio/tornadio/adapter/redis/pubsub"
)

// emitterTornadioNode is a tornadio server with the pubsub adapter, as much
// of a cluster node as the emitter cases need: its clients join auth.rooms
// and carry socket data {name, node}; it answers the emit, fetchSockets and
// serverCount Ops and reports the emitter's server-side events.
type emitterTornadioNode struct {
	name    string
	url     string
	srv     *tornadio.Server
	reports *Reports
}

func (n *emitterTornadioNode) Name() string      { return n.name }
func (n *emitterTornadioNode) URL() string       { return n.url }
func (n *emitterTornadioNode) Reports() *Reports { return n.reports }

func startEmitterTornadioNode(t *testing.T, redisAddr, name string) *emitterTornadioNode {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = client.Close() })
	srv := tornadio.NewServer(
		tornadio.WithAdapter(pubsub.New(client, nil, pubsub.WithLogger(siotest.Quiet))),
		tornadio.WithEventLoops(1),
		// The modern road only: no Flash policy listener on port 843.
		tornadio.WithTransports(tornadio.TransportPolling, tornadio.TransportWebSocket),
		tornadio.WithLogger(siotest.Quiet),
	)
	n := &emitterTornadioNode{name: name, srv: srv, reports: newReports()}
	for _, nspName := range namespaces {
		ns := srv.Of(nspName)
		ns.OnConnection(siotest.JoinFromAuth(name))
		for _, ev := range []string{emitterSSEEvent, emitterSSESentinel} {
			err := ns.OnServerSideEmit(ev, func(args tornadio.Args) {
				raw := make([]json.RawMessage, args.Len())
				for i := range raw {
					raw[i] = append(json.RawMessage(nil), args.Raw(i)...)
				}
				n.reports.Add(Report{Event: "serverSideEmit", Nsp: nspName, Name: ev, Args: raw})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	n.url = "http://" + srv.Addr()
	return n
}

func (n *emitterTornadioNode) Do(op Op) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), answerTimeout)
	defer cancel()
	ns := n.srv.Of(op.Nsp)
	switch op.Op {
	case "emit":
		args := make([]any, len(op.Args))
		for i, a := range op.Args {
			args[i] = fromPipe(a)
		}
		if err := ns.To(op.Rooms...).Except(op.Except...).Emit(op.Event, args...); err != nil {
			return nil, err
		}
		return json.RawMessage(`{}`), nil
	case "fetchSockets":
		sockets, err := ns.To(op.Rooms...).Except(op.Except...).FetchSockets(ctx)
		if err != nil {
			return nil, err
		}
		type desc struct {
			ID    string   `json:"id"`
			Rooms []string `json:"rooms"`
			Data  any      `json:"data"`
		}
		out := make([]desc, len(sockets))
		for i, s := range sockets {
			rooms := append([]string(nil), s.Rooms...)
			sort.Strings(rooms)
			out[i] = desc{s.ID, rooms, s.Data}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		return json.Marshal(out)
	case "serverCount":
		count, err := ns.Adapter().ServerCount(ctx)
		if err != nil {
			return nil, err
		}
		return json.Marshal(count)
	}
	return nil, fmt.Errorf("%s: op %s not supported", n.name, op.Op)
}

// TestEmitterDrivesTornadio has the emitters — Node's as the reference, then
// the Go one — drive a pub/sub cluster of a tornadio node and a Node node,
// with websocket and polling clients on both, through the emitter cases.
func TestEmitterDrivesTornadio(t *testing.T) {
	c := &cluster{kind: "pubsub", caps: capabilities("pubsub"), redis: redistest.Start(t)}
	c.monitor = c.redis.Monitor(t)
	c.nodes = []ClusterNode{
		startEmitterTornadioNode(t, c.redis.Addr(), "go1"),
		startNodeNode(t, "pubsub", c.redis.Addr(), "node2", nil),
	}
	c.waitServerCount(t)
	c.clients = startClients(t)
	for i, n := range c.nodes {
		for _, nsp := range namespaces {
			for j, tr := range []string{"websocket", "polling"} {
				room := []string{"r1", "r2"}[(i+j)%2]
				c.addMember(t, clientSpec{Name: fmt.Sprintf("%s%s-%s", n.Name(), nspLabel(nsp), tr[:2]), Node: i, Nsp: nsp, Transport: tr, Rooms: []string{room}})
			}
		}
	}
	c.warmUp(t)
	runEmitterCases(t, c)
}
