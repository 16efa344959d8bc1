package clustertest

import (
	"encoding/json"
	"fmt"
	"testing"
)

// Kinds are the adapter kinds under test, named as cluster-node.js names
// them: pubsub (@socket.io/redis-adapter createAdapter), sharded
// (createShardedAdapter, subscriptionMode "dynamic") and streams
// (@socket.io/redis-streams-adapter, connection state recovery on).
var Kinds = []string{"pubsub", "sharded", "streams"}

// Op is one command to a cluster node (or to the clients or the emitter):
// the JSON line interop/node/cluster-*.js read. Which fields matter depends
// on Op.Op:
//
//	emit              Nsp, Event, Args, Rooms, Except, Volatile, Local; with Ack
//	                  (and Timeout, ms) the result is {"err", "responses"}
//	fetchSockets      Nsp, Rooms, Except, Local, Timeout → [{"id","handshake","rooms","data"}]
//	                  sorted by id, rooms sorted
//	socketsJoin       Nsp, Rooms, Except, Local, Join
//	socketsLeave      Nsp, Rooms, Except, Local, Leave
//	disconnectSockets Nsp, Rooms, Except, Local, Close
//	serverSideEmit    Nsp, Event, Args; with Ack the result is {"err", "responses"}
//	setServerSideAnswer Nsp, Answer, NoAnswer: what this node answers to
//	                  server-side emits that want an answer (default: its name)
//	serverCount       Nsp → number
//	allRooms          Nsp → sorted rooms of the whole cluster
//	localRooms        Nsp → sorted rooms with a member on this node
//	localSockets      Nsp → as fetchSockets, this node's sockets only
//
// Binary values in Args and Answer are {"$bin": base64} (see Bin); nodes put
// real binary on the wire.
type Op struct {
	ID       int      `json:"id"`
	Op       string   `json:"op"`
	Nsp      string   `json:"nsp,omitempty"`
	Event    string   `json:"event,omitempty"`
	Args     []any    `json:"args,omitempty"`
	Rooms    []string `json:"rooms,omitempty"`
	Except   []string `json:"except,omitempty"`
	Volatile bool     `json:"volatile,omitempty"`
	Local    bool     `json:"local,omitempty"`
	Ack      bool     `json:"ack,omitempty"`
	Timeout  int      `json:"timeout,omitempty"`
	Join     []string `json:"join,omitempty"`
	Leave    []string `json:"leave,omitempty"`
	Close    bool     `json:"close,omitempty"`
	Answer   any      `json:"answer,omitempty"`
	NoAnswer bool     `json:"noAnswer,omitempty"`

	// For the clients process (cluster-clients.js).
	Client     string   `json:"client,omitempty"`
	URL        string   `json:"url,omitempty"`
	Transports []string `json:"transports,omitempty"`
	Auth       any      `json:"auth,omitempty"`
	AckAnswer  any      `json:"ackAnswer,omitempty"`
	NoAck      bool     `json:"noAck,omitempty"`
	Pid        string   `json:"pid,omitempty"`    // reopen: the session to recover
	Offset     string   `json:"offset,omitempty"` // reopen: the last offset seen
}

// Bin is a binary argument as the line protocol carries it.
func Bin(b []byte) map[string]any { return map[string]any{"$bin": b} } // []byte marshals as base64

// ClusterNode is one server of the cluster under test, Node or tornadio.
type ClusterNode interface {
	// Name is the node's name: socket.data.node of its sockets and its
	// default answer to server-side emits.
	Name() string
	// URL is where clients connect: http://127.0.0.1:<port>.
	URL() string
	// Do runs one Op on the node and returns its JSON result.
	Do(op Op) (json.RawMessage, error)
	// Reports is what the node observed. The contract reads "connection"
	// {Nsp, Sid, Client}, "disconnect" {Nsp, Sid, Client, Reason} and
	// "serverSideEmit" {Nsp, Name, Args, WithAck} reports.
	Reports() *Reports
}

// Capabilities says which operations a kind supports across the cluster.
type Capabilities struct {
	// AllRooms: the kind has a cluster-wide allRooms request (only the
	// classic pub/sub adapter has; Node's ClusterAdapter, under sharded and
	// streams, has none).
	AllRooms bool
	// Emitter: @socket.io/redis-emitter can drive the cluster (classic
	// pub/sub channels only).
	Emitter bool
}

func capabilities(kind string) Capabilities {
	return Capabilities{AllRooms: kind == "pubsub", Emitter: kind == "pubsub"}
}

// NewTornadioNode is the hook the Redis adapters fill in: for an adapter
// kind, a function starting a tornadio node of that kind on a free loopback
// port, connected to the redis-server at redisAddr ("127.0.0.1:port"), named
// name, serving namespaces "/" and "/chat" exactly as cluster-node.js does
// (socket.data = {name: auth.name, node: name, ...auth.data}; join
// auth.rooms on connection; answer server-side emits with the configured
// answer; report connection/disconnect/serverSideEmit), implementing every
// Op above, and stopped when t ends. Register it from an init function in a
// _test.go file of this package:
//
//	func init() { NewTornadioNode["pubsub"] = startTornadioPubsubNode }
//
// With a function for a kind, that kind's cluster is two tornadio nodes and
// one Node node; without, three Node nodes.
var NewTornadioNode = map[string]func(t testing.TB, redisAddr, name string) ClusterNode{}

// nodeNode is a Node socket.io 4.8.4 server (interop/node/cluster-node.js).
type nodeNode struct {
	*lineProc
	url string
}

func (n *nodeNode) Name() string      { return n.name }
func (n *nodeNode) URL() string       { return n.url }
func (n *nodeNode) Reports() *Reports { return n.reports }

// startNodeNode starts a Node socket.io server with the given adapter kind
// on a free loopback port, stopped when the test ends. opts are
// cluster-node.js's options (requestsTimeout, recoveryMs); name is set here.
func startNodeNode(t testing.TB, kind, redisAddr, name string, opts map[string]any) *nodeNode {
	t.Helper()
	o := map[string]any{"name": name}
	for k, v := range opts {
		o[k] = v
	}
	raw, _ := json.Marshal(o)
	p, ready := startLineProc(t, name, "cluster-node.js", kind, "0", "redis://"+redisAddr, string(raw))
	return &nodeNode{lineProc: p, url: fmt.Sprintf("http://127.0.0.1:%d", ready.Port)}
}

// emitterProc is @socket.io/redis-emitter (interop/node/cluster-emitter.js).
type emitterProc struct{ *lineProc }

func (e *emitterProc) Name() string { return e.name }

func startEmitter(t testing.TB, redisAddr string) *emitterProc {
	t.Helper()
	p, _ := startLineProc(t, "emitter", "cluster-emitter.js", "redis://"+redisAddr)
	return &emitterProc{p}
}

// do runs op on n and fails the test on error.
func do(t testing.TB, n interface {
	Do(Op) (json.RawMessage, error)
}, op Op) json.RawMessage {
	t.Helper()
	res, err := n.Do(op)
	if err != nil {
		t.Fatalf("%s: %v", quote(op), err)
	}
	return res
}

// doInto runs op on n and decodes its result into v.
func doInto(t testing.TB, n interface {
	Do(Op) (json.RawMessage, error)
}, op Op, v any) {
	t.Helper()
	res := do(t, n, op)
	if err := json.Unmarshal(res, v); err != nil {
		t.Fatalf("%s: decoding %s: %v", quote(op), res, err)
	}
}
