package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter/redis/internal/redisserver"
)

// findBinary returns the path of a program: on PATH, or else at fallback
// (sbin directories are not on a non-root PATH).
func findBinary(name, fallback string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if _, err := os.Stat(fallback); err == nil {
		return fallback, nil
	}
	return "", fmt.Errorf("%s is not installed (Debian package %s)", name, debianPackage[name])
}

var debianPackage = map[string]string{"redis-server": "redis-server", "nginx": "nginx", "node": "nodejs"}

// startRedis runs redis-server on a free loopback port, without persistence
// (no RDB snapshots, no AOF), working and logging in dir, and returns once
// it answers PING.
func startRedis(dir string, logw io.Writer) (*process, string, error) {
	bin := redisserver.Binary()
	if bin == "" {
		return nil, "", fmt.Errorf("redis-server is not installed (Debian package redis-server)")
	}
	var lastErr error
	for range 3 { // another process may take the free port first
		port, err := redisserver.FreePort()
		if err != nil {
			return nil, "", err
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		cmd := exec.Command(bin, redisserver.Args(port, dir, filepath.Join(dir, "redis.log"))...)
		cmd.Dir = dir
		p, err := startProcess("redis", cmd, logw, nil)
		if err != nil {
			return nil, "", err
		}
		if lastErr = waitRedis(p, addr, 10*time.Second); lastErr == nil {
			return p, addr, nil
		}
		_ = p.stop(time.Second)
	}
	return nil, "", fmt.Errorf("redis-server did not start: %w", lastErr)
}

// waitRedis returns once the server at addr answers PING.
func waitRedis(p *process, addr string, within time.Duration) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	deadline := time.Now().Add(within)
	for {
		if done, err := p.exited(); done {
			return fmt.Errorf("redis-server exited: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to PING on %s after %v: %w", addr, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
