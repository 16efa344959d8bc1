package tornadio_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// listenAndServer is what Server and EngineServer share for these tests.
type listenAndServer interface {
	ListenAndServe(addr string) error
	Start(addr string) error
	Shutdown(ctx context.Context) error
}

// TestListenAndServeAfterShutdown: a clean stop ends ListenAndServe with
// ErrServerClosed (http.ErrServerClosed itself), for both servers, so that
// `if err := srv.ListenAndServe(addr); !errors.Is(err, tornadio.ErrServerClosed)`
// does not take a Shutdown for a failure; a server shut down cannot be
// started again.
func TestListenAndServeAfterShutdown(t *testing.T) {
	quiet := tornadio.WithLogger(lgDiscardLogger())
	sio := tornadio.NewServer(quiet, tornadio.WithEventLoops(2))
	eio := tornadio.NewEngineServer(quiet, tornadio.WithEventLoops(2))
	for _, tc := range []struct {
		name    string
		srv     listenAndServer
		serving func() bool
	}{
		{"Server", sio, func() bool { return tornadio.ServingForTest(sio) }},
		{"EngineServer", eio, func() bool { return tornadio.ServingForTest(eio) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := "127.0.0.1:" + strconv.Itoa(lgFreePort(t))
			served := make(chan error, 1)
			go func() { served <- tc.srv.ListenAndServe(addr) }()
			if !tcWaitFor(10*time.Second, tc.serving) {
				select {
				case err := <-served:
					t.Fatalf("ListenAndServe: %v", err)
				default:
					t.Fatal("the server did not start")
				}
			}
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := tc.srv.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			select {
			case err := <-served:
				if !errors.Is(err, tornadio.ErrServerClosed) || !errors.Is(err, http.ErrServerClosed) {
					t.Fatalf("ListenAndServe after Shutdown: %v, want ErrServerClosed", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("ListenAndServe did not return after Shutdown")
			}
			if err := tc.srv.ListenAndServe("127.0.0.1:0"); !errors.Is(err, tornadio.ErrServerClosed) {
				t.Fatalf("ListenAndServe once shut down: %v, want ErrServerClosed", err)
			}
		})
	}
}

// TestShutdownRacesListenAndServe: the usual program shape, ListenAndServe
// on a goroutine and Shutdown from another, with Shutdown coming at any
// moment of the start (before it, while the loops start, after): every
// time ListenAndServe returns ErrServerClosed and the loops stop. Under
// -race this also checks that the two goroutines share no unguarded state.
func TestShutdownRacesListenAndServe(t *testing.T) {
	for i := range 12 {
		srv := tornadio.NewServer(tornadio.WithLogger(lgDiscardLogger()), tornadio.WithEventLoops(1), tornadio.WithWorkers(1))
		served := make(chan error, 1)
		calling := make(chan struct{})
		go func() {
			close(calling)
			served <- srv.ListenAndServe("127.0.0.1:0")
		}()
		switch i % 3 {
		case 1: // while it starts, most likely
			<-calling
		case 2: // once it serves
			tcWaitFor(10*time.Second, func() bool { return tornadio.ServingForTest(srv) })
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("round %d: Shutdown: %v", i, err)
		}
		cancel()
		select {
		case err := <-served:
			if !errors.Is(err, tornadio.ErrServerClosed) {
				t.Fatalf("round %d: ListenAndServe: %v, want ErrServerClosed", i, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d: ListenAndServe still serves after Shutdown", i)
		}
	}
}
