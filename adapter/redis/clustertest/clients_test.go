package clustertest

import (
	"testing"
)

// clientsProc is interop/node/cluster-clients.js: socket.io-client 4.8.4
// clients, all in one process, reporting every event they receive.
type clientsProc struct{ *lineProc }

func startClients(t testing.TB) *clientsProc {
	t.Helper()
	p, _ := startLineProc(t, "clients", "cluster-clients.js")
	return &clientsProc{p}
}

// clientSpec describes one client: its name (also auth.name and its ack
// answer), the node it connects to, namespace, transport ("websocket" or
// "polling") and the rooms it asks to join (auth.rooms).
type clientSpec struct {
	Name      string
	Node      int
	Nsp       string
	Transport string
	Rooms     []string
	NoAck     bool // never answers acks
}

// open connects a client to url and returns its socket id once connected.
func (c *clientsProc) open(t testing.TB, spec clientSpec, url string) string {
	t.Helper()
	var res struct{ Sid string }
	doInto(t, c, Op{
		Op:         "open",
		Client:     spec.Name,
		URL:        url,
		Nsp:        spec.Nsp,
		Transports: []string{spec.Transport},
		Auth:       map[string]any{"name": spec.Name, "rooms": spec.Rooms},
		NoAck:      spec.NoAck,
	}, &res)
	if res.Sid == "" {
		t.Fatalf("client %s: connected without a socket id", spec.Name)
	}
	return res.Sid
}

// close disconnects a client for good.
func (c *clientsProc) close(t testing.TB, name string) {
	t.Helper()
	do(t, c, Op{Op: "close", Client: name})
}

// received returns, per client, the events named event it received.
func (c *clientsProc) received(event string) map[string][]Report {
	got := map[string][]Report{}
	for _, r := range c.reports.Matching(func(r Report) bool { return r.Event == "recv" && r.Name == event }) {
		got[r.Client] = append(got[r.Client], r)
	}
	return got
}
