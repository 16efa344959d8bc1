package main

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"

	"github.com/tornadio/tornadio"
)

// listen serves srv on addr through the chosen edge and returns the
// address it listens on:
//
//	gnet     srv.Start: tornadio's own listener on its event loops;
//	nethttp  an http.Server whose ServeMux routes /socket.io/ to srv
//	         (ServeHTTP): polling through the bridge, websockets hijacked
//	         and handed to the event loops;
//	serve    srv.Serve on a net.Listener of ours: accepted connections go
//	         to the event loops.
func listen(edge string, srv *tornadio.Server, addr string) (string, error) {
	switch edge {
	case "gnet":
		if err := srv.Start(addr); err != nil {
			return "", err
		}
		return srv.Addr(), nil
	case "nethttp", "serve":
	default:
		return "", fmt.Errorf("unknown edge %q (gnet, nethttp, serve)", edge)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	serve := func() error { return srv.Serve(ln) }
	if edge == "nethttp" {
		mux := http.NewServeMux()
		mux.Handle("/socket.io/", srv)
		hs := &http.Server{Handler: mux}
		serve = func() error { return hs.Serve(ln) }
	}
	go func() {
		if err := serve(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("%s edge: %v", edge, err)
		}
	}()
	return ln.Addr().String(), nil
}
