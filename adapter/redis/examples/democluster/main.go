// Command democluster runs the chat demo (examples/chat) as a cluster: two
// tornadio nodes and one Node socket.io 4.8.4 node sharing a Redis pub/sub
// adapter (the classic @socket.io/redis-adapter format on both sides), behind
// nginx with sticky sessions.
//
//	make demo-cluster   # or, in adapter/redis: go run ./examples/democluster
//
// It starts redis-server (a free loopback port, no persistence), the nodes
// (free loopback ports) and nginx (http://127.0.0.1:8888 by default, its
// configuration generated in a temporary directory), prints the URL and runs
// until Ctrl-C, which stops everything.
//
// nginx sends every Engine.IO request to a node chosen by the "sticky" query
// parameter that the chat page adds to each request, a random key per browser
// tab: the requests of one tab reach one node, and two windows usually reach
// two nodes. Each page shows the node that serves it, and each message the
// node it was sent from. The page's ?sticky=KEY picks the key (the launcher
// prints one for each node) and ?transport=polling or ?transport=websocket
// keeps the client on one transport.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8888", "nginx's address (port 0: a free one)")
	root := flag.String("root", "", "the repository's root (default: found above the working directory)")
	flag.Parse()
	if err := run(*listen, *root); err != nil {
		fmt.Fprintf(os.Stderr, "democluster: %v\n", err)
		os.Exit(1)
	}
}

func run(listen, root string) error {
	if root == "" {
		var err error
		if root, err = findRepoRoot(); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	c, err := startCluster(config{Listen: listen, RepoRoot: root, Log: os.Stderr})
	if err != nil {
		return err
	}
	fmt.Printf("democluster: redis on %s\n", c.Redis)
	for _, n := range c.Nodes {
		fmt.Printf("democluster: node %-10s on %s\n", n.Name, n.Addr)
	}
	probe, cancel := context.WithTimeout(ctx, 10*time.Second)
	keys, err := c.stickyKeys(probe)
	cancel()
	if err != nil {
		_ = c.close()
		return err
	}
	fmt.Printf("\nChat cluster on %s/ — open it in two windows (Ctrl-C stops everything).\n", c.URL)
	fmt.Println("Each tab gets its own sticky key, hence a node; to pick one:")
	for _, n := range c.Nodes {
		fmt.Printf("  %s/?%s=%s   %s\n", c.URL, stickyParam, keys[n.Name], n.Name)
	}

	<-ctx.Done()
	stop()
	fmt.Println("\ndemocluster: stopping")
	return c.close()
}

// findRepoRoot walks up from the working directory to the directory that
// holds interop/node/package.json.
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "interop", "node", "package.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no interop/node/package.json above the working directory; pass -root")
		}
		dir = parent
	}
}
