// Package bench will hold tornadio's macro benchmarks: a load generator that
// speaks Engine.IO v4 / Socket.IO v5 itself, and a runner comparing tornadio
// with Node's socket.io, a Go peer and a raw gnet baseline.
//
// TODO(issue 5): the scenarios (conns, echo, broadcast, polling-echo), the
// runner and `make bench`. Micro benchmarks of the parsers live beside them
// in *_bench_test.go files (go test -bench . -benchmem ./...).
package bench
