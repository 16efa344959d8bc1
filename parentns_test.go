package tornadio_test

// The operations of a dynamic parent namespace (OfFunc, OfRegexp) reach
// every child namespace: SocketsJoin and SocketsLeave, To(...).Emit,
// FetchSockets and DisconnectSockets agree on that.

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// tcConnectNsp connects a direct websocket session to namespace nsp and
// returns the socket id from the CONNECT answer.
func tcConnectNsp(t *testing.T, w *tcWS, nsp string) string {
	t.Helper()
	if _, err := tcParseOpen(w.mustReadPacket()); err != nil {
		t.Fatal(err)
	}
	w.writeText("40" + nsp + ",")
	p := w.mustReadPacket()
	rest, ok := strings.CutPrefix(p, "40"+nsp+",")
	if !ok {
		t.Fatalf("CONNECT answer for %s: %q", nsp, p)
	}
	id, err := tcParseConnect("40" + rest)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestParentNamespaceOperations(t *testing.T) {
	var parent *tornadio.Namespace
	connected := make(chan string, 4)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		parent = srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
		parent.OnConnection(func(s *tornadio.Socket) { connected <- s.ID() })
	})
	names := []string{"/dyn-1", "/dyn-2", "/dyn-3"}
	clients := make([]*tcWS, len(names))
	var ids []string
	for i, nsp := range names {
		clients[i] = tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
		ids = append(ids, tcConnectNsp(t, clients[i], nsp))
		select {
		case <-connected:
		case <-time.After(tcIOTimeout):
			t.Fatalf("OnConnection did not run for %s", nsp)
		}
	}
	sort.Strings(ids)

	// Every socket of every child joins "r" and "s", then leaves "r": a
	// broadcast to "r" must reach nobody, one to "s" everybody. Operations
	// issued from one goroutine apply in order, so the wire shows it.
	parent.SocketsJoin("r", "s")
	parent.SocketsLeave("r")
	if err := parent.To("r").Emit("in-r"); err != nil {
		t.Fatal(err)
	}
	if err := parent.To("s").Emit("in-s"); err != nil {
		t.Fatal(err)
	}
	for i, w := range clients {
		if got, want := w.mustReadPacket(), "42"+names[i]+`,["in-s"]`; got != want {
			t.Errorf("%s: got %q, want %q (SocketsLeave on the parent missed the child)", names[i], got, want)
		}
	}

	var all []string
	for _, rs := range fetched(parent.FetchSockets(context.Background())) {
		all = append(all, rs.ID)
	}
	sort.Strings(all)
	if fmt.Sprint(all) != fmt.Sprint(ids) {
		t.Errorf("parent FetchSockets = %v, want %v", all, ids)
	}

	parent.DisconnectSockets(false)
	for i, w := range clients {
		if got, want := w.mustReadPacket(), "41"+names[i]+","; got != want {
			t.Errorf("%s: got %q, want the DISCONNECT packet %q", names[i], got, want)
		}
	}
}
