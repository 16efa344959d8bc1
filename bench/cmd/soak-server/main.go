// Command soak-server is the server of make soak (package soak's Server):
// tornadio on 4 event loops with both protocol roads and every transport,
// a "message" broadcast with a sequence number every -every, the counts of
// sockets opened and closed. It serves its counts, runtime.NumGoroutine
// and the session counts as JSON on http://<stats address>/stats
// (loopback). Once listening it prints one line on stdout,
//
//	{"ready":true,"server":"soak","pid":…,"addr":"127.0.0.1:…","stats":"127.0.0.1:…"}
//
// and it exits when its stdin reaches end of file (the runner went away).
package main

import (
	"encoding/json"
	"flag"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/tornadio/tornadio/bench/soak"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback; port 0: a free port)")
	loops := flag.Int("loops", 4, "event loops")
	every := flag.Duration("every", 50*time.Millisecond, "broadcast period")
	padding := flag.Int("padding", 200, "bytes of padding in each broadcast")
	flag.Parse()

	policyPort, err := soak.FreePort()
	if err != nil {
		log.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	srv := soak.NewServer(*loops, policyPort, logger)
	if err := srv.Start(*addr); err != nil {
		log.Fatal(err)
	}
	srv.Broadcast(*every, *padding)
	statsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(srv.Stats())
	})
	go func() { log.Fatal(http.Serve(statsLn, mux)) }()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	b, _ := json.Marshal(map[string]any{"ready": true, "server": "soak", "pid": os.Getpid(),
		"addr": srv.Addr(), "stats": statsLn.Addr().String()})
	os.Stdout.Write(append(b, '\n'))
	select {}
}
