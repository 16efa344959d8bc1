package admin

// The admin UI's protocol, spoken to socket.io-client 4.8 in Node playing
// the UI (interop/node/admin-client.js): login, the greeting, the messages
// about sockets, rooms and events, the statistics and the actions.

import (
	"slices"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"golang.org/x/crypto/bcrypt"
)

func hashOf(t testing.TB, password string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

// instrumented starts a server with a chat-like main namespace (a client
// may ask to join a room, and gets an echo of "hello"), instrumented with
// opts.
func instrumented(t testing.TB, opts ...Option) (*tornadio.Server, *Instrumentation, string) {
	t.Helper()
	srv := tornadio.NewServer(tornadio.WithEventLoops(2))
	srv.OnConnection(func(s *tornadio.Socket) {
		s.On("join", func(room string) { s.Join(room) })
		s.On("hello", func(n float64) { _ = s.Emit("hi", n+1) })
	})
	in, err := Instrument(srv, append([]Option{withStatsEvery(200 * time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(in.Close)
	return srv, in, startServer(t, srv)
}

func TestInstrumentWantsAuthChosen(t *testing.T) {
	srv := tornadio.NewServer()
	if _, err := Instrument(srv); err == nil {
		t.Fatal("Instrument without WithBasicAuth or WithNoAuth succeeded")
	}
	if _, err := Instrument(srv, WithBasicAuth("admin", "changeit")); err == nil {
		t.Fatal("Instrument with a password that is no bcrypt hash succeeded")
	}
	if _, err := Instrument(srv, WithNoAuth(), WithMode("staging")); err == nil {
		t.Fatal("Instrument with an unknown mode succeeded")
	}
	// htpasswd and PHP write $2y$ hashes, which Node's bcryptjs takes too.
	y := []byte(hashOf(t, "changeit"))
	y[2] = 'y'
	in, err := Instrument(srv, WithBasicAuth("admin", string(y)))
	if err != nil {
		t.Fatalf("a $2y$ hash: %v", err)
	}
	in.Close()
}

func TestLoginAndSession(t *testing.T) {
	_, _, url := instrumented(t, WithBasicAuth("admin", hashOf(t, "s3cret")))
	d := startDriver(t)

	d.Connect("bad", url+"/admin", map[string]any{"auth": map[string]any{"username": "admin", "password": "nope"}})
	if o, _ := d.Event(0, "bad", "connect_error"); o.Str("message") != "invalid credentials" {
		t.Fatalf("a wrong password got %v, want the connect_error \"invalid credentials\"", o)
	}

	from := d.Mark()
	d.Connect("ui", url+"/admin", map[string]any{"auth": map[string]any{"username": "admin", "password": "s3cret"}})
	d.Event(from, "ui", "connect")
	sess, _ := d.Message(from, "ui", "session", nil)
	var sessionID string
	if err := sess.Arg(0, &sessionID); err != nil || len(sessionID) < 16 {
		t.Fatalf("session message %v: want a session id", sess)
	}
	cfg, _ := d.Message(from, "ui", "config", nil)
	var config struct{ SupportedFeatures []string }
	if err := cfg.Arg(0, &config); err != nil {
		t.Fatal(err)
	}
	want := []string{"EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"}
	if !slices.Equal(config.SupportedFeatures, want) {
		t.Fatalf("supportedFeatures %v, want %v", config.SupportedFeatures, want)
	}
	d.Message(from, "ui", "all_sockets", nil)
	d.Message(from, "ui", "server_stats", nil)

	// The UI comes back with the session id alone: no password, no new
	// session.
	from = d.Mark()
	d.Connect("again", url+"/admin", map[string]any{"auth": map[string]any{"sessionId": sessionID}})
	d.Event(from, "again", "connect")
	d.Message(from, "again", "config", nil)
	for _, o := range d.Since(from) {
		if o.Str("who") == "again" && o.Str("name") == "session" {
			t.Fatalf("a login by session id got a new session: %v", o)
		}
	}
	from = d.Mark()
	d.Connect("forged", url+"/admin", map[string]any{"auth": map[string]any{"sessionId": "0123456789abcdef"}})
	d.Event(from, "forged", "connect_error")
}

func TestDevelopmentMessages(t *testing.T) {
	_, _, url := instrumented(t, WithNoAuth())
	d := startDriver(t)
	d.Connect("ui", url+"/admin", nil)
	d.Event(0, "ui", "connect")
	d.Message(0, "ui", "all_sockets", nil)

	from := d.Mark()
	d.Connect("c1", url+"/", map[string]any{"transports": []string{"websocket"}, "query": map[string]any{"tag": "one"}})
	conn, _ := d.Event(from, "c1", "connect")
	id := conn.Str("id")
	got, _ := d.Message(from, "ui", "socket_connected", func(o obs) bool {
		var v socketView
		return o.Arg(0, &v) == nil && v.ID == id
	})
	var v socketView
	_ = got.Arg(0, &v)
	if v.Nsp != "/" || v.Transport != "websocket" || len(v.ClientID) != clientIDLength ||
		!slices.Equal(v.Rooms, []string{id}) || v.Handshake.Query["tag"] != "one" ||
		v.Handshake.Address != "127.0.0.1" || v.Handshake.Issued == 0 || string(v.Data) != "{}" {
		t.Fatalf("socket_connected %v", got)
	}
	if len(got.Args()) != 2 {
		t.Fatalf("socket_connected has no timestamp: %v", got)
	}

	from = d.Mark()
	d.Emit("c1", "join", "lobby")
	joined, _ := d.Message(from, "ui", "room_joined", nil)
	var nsp, room, who string
	_ = joined.Arg(0, &nsp)
	_ = joined.Arg(1, &room)
	_ = joined.Arg(2, &who)
	if nsp != "/" || room != "lobby" || who != id {
		t.Fatalf("room_joined %v, want (/, lobby, %s)", joined, id)
	}
	d.Message(from, "ui", "event_received", func(o obs) bool {
		var args []any
		return o.Arg(2, &args) == nil && slices.Equal(args, []any{"join", "lobby"})
	})

	from = d.Mark()
	d.Emit("c1", "hello", 41)
	d.Message(from, "ui", "event_sent", func(o obs) bool {
		var args []any
		return o.Arg(1, &who) == nil && who == id && o.Arg(2, &args) == nil && slices.Equal(args, []any{"hi", 42.0})
	})
	d.Message(from, "c1", "hi", nil)

	stats, _ := d.Message(from, "ui", "server_stats", func(o obs) bool {
		var s serverStats
		if o.Arg(0, &s) != nil {
			return false
		}
		for _, ns := range s.Namespaces {
			if ns.Name == "/" && ns.SocketsCount == 1 {
				return s.ClientsCount == 2
			}
		}
		return false
	})
	var s serverStats
	_ = stats.Arg(0, &s)
	if s.ServerID == "" || s.PID == 0 || s.Uptime <= 0 || s.Hostname == "" {
		t.Fatalf("server_stats %v", stats)
	}

	// The counts of the last seconds reach the UI with the stats (each in
	// one of them: they were counted before the messages above were sent).
	want := map[string]bool{evConnection: true, evPacketsIn: true, evPacketsOut: true, evBytesIn: true, evBytesOut: true}
	for at := 0; len(want) > 0; {
		var o obs
		o, at = d.Message(at, "ui", "server_stats", nil)
		var s serverStats
		_ = o.Arg(0, &s)
		for _, e := range s.AggregatedEvents {
			delete(want, e.Type)
		}
	}

	from = d.Mark()
	d.Close("c1")
	d.Message(from, "ui", "room_left", func(o obs) bool { return o.Arg(1, &room) == nil && room == "lobby" })
	gone, _ := d.Message(from, "ui", "socket_disconnected", nil)
	var reason string
	if gone.Arg(1, &who) != nil || who != id || gone.Arg(2, &reason) != nil || reason != string(tornadio.ReasonClientNamespaceDisconnect) {
		t.Fatalf("socket_disconnected %v", gone)
	}
}

// A client that connects by long-polling and upgrades is shown with its new
// transport (socket_updated), and counted on polling until then.
func TestTransportUpgradeShown(t *testing.T) {
	_, _, url := instrumented(t, WithNoAuth())
	d := startDriver(t)
	d.Connect("ui", url+"/admin", map[string]any{"transports": []string{"websocket"}})
	d.Event(0, "ui", "connect")
	from := d.Mark()
	d.Connect("c1", url+"/", nil)
	conn, _ := d.Event(from, "c1", "connect")
	id := conn.Str("id")
	d.Message(from, "ui", "socket_connected", func(o obs) bool {
		var v socketView
		return o.Arg(0, &v) == nil && v.ID == id && v.Transport == "polling"
	})
	d.Message(from, "ui", "socket_updated", func(o obs) bool {
		var u struct{ ID, Nsp, Transport string }
		return o.Arg(0, &u) == nil && u.ID == id && u.Nsp == "/" && u.Transport == "websocket"
	})
}

func TestActions(t *testing.T) {
	srv, _, url := instrumented(t, WithNoAuth())
	d := startDriver(t)
	d.Connect("ui", url+"/admin", nil)
	d.Event(0, "ui", "connect")
	d.Connect("c1", url+"/", map[string]any{"transports": []string{"websocket"}})
	d.Connect("c2", url+"/", map[string]any{"transports": []string{"websocket"}})
	c1, _ := d.Event(0, "c1", "connect")
	c2, _ := d.Event(0, "c2", "connect")
	id1, id2 := c1.Str("id"), c2.Str("id")
	ns := srv.Of("/")

	from := d.Mark()
	d.Emit("ui", "join", "/", "room-a", id1)
	d.Message(from, "ui", "room_joined", nil)
	if rooms := ns.Socket(id1).Rooms(); !slices.Contains(rooms, "room-a") {
		t.Fatalf("after join: c1 in %v", rooms)
	}
	if rooms := ns.Socket(id2).Rooms(); slices.Contains(rooms, "room-a") {
		t.Fatalf("join with c1's id as filter moved c2 too: %v", rooms)
	}

	from = d.Mark()
	d.Emit("ui", "emit", "/", "room-a", "notice", "to room-a", 7)
	n, _ := d.Message(from, "c1", "notice", nil)
	if a := n.Args(); len(a) != 2 || a[0] != "to room-a" || a[1] != 7.0 {
		t.Fatalf("emit reached c1 as %v", n)
	}
	d.Emit("ui", "emit", "/", nil, "notice", "to all")
	d.Message(from, "c2", "notice", nil)

	from = d.Mark()
	d.Emit("ui", "leave", "/", "room-a")
	d.Message(from, "ui", "room_left", nil)
	if rooms := ns.Socket(id1).Rooms(); slices.Contains(rooms, "room-a") {
		t.Fatalf("after leave: c1 in %v", rooms)
	}

	// The socket alone: the client is told, its session stays.
	from = d.Mark()
	d.Emit("ui", "_disconnect", "/", false, id1)
	if o, _ := d.Event(from, "c1", "disconnect"); o.Str("reason") != "io server disconnect" {
		t.Fatalf("c1 disconnected with %v", o)
	}
	d.Message(from, "ui", "socket_disconnected", nil)
	if ns.Socket(id2) == nil {
		t.Fatal("_disconnect of c1 disconnected c2")
	}
	// With close, the session ends with the socket (the client closes a
	// session without sockets anyway: this checks the action arrives).
	from = d.Mark()
	d.Emit("ui", "_disconnect", "/", true, id2)
	d.Event(from, "c2", "disconnect")
	if !waitUntil(func() bool { return srv.SessionCount() == 1 }) {
		t.Fatalf("%d sessions after the disconnects, want the UI's alone", srv.SessionCount())
	}
	// An unknown namespace is not made.
	d.Emit("ui", "emit", "/nowhere", nil, "x")
	d.Emit("ui", "join", "/nowhere", "r")
	from = d.Mark()
	d.Emit("ui", "emit", "/admin", nil, "ping-ui")
	d.Message(from, "ui", "ping-ui", nil)
	for _, o := range d.Since(0) {
		if o.Str("name") == "server_stats" {
			var s serverStats
			_ = o.Arg(0, &s)
			for _, ns := range s.Namespaces {
				if ns.Name == "/nowhere" {
					t.Fatalf("an action made the namespace /nowhere: %v", o)
				}
			}
		}
	}
}

func TestReadonlyRefusesActions(t *testing.T) {
	srv, _, url := instrumented(t, WithNoAuth(), WithReadonly(true))
	d := startDriver(t)
	d.Connect("c1", url+"/", map[string]any{"transports": []string{"websocket"}})
	c1, _ := d.Event(0, "c1", "connect")
	d.Connect("ui", url+"/admin", nil)
	cfg, _ := d.Message(0, "ui", "config", nil)
	var config struct{ SupportedFeatures []string }
	_ = cfg.Arg(0, &config)
	if want := []string{"AGGREGATED_EVENTS", "ALL_EVENTS"}; !slices.Equal(config.SupportedFeatures, want) {
		t.Fatalf("readonly supportedFeatures %v, want %v", config.SupportedFeatures, want)
	}
	from := d.Mark()
	d.Emit("ui", "_disconnect", "/", false, c1.Str("id"))
	d.Emit("ui", "emit", "/admin", nil, "ping-ui") // refused too: nothing comes back
	d.Message(from, "ui", "server_stats", nil)
	d.Message(d.Mark(), "ui", "server_stats", nil)
	if srv.Of("/").Socket(c1.Str("id")) == nil {
		t.Fatal("a readonly UI disconnected a socket")
	}
	for _, o := range d.Since(from) {
		if o.Str("name") == "ping-ui" {
			t.Fatal("a readonly UI could emit")
		}
	}
}

func TestProductionModeSendsStatsOnly(t *testing.T) {
	_, _, url := instrumented(t, WithNoAuth(), WithMode(Production), WithServerID("node-7"))
	d := startDriver(t)
	d.Connect("ui", url+"/admin", nil)
	cfg, _ := d.Message(0, "ui", "config", nil)
	var config struct{ SupportedFeatures []string }
	_ = cfg.Arg(0, &config)
	if slices.Contains(config.SupportedFeatures, "ALL_EVENTS") {
		t.Fatalf("production offers ALL_EVENTS: %v", config.SupportedFeatures)
	}
	from := d.Mark()
	d.Connect("c1", url+"/", map[string]any{"transports": []string{"websocket"}})
	d.Event(from, "c1", "connect")
	d.Emit("c1", "hello", 1)
	d.Message(from, "c1", "hi", nil)
	st, _ := d.Message(from, "ui", "server_stats", func(o obs) bool {
		var s serverStats
		if o.Arg(0, &s) != nil {
			return false
		}
		for _, e := range s.AggregatedEvents {
			if e.Type == evConnection {
				return true
			}
		}
		return false
	})
	var s serverStats
	_ = st.Arg(0, &s)
	if s.ServerID != "node-7" {
		t.Fatalf("serverId %q, want node-7", s.ServerID)
	}
	for _, o := range d.Since(0) {
		switch o.Str("name") {
		case "all_sockets", "socket_connected", "event_received", "event_sent", "room_joined":
			t.Fatalf("production mode sent %v", o)
		}
	}
}

// A socket that an OnConnection callback disconnects at once is shown,
// then gone, and counted nowhere after.
func TestSocketKickedAtOnce(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(2))
	srv.Of("/kick").OnConnection(func(s *tornadio.Socket) { _ = s.Disconnect() })
	in, err := Instrument(srv, WithNoAuth(), withStatsEvery(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(in.Close)
	url := startServer(t, srv)
	d := startDriver(t)
	d.Connect("ui", url+"/admin", nil)
	d.Message(0, "ui", "all_sockets", nil)
	from := d.Mark()
	d.Connect("k", url+"/kick", map[string]any{"transports": []string{"websocket"}})
	d.Event(from, "k", "disconnect")
	d.Message(from, "ui", "socket_disconnected", func(o obs) bool {
		var nsp, reason string
		return o.Arg(0, &nsp) == nil && o.Arg(2, &reason) == nil && nsp == "/kick" && reason == string(tornadio.ReasonServerNamespaceDisconnect)
	})
	from = d.Mark()
	d.Message(from, "ui", "server_stats", nil)
	st, _ := d.Message(from, "ui", "server_stats", nil)
	var s serverStats
	_ = st.Arg(0, &s)
	for _, ns := range s.Namespaces {
		if ns.Name == "/kick" && ns.SocketsCount != 0 {
			t.Fatalf("/kick counts %d sockets: %v", ns.SocketsCount, st)
		}
	}
	if n := len(in.reg.sockets()); n != 1 {
		t.Fatalf("the registry holds %d sockets, want the UI's alone", n)
	}
}
