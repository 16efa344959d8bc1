package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/tornadio/tornadio/examples/chat/chat"
)

// config is what a cluster is started with.
type config struct {
	Listen   string    // nginx's address: host:port, port 0 for a free one
	RepoRoot string    // the repository's root (interop/node, the client library)
	Log      io.Writer // the children's output and the nodes' warnings
}

// cluster is the running demo: Redis, two tornadio nodes, a Node node and
// nginx in front of them.
type cluster struct {
	URL   string // http://nginx's address
	Redis string // host:port
	Nodes []node // tornadio nodes first

	dir     string
	redis   *process
	goNodes []*goNode
	node    *nodeNode
	nginx   *process
}

// Names of the nodes, as the page shows them.
var goNodeNames = []string{"tornadio-1", "tornadio-2"}

const nodeNodeName = "node-1"

// startCluster starts everything, in order (Redis, the nodes, nginx); on an
// error it stops what it had started.
func startCluster(cfg config) (c *cluster, err error) {
	clientJS := filepath.Join(cfg.RepoRoot, chat.DefaultClientJS)
	if _, err := os.Stat(clientJS); err != nil {
		return nil, fmt.Errorf("socket.io client not found (%w); run `npm ci` in interop/node first", err)
	}
	nodeDir := filepath.Join(cfg.RepoRoot, "interop", "node")
	dir, err := os.MkdirTemp("", "tornadio-democluster-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	c = &cluster{dir: dir}
	defer func() {
		if err != nil {
			_ = c.close()
			c = nil
		}
	}()

	if c.redis, c.Redis, err = startRedis(dir, cfg.Log); err != nil {
		return c, err
	}
	var pages []node
	for _, name := range goNodeNames {
		n, err := startGoNode(name, c.Redis, clientJS, cfg.Log)
		if err != nil {
			return c, err
		}
		c.goNodes = append(c.goNodes, n)
		c.Nodes = append(c.Nodes, n.node)
		pages = append(pages, n.node)
	}
	if c.node, err = startNodeNode(nodeNodeName, c.Redis, nodeDir, cfg.Log); err != nil {
		return c, err
	}
	c.Nodes = append(c.Nodes, c.node.node)
	var addr string
	if c.nginx, addr, err = startNginx(dir, cfg.Listen, c.Nodes, pages, cfg.Log); err != nil {
		return c, err
	}
	c.URL = "http://" + addr
	return c, nil
}

// close stops everything in the reverse order and removes the temporary
// directory.
func (c *cluster) close() error {
	var errs []error
	if c.nginx != nil {
		errs = append(errs, c.nginx.stop(5*time.Second))
	}
	if c.node != nil {
		errs = append(errs, c.node.proc.stop(5*time.Second))
	}
	for _, n := range c.goNodes {
		errs = append(errs, n.stop())
	}
	if c.redis != nil {
		errs = append(errs, c.redis.stop(5*time.Second))
	}
	errs = append(errs, os.RemoveAll(c.dir))
	return errors.Join(errs...)
}

// stickyKeys finds, for each node, a sticky key that nginx sends to it: it
// asks nginx for /socket.io/ with keys k0, k1, … (a request each node answers
// with an error, opening no session) and reads which node answered.
func (c *cluster) stickyKeys(ctx context.Context) (map[string]string, error) {
	keys := make(map[string]string, len(c.Nodes))
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < 200 && len(keys) < len(c.Nodes); i++ {
		key := fmt.Sprintf("k%d", i)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL+"/socket.io/?"+stickyParam+"="+key, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("asking nginx which node key %s reaches: %w", key, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		name := resp.Header.Get(nodeHeader)
		if name == "" {
			return nil, fmt.Errorf("nginx named no node for key %s (status %d, no %s header)", key, resp.StatusCode, nodeHeader)
		}
		if _, seen := keys[name]; !seen {
			keys[name] = key
		}
	}
	if len(keys) < len(c.Nodes) {
		return keys, fmt.Errorf("200 sticky keys reached only %d of %d nodes", len(keys), len(c.Nodes))
	}
	return keys, nil
}
