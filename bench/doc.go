// Package bench holds tornadio's macro benchmarks, in a module of its own so
// that the load generator, the peers under test and their dependencies stay
// out of the core module.
//
//   - loadgen (library) and cmd/loadgen (CLI): a load generator that speaks
//     Engine.IO v4 / Socket.IO v5 itself, over websocket and long-polling,
//     driving every simulated client from a few epoll loops. Scenarios:
//     conns (websocket, or long-polling with -transport polling), echo,
//     broadcast and polling-echo; one JSON object out.
//   - the runner, comparing tornadio with Node's socket.io, a Go peer and a
//     raw gnet baseline, and `make bench`.
//   - the cluster point (`make bench-cluster`): a broadcast through Redis to
//     receivers spread over two nodes (loadgen -target a,b), for a tornadio
//     cluster (servers/tornadio -redis, the pub/sub adapter), a Node cluster
//     (node/server.js -redis, @socket.io/redis-adapter) and one tornadio
//     node, with the CPU of the nodes and redis-server summed and the
//     PUBLISH commands per broadcast counted.
//   - the edges point (`make bench-edges`): tornadio on its gnet edge,
//     mounted in an http.Server (ServeHTTP), on Serve(listener) and with
//     permessage-deflate (servers/tornadio -edge, -deflate), beside Node with
//     and without perMessageDeflate (node/server.js -deflate); the load
//     generator negotiates permessage-deflate (loadgen -deflate). The report
//     gives each setup's key figure as a ratio against the gnet edge and
//     against Node with the same options, from one run.
//   - the soak (`make soak`, `make soak-short`): soak (library), cmd/soak
//     (the runner: verdict, markdown and PNG) and cmd/soak-server (tornadio
//     with both roads and every transport, in a process of its own):
//     churning clients of every transport for minutes, the server's RSS,
//     goroutines, open files and sessions sampled every second.
//
// Micro benchmarks of the parsers live beside them in *_bench_test.go files
// of the core module (go test -bench . -benchmem ./...).
package bench
