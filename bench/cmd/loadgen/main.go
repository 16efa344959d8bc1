// Command loadgen drives simulated Socket.IO clients against a loopback
// server and prints one JSON object with the results on stdout; progress
// goes to stderr.
//
//	loadgen -target 127.0.0.1:3000 -scenario echo -clients 100 -duration 10s
//	loadgen -target 127.0.0.1:3000 -scenario echo -clients 100 -window 8
//	loadgen -target 127.0.0.1:3000 -scenario broadcast -clients 1000 -rate 20
//	loadgen -target 127.0.0.1:3001,127.0.0.1:3002 -scenario broadcast -clients 1000 -max-rate
//	loadgen -target 127.0.0.1:3000 -scenario conns -clients 19000 -rate 2000 -hold 30s
//	loadgen -target 127.0.0.1:3000 -scenario conns -transport polling -clients 5000 -hold 30s
//	loadgen -target 127.0.0.1:3001 -raw -scenario echo -clients 100
//	loadgen -target 127.0.0.1:3000 -scenario echo -deflate -words -payload 4096
//
// When a run needs more sockets than -max-fds, loadgen re-executes itself as
// worker processes (-worker, a job on stdin) and merges their results.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/tornadio/tornadio/bench/loadgen"
)

func main() {
	var cfg loadgen.Config
	flag.StringVar(&cfg.Scenario, "scenario", "echo", "conns, echo, broadcast or polling-echo")
	flag.StringVar(&cfg.Target, "target", "127.0.0.1:3000", "server address (loopback only)")
	flag.StringVar(&cfg.Path, "path", "/socket.io/", "Engine.IO path")
	flag.StringVar(&cfg.Transport, "transport", "websocket", "conns: websocket or polling (polling-echo is always polling)")
	flag.BoolVar(&cfg.Raw, "raw", false, "raw websocket frames, no Engine.IO/Socket.IO (the raw gnet baseline)")
	flag.IntVar(&cfg.Clients, "clients", 100, "sessions (conns), echo clients, or broadcast receivers")
	flag.Float64Var(&cfg.Rate, "rate", 0, "conns: sessions opened per second (default 1000); broadcast: messages per second (default 10)")
	flag.BoolVar(&cfg.MaxRate, "max-rate", false, "broadcast: send as fast as the receivers take them (at most -window broadcasts undelivered, default 4) instead of -rate")
	flag.Float64Var(&cfg.ConnectRate, "connect-rate", 0, "echo/broadcast: sessions opened per second while setting up (0: as fast as -inflight allows)")
	flag.IntVar(&cfg.MaxInflight, "inflight", 500, "openings in progress at once, per process")
	flag.DurationVar(&cfg.ConnectTimeout, "connect-timeout", 0, "an opening slower than this fails (default 10s)")
	flag.DurationVar(&cfg.Hold, "hold", 0, "conns: how long to hold the sessions (default 10s)")
	flag.DurationVar(&cfg.Duration, "duration", 0, "echo/broadcast/polling-echo: measured window (default 10s)")
	flag.DurationVar(&cfg.Drain, "drain", 0, "broadcast: longest wait for deliveries after the last send (default 2s)")
	flag.IntVar(&cfg.Window, "window", 0, "echo: echoes in flight per client (default 1: browser-like, each emit waits for the previous ack; more: pipelined); max-rate broadcast: broadcasts undelivered at once")
	flag.IntVar(&cfg.Payload, "payload", 64, "bytes of the string argument")
	flag.BoolVar(&cfg.Words, "words", false, "payload of pseudo-random words (compresses like prose) instead of one repeated letter")
	flag.BoolVar(&cfg.Deflate, "deflate", false, "websocket: offer permessage-deflate (required of the server), inflate what comes compressed, compress what is sent from -deflate-threshold bytes")
	flag.IntVar(&cfg.DeflateThreshold, "deflate-threshold", 1024, "with -deflate: the smallest message sent compressed (ws's default)")
	flag.IntVar(&cfg.SrcIPs, "src-ips", 0, "source addresses 127.0.0.2… to spread clients over (default: enough for the port range)")
	flag.IntVar(&cfg.Loops, "loops", 0, "epoll loops per process (default GOMAXPROCS / processes)")
	flag.IntVar(&cfg.Procs, "procs", 0, "processes (default: enough that none passes -max-fds sockets)")
	flag.IntVar(&cfg.MaxFDs, "max-fds", 19000, "sockets per process before splitting over processes")
	worker := flag.Bool("worker", false, "internal: run as a worker process (job on stdin)")
	pretty := flag.Bool("pretty", false, "indent the JSON output")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *worker {
		if err := loadgen.RunWorker(ctx, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}

	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	newWorker := func() *exec.Cmd {
		cmd := exec.Command(exe, "-worker")
		cmd.Stderr = os.Stderr
		return cmd
	}
	res, err := loadgen.Orchestrate(ctx, cfg, newWorker, os.Stderr)
	if res != nil {
		enc := json.NewEncoder(os.Stdout)
		if *pretty {
			enc.SetIndent("", "  ")
		}
		enc.Encode(res)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
