package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/examples/chat/chat"
)

// node is one member of the cluster, as nginx and the page see it.
type node struct {
	Name string
	Addr string // host:port it listens on
}

// goNode is a tornadio chat node running in the launcher's process, on its
// own Redis client, as a separate server would.
type goNode struct {
	node
	srv *tornadio.Server
	rdb *redis.Client
}

// startGoNode serves the chat (page, client library and events) on a free
// loopback port, with the Redis adapter on the server at redisAddr.
func startGoNode(name, redisAddr, clientJS string, logw io.Writer) (*goNode, error) {
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	logger := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelWarn})).With("node", name)
	srv := tornadio.NewServer(
		tornadio.WithTransports(tornadio.TransportPolling, tornadio.TransportWebSocket),
		tornadio.WithHTTPHandler(chat.Handler(clientJS)),
		tornadio.WithAdapter(clusterAdapter(rdb, logger)),
		tornadio.WithLogger(logger),
	)
	chat.Install(srv.Of("/"), name)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &goNode{node: node{Name: name, Addr: srv.Addr()}, srv: srv, rdb: rdb}, nil
}

func (n *goNode) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Shutdown leaves the namespace's adapter open: close it (its Redis
	// subscriber and goroutines) before the client it uses.
	err := errors.Join(n.srv.Shutdown(ctx), n.srv.Of("/").Adapter().Close(), n.rdb.Close())
	if err != nil {
		return fmt.Errorf("%s: %w", n.Name, err)
	}
	return nil
}

// nodeNode is the Node socket.io chat node (interop/node/chat-node.js), a
// child process.
type nodeNode struct {
	node
	proc *process
}

// startNodeNode runs chat-node.js on a free loopback port and returns once it
// has said which.
func startNodeNode(name, redisAddr, nodeDir string, logw io.Writer) (*nodeNode, error) {
	bin, err := findBinary("node", "/usr/bin/node")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, filepath.Join(nodeDir, "chat-node.js"), "0", "redis://"+redisAddr, name)
	cmd.Dir = nodeDir
	// chat-node.js stops when its stdin ends: if the launcher dies, so
	// does the node.
	if _, err := cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("%s: stdin: %w", name, err)
	}
	ready := make(chan int, 1)
	proc, err := startProcess(name, cmd, logw, func(line string) {
		var msg struct {
			Event string `json:"event"`
			Port  int    `json:"port"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Event == "ready" {
			select {
			case ready <- msg.Port:
			default:
			}
			return
		}
		fmt.Fprintf(logw, "[%s] %s\n", name, line)
	})
	if err != nil {
		return nil, err
	}
	select {
	case port := <-ready:
		return &nodeNode{node: node{Name: name, Addr: "127.0.0.1:" + strconv.Itoa(port)}, proc: proc}, nil
	case <-proc.done:
		return nil, fmt.Errorf("%s: chat-node.js exited before it was ready: %v", name, proc.err)
	case <-time.After(30 * time.Second):
		_ = proc.stop(time.Second)
		return nil, fmt.Errorf("%s: chat-node.js not ready after 30s", name)
	}
}
