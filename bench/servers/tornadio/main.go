// Command tornadio is the tornadio server under test: one event loop (the
// runner pins the process to one core), the bench contract on "/" (see
// bench/servers/internal/ready). With -redis host:port (or BENCH_REDIS) it
// is one node of a cluster through that Redis (adapter/redis/pubsub), and
// "broadcast" reaches the sockets of every node.
//
// -edge chooses how connections reach it (see listen): gnet (Start, the
// default), nethttp (mounted in an http.Server's ServeMux) or serve
// (Serve on a listener of its own). -deflate turns permessage-deflate on,
// from -deflate-threshold bytes.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/bench/servers/internal/ready"
)

func main() {
	addr, parentPipe := ready.Flags()
	loops := flag.Int("loops", 1, "event loops")
	redisAddr := flag.String("redis", os.Getenv("BENCH_REDIS"), "join the cluster of this Redis (host:port) with the pub/sub adapter; empty: a single node")
	edge := flag.String("edge", "gnet", "how connections come in: gnet (Start), nethttp (ServeHTTP in an http.Server's mux) or serve (Serve on a listener)")
	deflate := flag.Bool("deflate", false, "negotiate permessage-deflate")
	deflateThreshold := flag.Int("deflate-threshold", 1024, "with -deflate: the smallest message sent compressed")
	flag.Parse()

	opts := []tornadio.Option{
		tornadio.WithEventLoops(*loops),
		tornadio.WithPingInterval(25 * time.Second),
		tornadio.WithPingTimeout(20 * time.Second),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
	}
	if *deflate {
		opts = append(opts, tornadio.WithPerMessageDeflate(tornadio.PerMessageDeflate{Threshold: *deflateThreshold}))
	}
	subscribed := func() error { return nil }
	if *redisAddr != "" {
		opt, wait, err := cluster(*redisAddr)
		if err != nil {
			log.Fatal(err)
		}
		opts, subscribed = append(opts, opt), wait
	}
	srv := tornadio.NewServer(opts...)
	root := srv.Of("/")
	root.OnConnection(func(s *tornadio.Socket) {
		s.On("echo", func(args tornadio.Args, ack tornadio.Ack) {
			out := make([]any, args.Len())
			for i := range out {
				out[i] = json.RawMessage(args.Raw(i))
			}
			ack(out...)
		})
		s.On("broadcast", func(args tornadio.Args) {
			out := make([]any, args.Len())
			for i := range out {
				out[i] = json.RawMessage(args.Raw(i))
			}
			_ = root.Emit("broadcast", out...)
		})
	})
	listening, err := listen(*edge, srv, *addr)
	if err != nil {
		log.Fatal(err)
	}
	if err := subscribed(); err != nil {
		log.Fatal(err)
	}
	ready.ExitWith(*parentPipe, nil)
	ready.Report("tornadio", listening)
	select {}
}
