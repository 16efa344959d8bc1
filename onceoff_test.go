package tornadio_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/tornadio/tornadio"
)

// TestOnceOff: a Once handler runs for one event only; Off removes a
// handler; OffAny and OffAnyOutgoing remove the catch-all listeners. The
// events that find no handler are checked by the answer to a later probe
// event arriving next, with nothing before it.
func TestOnceOff(t *testing.T) {
	var mu sync.Mutex
	var anys, outgoing []string
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) {
			s.OnAny(func(event string, _ tornadio.Args) {
				mu.Lock()
				anys = append(anys, event)
				mu.Unlock()
			})
			s.OnAnyOutgoing(func(event string, _ tornadio.Args) {
				mu.Lock()
				outgoing = append(outgoing, event)
				mu.Unlock()
			})
			s.Once("once", func(ack tornadio.Ack) { ack("once") })
			s.On("x", func(ack tornadio.Ack) { ack("x") })
			s.On("probe", func(ack tornadio.Ack) { ack("probe") })
			s.On("off", func(what string, ack tornadio.Ack) {
				switch what {
				case "x":
					s.Off("x")
				case "any":
					s.OffAny()
				case "outgoing":
					s.OffAnyOutgoing()
				}
				ack("off " + what)
			})
			s.On("emit", func(ev string) { s.Emit(ev) })
		})
	})
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	w.connectSIO()
	expect := func(send, want string) {
		t.Helper()
		w.writeText(send)
		if got := w.mustReadPacket(); got != want {
			t.Fatalf("after %s: got %s, want %s", send, got, want)
		}
	}
	expect(`421["once"]`, `431["once"]`)
	w.writeText(`422["once"]`) // no handler any more
	expect(`423["probe"]`, `433["probe"]`)

	expect(`424["x"]`, `434["x"]`)
	expect(`425["off","x"]`, `435["off x"]`)
	w.writeText(`426["x"]`)
	expect(`427["probe"]`, `437["probe"]`)

	expect(`42["emit","a"]`, `42["a"]`)
	expect(`428["off","outgoing"]`, `438["off outgoing"]`)
	expect(`42["emit","b"]`, `42["b"]`)

	expect(`429["off","any"]`, `439["off any"]`)
	expect(`4210["probe"]`, `4310["probe"]`)

	mu.Lock()
	defer mu.Unlock()
	wantAnys := []string{"once", "once", "probe", "x", "off", "x", "probe", "emit", "off", "emit", "off"}
	if !slices.Equal(anys, wantAnys) {
		t.Errorf("OnAny saw %q, want %q", anys, wantAnys)
	}
	// Acks are not events: the outgoing listener saw the emit "a" only.
	if !slices.Equal(outgoing, []string{"a"}) {
		t.Errorf("OnAnyOutgoing saw %q, want [a]", outgoing)
	}
}
