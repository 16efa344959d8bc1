package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// startRedis starts a redis-server of its own on a free loopback port,
// pinned to cpus like the servers under test: no persistence, no
// replication, only what a pub/sub cluster uses. It returns once the server
// answers PING.
func startRedis(ctx context.Context, bin, cpus string, timeout time.Duration) (*server, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	_, port, _ := net.SplitHostPort(addr)
	dir, err := os.MkdirTemp("", "bench-redis-")
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	argv := []string{bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--loglevel", "warning", "--databases", "1"}
	c := command(cpus, argv, dir, nil)
	stdin, err := c.StdinPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &server{name: "redis-server", cmd: c, stdin: stdin, addr: addr, done: make(chan struct{}), stderr: &tailBuffer{max: 4096}}
	c.Stdout, c.Stderr = s.stderr, s.stderr
	if err := c.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("redis: %w", err)
	}
	track(c)
	s.pid = c.Process.Pid
	go func() { s.err = c.Wait(); os.RemoveAll(dir); close(s.done) }()
	deadline := time.Now().Add(timeout)
	for {
		if err := ping(addr); err == nil {
			return s, nil
		} else if !s.alive() || time.Now().After(deadline) || ctx.Err() != nil {
			s.close()
			return nil, fmt.Errorf("redis-server not ready (%v): %s", err, s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freeLoopbackAddr is a loopback address whose port was free a moment ago.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// redisCall sends one command to the Redis at addr and returns its reply:
// a simple string, an integer as text, or a bulk string.
func redisCall(addr string, args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("redis: empty reply")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", fmt.Errorf("redis: %s", line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", fmt.Errorf("redis: bad bulk reply %q", line)
		}
		body := make([]byte, n+2)
		if _, err := io.ReadFull(r, body); err != nil {
			return "", err
		}
		return string(body[:n]), nil
	}
	return "", fmt.Errorf("redis: unexpected reply %q", line)
}

func ping(addr string) error {
	r, err := redisCall(addr, "PING")
	if err == nil && r != "PONG" {
		err = fmt.Errorf("PING answered %q", r)
	}
	return err
}

// commandCalls is how many times the Redis at addr has executed command
// (lower case, as INFO commandstats names it) since it started.
func commandCalls(addr, command string) (int64, error) {
	info, err := redisCall(addr, "INFO", "commandstats")
	if err != nil {
		return 0, err
	}
	return parseCommandCalls(info, command)
}

// parseCommandCalls reads the calls of command from INFO commandstats text,
// lines like "cmdstat_publish:calls=12,usec=30,…"; a command never run has
// no line, and 0 calls.
func parseCommandCalls(info, command string) (int64, error) {
	prefix := "cmdstat_" + command + ":"
	for _, line := range strings.Split(info, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), prefix)
		if !ok {
			continue
		}
		for _, kv := range strings.Split(rest, ",") {
			if v, ok := strings.CutPrefix(kv, "calls="); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return 0, fmt.Errorf("redis: %s: %w", line, err)
				}
				return n, nil
			}
		}
		return 0, fmt.Errorf("redis: no calls in %q", line)
	}
	return 0, nil
}
