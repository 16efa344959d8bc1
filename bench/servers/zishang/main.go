// Command zishang is the Go port github.com/zishang520/socket.io (v3) under
// test, with the bench contract on "/" (see bench/servers/internal/ready).
// Default options (websocket and polling, pings every 25 s), served by
// net/http; the runner pins the process to one core.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"

	socket "github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/tornadio/tornadio/bench/servers/internal/ready"
)

func main() {
	addr, parentPipe := ready.Flags()
	flag.Parse()

	io := socket.NewServer(nil, nil)
	_ = io.On("connection", func(clients ...any) {
		s := clients[0].(*socket.Socket)
		_ = s.On("echo", func(args ...any) {
			if n := len(args); n > 0 {
				if ack, ok := args[n-1].(socket.Ack); ok {
					ack(args[:n-1], nil)
				} else if ack, ok := args[n-1].(func([]any, error)); ok {
					ack(args[:n-1], nil)
				}
			}
		})
		_ = s.On("broadcast", func(args ...any) {
			if n := len(args); n > 0 {
				if _, ok := args[n-1].(socket.Ack); ok {
					args = args[:n-1]
				}
			}
			io.Emit("broadcast", args...)
		})
	})
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", io.ServeHandler(nil))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	ready.ExitWith(*parentPipe, nil)
	ready.Report("zishang", ln.Addr().String())
	log.Fatal(http.Serve(ln, mux))
}
