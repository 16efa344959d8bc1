package adminui

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
	"github.com/tornadio/tornadio/adapter/redis/pubsub"
	"github.com/tornadio/tornadio/admin"
	"github.com/tornadio/tornadio/admin/admintest"
)

var nodeDir = filepath.Join("..", "..", "..", "interop", "node")

// socketView is what the UI is told of a socket (the fields the test reads).
type socketView struct {
	ID        string   `json:"id"`
	ClientID  string   `json:"clientId"`
	Transport string   `json:"transport"`
	Nsp       string   `json:"nsp"`
	Rooms     []string `json:"rooms"`
}

type serverStats struct {
	ServerID   string `json:"serverId"`
	Namespaces []struct {
		Name         string `json:"name"`
		SocketsCount int    `json:"socketsCount"`
	} `json:"namespaces"`
}

// startNode starts an instrumented tornadio node named id on the Redis at
// addr; it returns its base URL.
func startNode(t *testing.T, redis *redistest.Server, id string) *tornadio.Server {
	t.Helper()
	srv := tornadio.NewServer(tornadio.WithEventLoops(2), tornadio.WithLogger(siotest.Quiet),
		tornadio.WithAdapter(pubsub.New(redis.Client(t), nil, pubsub.WithLogger(siotest.Quiet))))
	srv.OnConnection(func(s *tornadio.Socket) { s.Join("node-" + id) })
	in, err := admin.Instrument(srv, admin.WithNoAuth(), admin.WithServerID(id))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv
}

func TestUISeesAndActsOnEveryNode(t *testing.T) {
	redis := redistest.Start(t)
	a := startNode(t, redis, "A")
	b := startNode(t, redis, "B")
	urlA, urlB := "http://"+a.Addr(), "http://"+b.Addr()
	d := admintest.Start(t, nodeDir)
	ws := map[string]any{"transports": []string{"websocket"}}

	// A client on each node, then the UI on A.
	d.Connect("ca", urlA+"/", ws)
	d.Connect("cb", urlB+"/", ws)
	ca, _ := d.Event(0, "ca", "connect")
	cb, _ := d.Event(0, "cb", "connect")
	idA, idB := ca.Str("id"), cb.Str("id")
	if !admintest.WaitUntil(func() bool { return b.Of("/").Socket(idB) != nil && a.Of("/").Socket(idA) != nil }) {
		t.Fatal("the clients' sockets did not connect")
	}

	from := d.Mark()
	d.Connect("ui", urlA+"/admin", ws)
	all, _ := d.Message(from, "ui", "all_sockets", nil)
	var views []socketView
	if err := all.Arg(0, &views); err != nil {
		t.Fatal(err)
	}
	byID := map[string]socketView{}
	for _, v := range views {
		byID[v.ID] = v
	}
	for id, room := range map[string]string{idA: "node-A", idB: "node-B"} {
		v, ok := byID[id]
		if !ok {
			t.Fatalf("all_sockets %v lacks %s", all, id)
		}
		if v.Nsp != "/" || v.Transport != "websocket" || v.ClientID == "" || !slices.Contains(v.Rooms, room) {
			t.Fatalf("all_sockets shows %s as %+v", id, v)
		}
	}

	// Both nodes' statistics reach the UI, each with its own sockets.
	seen := map[string]bool{}
	for len(seen) < 2 {
		st, next := d.Message(from, "ui", "server_stats", nil)
		from = next
		var s serverStats
		if err := st.Arg(0, &s); err != nil {
			t.Fatal(err)
		}
		for _, ns := range s.Namespaces {
			if ns.Name == "/" && ns.SocketsCount == 1 {
				seen[s.ServerID] = true
			}
		}
	}
	if !seen["A"] || !seen["B"] {
		t.Fatalf("server_stats seen from %v, want A and B", seen)
	}

	// What happens on B is told to the UI on A.
	from = d.Mark()
	d.Connect("cb2", urlB+"/", ws)
	cb2, _ := d.Event(from, "cb2", "connect")
	d.Message(from, "ui", "socket_connected", func(o admintest.Obs) bool {
		var v socketView
		return o.Arg(0, &v) == nil && v.ID == cb2.Str("id")
	})

	// The UI's actions, made on A, reach B's sockets.
	from = d.Mark()
	d.Emit("ui", "join", "/", "vip", idB)
	d.Message(from, "ui", "room_joined", func(o admintest.Obs) bool {
		var room, id string
		return o.Arg(1, &room) == nil && o.Arg(2, &id) == nil && room == "vip" && id == idB
	})
	if !slices.Contains(b.Of("/").Socket(idB).Rooms(), "vip") {
		t.Fatalf("B's socket is in %v after the UI's join", b.Of("/").Socket(idB).Rooms())
	}
	from = d.Mark()
	d.Emit("ui", "_disconnect", "/", false, idB)
	if o, _ := d.Event(from, "cb", "disconnect"); o.Str("reason") != "io server disconnect" {
		t.Fatalf("B's client disconnected with %v", o)
	}
	d.Message(from, "ui", "socket_disconnected", func(o admintest.Obs) bool {
		var id string
		return o.Arg(1, &id) == nil && id == idB
	})
	if a.Of("/").Socket(idA) == nil || b.Of("/").Socket(cb2.Str("id")) == nil {
		t.Fatal("the UI's _disconnect of one socket disconnected others")
	}
}
