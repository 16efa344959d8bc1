package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tornadio/tornadio/bench/runner"
)

// The cluster profiles (make bench-cluster): broadcast through Redis to
// receivers spread over two nodes, for a tornadio cluster, a Node cluster
// and one tornadio node (see runner.RunCluster).

// isCluster tells whether profile is one of the cluster profiles.
func isCluster(profile string) bool { return strings.HasPrefix(profile, "cluster") }

// clusterPoints are the points of a cluster profile. cluster: the issue's
// (1 000 and 10 000 receivers, at the highest rate and at the fixed rates
// of the single-node broadcast points of the full profile). cluster-short:
// a check that everything runs, in about a minute.
func clusterPoints(profile string) ([]runner.Point, error) {
	const payload = 64
	// The drain ends as soon as every broadcast is delivered; a slow
	// cluster may have a few windows' worth (40 000 deliveries) queued.
	drain := []string{"-drain", "5s"}
	switch profile {
	case "cluster":
		return []runner.Point{
			{Scenario: "broadcast", Clients: 1000, MaxRate: true, Duration: 10 * time.Second, Payload: payload, Extra: drain},
			{Scenario: "broadcast", Clients: 1000, Rate: 50, Duration: 10 * time.Second, Payload: payload, Extra: drain},
			{Scenario: "broadcast", Clients: 10000, MaxRate: true, Duration: 10 * time.Second, Payload: payload, Extra: drain},
			{Scenario: "broadcast", Clients: 10000, Rate: 5, Duration: 10 * time.Second, Payload: payload, Extra: drain},
		}, nil
	case "cluster-short":
		return []runner.Point{
			{Scenario: "broadcast", Clients: 200, MaxRate: true, Duration: 2 * time.Second, Payload: payload, Extra: []string{"-drain", "1s"}},
			{Scenario: "broadcast", Clients: 200, Rate: 100, Duration: 2 * time.Second, Payload: payload, Extra: []string{"-drain", "1s"}},
		}, nil
	}
	return nil, fmt.Errorf("unknown cluster profile %q (cluster, cluster-short)", profile)
}

// clusterSetups are the setups of the cluster point by name: two tornadio
// nodes or two Node nodes sharing a Redis, and the same receivers on one
// node of each (node-single is left out by default: the issue compares
// tornadio's cluster with its single node and with Node's cluster).
func clusterSetups(dir, bin, names string) ([]runner.Setup, error) {
	tornadio := runner.ServerSpec{Name: "tornadio", Argv: []string{filepath.Join(bin, "tornadio"), "-loops", "1"}}
	node := runner.ServerSpec{Name: "node", Argv: []string{"node", filepath.Join(dir, "node", "server.js")}, Dir: filepath.Join(dir, "node")}
	all := map[string]runner.Setup{
		"tornadio-cluster": {Name: runner.TornadioCluster, Nodes: []runner.ServerSpec{tornadio, tornadio}, Redis: true},
		"node-cluster":     {Name: runner.NodeCluster, Nodes: []runner.ServerSpec{node, node}, Redis: true},
		"tornadio-single":  {Name: runner.TornadioSingle, Nodes: []runner.ServerSpec{tornadio}},
		"node-single":      {Name: "node single", Nodes: []runner.ServerSpec{node}},
	}
	var out []runner.Setup
	for _, n := range strings.Split(names, ",") {
		s, ok := all[strings.TrimSpace(n)]
		if !ok {
			return nil, fmt.Errorf("unknown setup %q (tornadio-cluster, node-cluster, tornadio-single, node-single)", n)
		}
		out = append(out, s)
	}
	return out, nil
}

// defaultSetups is -setups' default.
const defaultSetups = "tornadio-cluster,node-cluster,tornadio-single"

// runClusterProfile builds the tornadio server and the load generator,
// runs the cluster profile and writes its report to stdout and out.
func runClusterProfile(ctx context.Context, dir, bin, profile, setups string, repeats int, serverCPUs, loadCPUs, out string) {
	points, err := clusterPoints(profile)
	must(err)
	specs, err := clusterSetups(dir, bin, setups)
	must(err)
	fmt.Fprintf(os.Stderr, "tornadio-bench: building the tornadio server and the load generator into %s …\n", bin)
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+"/", "./servers/tornadio", "./cmd/loadgen")
	build.Dir, build.Stdout, build.Stderr = dir, os.Stderr, os.Stderr
	must(build.Run())
	redisBin, err := exec.LookPath("redis-server")
	must(err)

	cfg := runner.ClusterConfig{
		Config: runner.Config{
			Points:     points,
			Repeats:    repeats,
			Loadgen:    []string{filepath.Join(bin, "loadgen")},
			ServerCPUs: serverCPUs,
			LoadCPUs:   loadCPUs,
			Progress:   os.Stderr,
		},
		Setups:      specs,
		RedisServer: redisBin,
	}
	res := runner.RunCluster(ctx, cfg)
	runner.KillAll()

	meta := runner.Meta{
		Date:     time.Now().UTC().Format("2006-01-02 15:04 MST"),
		Machine:  machine(),
		Versions: append(versions(dir, ""), clusterVersions(dir, redisBin)...),
	}
	if profile == "cluster" && repeats == 3 && setups == defaultSetups {
		meta.Command = "make bench-cluster"
	} else {
		meta.Command = "cd bench && go run ./cmd/tornadio-bench " + strings.Join(os.Args[1:], " ")
	}
	var buf bytes.Buffer
	runner.ClusterReport(&buf, res, meta)
	os.Stdout.Write(buf.Bytes())
	saveReport(out, buf.Bytes(), res, bin, "last-cluster-run.json", "", res.Elapsed)
	if ctx.Err() != nil {
		os.Exit(130)
	}
}

// clusterVersions are the versions the cluster point adds: Redis, the Node
// adapter and client, go-redis.
func clusterVersions(dir, redisBin string) [][2]string {
	v := [][2]string{{"redis-server", "unknown"}}
	for _, f := range strings.Fields(cmdOut(dir, redisBin, "--version")) {
		if s, ok := strings.CutPrefix(f, "v="); ok {
			v[0][1] = s
		}
	}
	for _, pkg := range []string{"@socket.io/redis-adapter", "redis"} {
		ver := "not installed"
		if b, err := os.ReadFile(filepath.Join(dir, "node", "node_modules", pkg, "package.json")); err == nil {
			var pj struct{ Version string }
			if json.Unmarshal(b, &pj) == nil {
				ver = pj.Version
			}
		}
		v = append(v, [2]string{pkg, ver})
	}
	return append(v, [2]string{"go-redis", strings.TrimSpace(cmdOut(dir, "go", "list", "-m", "-f", "{{.Version}}", "github.com/redis/go-redis/v9"))})
}
