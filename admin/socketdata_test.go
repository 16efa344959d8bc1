package admin

import (
	"encoding/json"
	"testing"
)

// A socket's new data (SetData) reaches the UI as socket_updated, as
// Node's admin-ui sends it when socket.data changes.
func TestSocketDataShown(t *testing.T) {
	srv, _, url := instrumented(t, WithNoAuth())
	d := startDriver(t)
	d.Connect("ui", url+"/admin", map[string]any{"transports": []string{"websocket"}}) // no upgrade to report
	d.Message(0, "ui", "all_sockets", nil)
	from := d.Mark()
	d.Connect("c1", url+"/", map[string]any{"transports": []string{"websocket"}})
	conn, _ := d.Event(from, "c1", "connect")
	id := conn.Str("id")
	d.Message(from, "ui", "socket_connected", func(o obs) bool {
		var v socketView
		return o.Arg(0, &v) == nil && v.ID == id
	})

	s := srv.Of("/").Socket(id)
	if s == nil {
		t.Fatalf("no socket %s", id)
	}
	from = d.Mark()
	s.SetData(map[string]any{"name": "ann", "score": 7})
	var u struct {
		ID, Nsp   string
		Data      json.RawMessage
		Transport string
	}
	got, _ := d.Message(from, "ui", "socket_updated", func(o obs) bool { return o.Arg(0, &u) == nil && u.ID == id })
	if u.ID != id || u.Nsp != "/" || string(u.Data) != `{"name":"ann","score":7}` || u.Transport != "" {
		t.Fatalf("socket_updated %v, want c1's id, / and the new data alone", got)
	}
}
