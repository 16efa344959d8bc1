// Package redisserver is what the module's programs that run a redis-server
// of their own share (the tests' redistest and the cluster demo): where the
// binary is, a free loopback port, and the command line of a throwaway
// server.
package redisserver

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
)

// Binary returns the path of redis-server, or "" where it is not installed
// (it is looked for on PATH, then in /usr/bin, which a minimal PATH may
// lack).
func Binary() string {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/redis-server"); err == nil {
		return "/usr/bin/redis-server"
	}
	return ""
}

// FreePort asks the kernel for a free loopback port. Another process may
// take it before redis-server binds it: callers try again with another.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("probing for a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Args is the command line (without the binary) of a throwaway
// redis-server on 127.0.0.1:port: no persistence (no RDB snapshots, no
// AOF), working in dir, in the foreground, logging to logfile ("" for
// stdout).
func Args(port int, dir, logfile string) []string {
	return []string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--protected-mode", "no",
		"--save", "",
		"--appendonly", "no",
		"--dir", dir,
		"--daemonize", "no",
		"--logfile", logfile,
	}
}
