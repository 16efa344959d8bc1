// Command memprobe measures tornadio's heap per idle websocket session in
// one process: it starts a server on one loop, opens -n sessions with the
// load generator's conns scenario, holds them, and writes a heap profile
// (inspect it with `go tool pprof -sample_index=inuse_space -top`). The
// load generator's own share shows under bench/loadgen in the profile.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/bench/loadgen"
)

func main() {
	n := flag.Int("n", 3000, "sessions")
	out := flag.String("heap", "/tmp/tornadio-heap.out", "heap profile path")
	flag.Parse()
	runtime.MemProfileRate = 512
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	root := srv.Of("/")
	root.OnConnection(func(s *tornadio.Socket) {
		s.On("echo", func(args tornadio.Args, ack tornadio.Ack) { ack(json.RawMessage(args.Raw(0))) })
		s.On("broadcast", func(args tornadio.Args) { root.Emit("broadcast", json.RawMessage(args.Raw(0))) })
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	hold := 8 * time.Second
	go func() {
		time.Sleep(hold - 2*time.Second)
		runtime.GC()
		f, err := os.Create(*out)
		if err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			_ = f.Close()
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("sessions %d, heap in use %d KiB (%.2f KiB per session, load generator included), profile %s\n",
			srv.SessionCount(), ms.HeapInuse>>10, float64(ms.HeapInuse)/1024/float64(max(1, srv.SessionCount())), *out)
	}()
	cfg := loadgen.Config{Scenario: "conns", Target: srv.Addr(), Clients: *n, Hold: hold, Rate: float64(*n)}
	if err := cfg.Normalize(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := loadgen.Run(context.Background(), cfg, io.Discard); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
