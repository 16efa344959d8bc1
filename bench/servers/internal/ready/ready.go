// Package ready holds what every Go server under test shares: the address
// flag, the one-line readiness report on stdout, and the exit when the
// runner goes away.
//
// THE CONTRACT of every server under test (tornadio, node, zishang; the raw
// baseline does the same on bare websocket frames):
//
//	"echo"      is acknowledged with its arguments, unchanged;
//	"broadcast" is re-emitted as event "broadcast", with the same arguments,
//	            to every socket of "/" (the sender included).
//
// Readiness: once listening, a server prints exactly one line on stdout,
//
//	{"ready":true,"server":"tornadio","pid":1234,"addr":"127.0.0.1:40123"}
//
// and nothing else there (logs go to stderr).
package ready

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
)

// Flags registers -addr (default $BENCH_ADDR, else 127.0.0.1:0, a free
// loopback port chosen by the kernel) and -parent-pipe (default on when
// $BENCH_PARENT_PIPE is set: exit once stdin reaches end of file, which
// happens when the runner dies, however it dies).
func Flags() (addr *string, parentPipe *bool) {
	def := os.Getenv("BENCH_ADDR")
	if def == "" {
		def = "127.0.0.1:0"
	}
	addr = flag.String("addr", def, "listen address host:port (port 0: a free port)")
	parentPipe = flag.Bool("parent-pipe", os.Getenv("BENCH_PARENT_PIPE") != "", "exit when stdin is closed (set by the runner)")
	return
}

// Report prints the readiness line.
func Report(server, addr string) {
	b, _ := json.Marshal(map[string]any{"ready": true, "server": server, "pid": os.Getpid(), "addr": addr})
	fmt.Println(string(b))
}

// ExitWith arranges the exit on SIGINT/SIGTERM and, with parentPipe, on
// stdin's end of file; stop runs first (it may be nil).
func ExitWith(parentPipe bool, stop func()) {
	done := make(chan struct{}, 2)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-sig; done <- struct{}{} }()
	if parentPipe {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); done <- struct{}{} }()
	}
	go func() {
		<-done
		if stop != nil {
			stop()
		}
		os.Exit(0)
	}()
}

// FreePort resolves a ":0" port to a free one (for servers, like gnet, that
// cannot tell which port the kernel picked). Another port is returned
// unchanged.
func FreePort(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if port != "0" {
		return addr, nil
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
