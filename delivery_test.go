package tornadio_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestDeliverCounts: Deliver writes the event as Emit does and reports the
// sockets it selected on this node and that it sent to each, over every
// loop; on a parent namespace, summed over its children.
func TestDeliverCounts(t *testing.T) {
	var parent *tornadio.Namespace
	connected := make(chan *tornadio.Socket, 8)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.OnConnection(func(s *tornadio.Socket) { connected <- s })
		parent = srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
		parent.OnConnection(func(s *tornadio.Socket) { connected <- s })
	})
	ws, ids := mainClients(t, srv, 5)
	for range ws {
		s := <-connected
		if s.ID() == ids[0] || s.ID() == ids[1] {
			s.Join("room")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	got, err := srv.Deliver(ctx, "all", 1)
	if want := (tornadio.Delivery{Sockets: 5, Sent: 5}); err != nil || got != want {
		t.Fatalf("Server.Deliver: %+v, %v; want %+v", got, err, want)
	}
	for i, w := range ws {
		if p := w.mustReadPacket(); p != `42["all",1]` {
			t.Fatalf("client %d got %q", i, p)
		}
	}
	got, err = srv.To("room").Except(ids[1]).Deliver(ctx, "room", []byte{1, 2})
	if want := (tornadio.Delivery{Sockets: 1, Sent: 1}); err != nil || got != want {
		t.Fatalf("To(room).Except(b).Deliver: %+v, %v; want %+v", got, err, want)
	}
	if p := ws[0].mustReadPacket(); p != `451-["room",{"_placeholder":true,"num":0}]` {
		t.Fatalf("binary event: %q", p)
	}
	if got, err := srv.Of("/empty").Deliver(ctx, "none"); err != nil || got != (tornadio.Delivery{}) {
		t.Fatalf("Deliver to a namespace without sockets: %+v, %v", got, err)
	}

	for _, nsp := range []string{"/dyn-1", "/dyn-2"} {
		tcConnectNsp(t, tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket"), nsp)
		<-connected
	}
	got, err = parent.Deliver(ctx, "children")
	if want := (tornadio.Delivery{Sockets: 2, Sent: 2}); err != nil || got != want {
		t.Fatalf("parent Deliver: %+v, %v; want %+v", got, err, want)
	}
}

// TestDeliverWhereItMayNot: Deliver refuses to wait on an event loop
// (ErrOnEventLoop), refuses an ack callback, and ends with ctx.
func TestDeliverWhereItMayNot(t *testing.T) {
	onLoop := make(chan error, 1)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.OnConnection(func(s *tornadio.Socket) {
			s.On("go", func(s *tornadio.Socket, _ tornadio.Args) {
				_, err := srv.Deliver(context.Background(), "x")
				onLoop <- err
			})
		})
	})
	ws, _ := mainClients(t, srv, 1)
	ws[0].writeText(`42["go"]`)
	select {
	case err := <-onLoop:
		if !errors.Is(err, tornadio.ErrOnEventLoop) {
			t.Fatalf("Deliver in a handler on an event loop: %v, want ErrOnEventLoop", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the handler did not run, or Deliver waited on the loop")
	}
	if _, err := srv.Deliver(context.Background(), "x", func(error, []tornadio.Args) {}); err == nil {
		t.Fatal("Deliver took an ack callback")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := srv.Deliver(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Deliver with a done context: %v", err)
	}
	if _, err := srv.Deliver(context.Background(), "disconnect"); err == nil {
		t.Fatal("Deliver sent a reserved event")
	}
}

// TestDeliverBeforeStart reaches no one and says so at once.
func TestDeliverBeforeStart(t *testing.T) {
	srv := tornadio.NewServer()
	got, err := srv.Deliver(context.Background(), "x")
	if err != nil || got != (tornadio.Delivery{}) {
		t.Fatalf("Deliver before Start: %+v, %v", got, err)
	}
}

// TestDeliverAfterShutdown: a Deliver whose loops are gone returns
// ErrServerClosed rather than wait for them.
func TestDeliverAfterShutdown(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithEventLoops(2), tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	mainClients(t, srv, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Deliver(ctx, "late"); !errors.Is(err, tornadio.ErrServerClosed) {
		t.Fatalf("Deliver after Shutdown: %v, want ErrServerClosed", err)
	}
}
