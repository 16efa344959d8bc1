// Command chat is a small chat room served by tornadio.
//
//	make demo   # or: go run ./examples/chat from the repository root
//
// then open http://localhost:8888 in two browser windows. The same demo
// instrumented for the Socket.IO Admin UI, with the UI's page, is
// admin/examples/chat (make demo-admin): it lives in the admin module, which
// depends on golang.org/x/crypto where this module does not.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/examples/chat/chat"
)

func main() {
	addr := flag.String("addr", "localhost:8888", "address to listen on")
	clientJS := flag.String("client", chat.DefaultClientJS, "path of socket.io-client's dist/socket.io.min.js")
	loops := flag.Int("loops", 0, "event loops (0: the library's default)")
	flag.Parse()

	if _, err := os.Stat(*clientJS); err != nil {
		fmt.Fprintf(os.Stderr, "chat: socket.io client not found (%v); run `make demo` or `npm ci` in interop/node first\n", err)
		os.Exit(1)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	opts := []tornadio.Option{tornadio.WithLogger(logger)}
	if *loops > 0 {
		opts = append(opts, tornadio.WithEventLoops(*loops))
	}
	srv := chat.New(*clientJS, opts...)
	if err := srv.Start(*addr); err != nil {
		fmt.Fprintf(os.Stderr, "chat: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("chat: listening on http://%s/ (Ctrl-C to stop)\n", srv.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(os.Stderr, "chat: shutdown: %v\n", err)
		os.Exit(1)
	}
}
