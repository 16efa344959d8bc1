// Command tornadio-conformance serves what the official Engine.IO and
// Socket.IO protocol test suites talk to (see scripts/conformance.sh and
// make conformance; the suites themselves live outside the repository),
// written on tornadio's public API only:
//
//   - -addr: a plain Engine.IO echo server under /engine.io/ that refuses
//     Engine.IO v3 (the eio4 suite);
//   - -eio3-addr: the same echo server accepting v3 (the eio3 suite);
//   - -sio-addr: a Socket.IO server under /socket.io/ (the sio5 suite), with
//     namespaces / and /custom: each connection gets "auth" with its CONNECT
//     payload ({} without one, key order kept); on /, "message" is emitted
//     back as "message-back" and "message-with-ack" acknowledged, with the
//     same arguments, binary attachments included.
//
// Everywhere: pingInterval 300ms, pingTimeout 200ms, maxPayload 1000000.
// -edge picks how the servers are reached: "gnet" (Start: their own
// listeners), "nethttp" (each the Handler of an http.Server, so every
// request goes through net/http and websockets are hijacked) or "serve"
// (Serve on a listener of the program's).
// Once all three listen it prints one line per server, "eio4 HOST:PORT",
// "eio3 HOST:PORT" and "sio5 HOST:PORT" (port 0 picks a free port), and
// serves until SIGINT or SIGTERM. `make conformance` runs it
// (scripts/conformance.sh).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tornadio/tornadio"
)

func main() {
	loops := flag.Int("loops", 1, "event loops of each server")
	addr := flag.String("addr", "127.0.0.1:3000", "Engine.IO echo server refusing EIO=3 (eio4 suite)")
	eio3Addr := flag.String("eio3-addr", "127.0.0.1:3001", "Engine.IO echo server accepting EIO=3 (eio3 suite)")
	sioAddr := flag.String("sio-addr", "127.0.0.1:3002", "Socket.IO server (sio5 suite)")
	edge := flag.String("edge", "gnet", `how the servers are reached: "gnet", "nethttp" or "serve"`)
	flag.Parse()
	if err := run(*loops, *addr, *eio3Addr, *sioAddr, *edge); err != nil {
		fmt.Fprintln(os.Stderr, "tornadio-conformance:", err)
		os.Exit(1)
	}
}

// server is what the three servers have in common here.
type server interface {
	Start(addr string) error
	Addr() string
	Shutdown(ctx context.Context) error
	http.Handler
	Serve(l net.Listener) error
}

// start serves srv on addr by edge and returns the address it listens on.
func start(srv server, addr, edge string) (string, error) {
	if edge == "gnet" {
		if err := srv.Start(addr); err != nil {
			return "", err
		}
		return srv.Addr(), nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	switch edge {
	case "nethttp":
		go (&http.Server{Handler: srv}).Serve(l)
	case "serve":
		go srv.Serve(l)
	default:
		l.Close()
		return "", fmt.Errorf("unknown edge %q", edge)
	}
	return l.Addr().String(), nil
}

func run(loops int, addr, eio3Addr, sioAddr, edge string) error {
	common := []tornadio.Option{
		tornadio.WithEventLoops(loops),
		tornadio.WithPingInterval(300 * time.Millisecond),
		tornadio.WithPingTimeout(200 * time.Millisecond),
		tornadio.WithMaxPayload(1_000_000),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
	}
	with := func(opts ...tornadio.Option) []tornadio.Option {
		return append(append([]tornadio.Option(nil), common...), opts...)
	}
	servers := []struct {
		name string
		addr string
		srv  server
	}{
		{"eio4", addr, echoServer(with(tornadio.WithAllowEIO3(false))...)},
		{"eio3", eio3Addr, echoServer(with(tornadio.WithAllowEIO3(true))...)},
		// Only the current protocol: the legacy road's flashsocket would
		// also listen on the Flash policy port.
		{"sio5", sioAddr, socketIOServer(with(
			tornadio.WithTransports(tornadio.TransportPolling, tornadio.TransportWebSocket),
			tornadio.WithConnectTimeout(1000*time.Millisecond))...)},
	}
	var started []server
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, s := range started {
			_ = s.Shutdown(ctx)
		}
	}()
	addrs := make([]string, len(servers))
	for i, s := range servers {
		a, err := start(s.srv, s.addr, edge)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		addrs[i] = a
		started = append(started, s.srv)
	}
	for i, s := range servers {
		fmt.Printf("%s %s\n", s.name, addrs[i])
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	return nil
}

// echoServer sends every message back unchanged on its session.
func echoServer(opts ...tornadio.Option) *tornadio.EngineServer {
	srv := tornadio.NewEngineServer(opts...)
	srv.OnConnection(func(s *tornadio.EngineSession) {
		s.OnMessage(func(data []byte, binary bool) { _ = s.Send(data, binary) })
	})
	return srv
}

// socketIOServer is the sio5 suite's contract.
func socketIOServer(opts ...tornadio.Option) *tornadio.Server {
	srv := tornadio.NewServer(opts...)
	sendAuth := func(s *tornadio.Socket) {
		auth := s.Request().Auth
		if len(auth) == 0 {
			auth = json.RawMessage("{}")
		}
		_ = s.Emit("auth", auth)
	}
	srv.Of("/custom").OnConnection(sendAuth)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		sendAuth(s)
		s.On("message", func(args tornadio.Args) {
			if vals, err := passThrough(args); err == nil {
				_ = s.Emit("message-back", vals...)
			}
		})
		s.On("message-with-ack", func(args tornadio.Args, ack tornadio.Ack) {
			if vals, err := passThrough(args); err == nil {
				ack(vals...)
			}
		})
	})
	return srv
}

// passThrough returns args as values that Emit and Ack send unchanged: raw
// JSON as it came (key order kept), a binary attachment as []byte (sent as
// an attachment again), an argument holding attachments decoded into a
// tree with []byte in their places.
func passThrough(args tornadio.Args) ([]any, error) {
	vals := make([]any, args.Len())
	for i := range vals {
		raw := args.Raw(i) // valid during the callback only
		if !bytes.Contains(raw, []byte(`"_placeholder"`)) {
			vals[i] = json.RawMessage(bytes.Clone(raw))
			continue
		}
		if err := args.Decode(i, &vals[i]); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i, err)
		}
	}
	return vals, nil
}
