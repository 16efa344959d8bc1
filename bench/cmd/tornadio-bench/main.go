// Command tornadio-bench runs tornadio's side-by-side benchmarks (see
// bench/runner): it builds the Go servers under test and the load
// generator, installs nothing else (bench/node needs `npm ci` first; `make
// bench` does it), runs the chosen profile, prints the markdown table on
// stdout, and writes it with the run's date, machine and versions to -out
// plus a PNG chart to -png.
//
//	go run ./cmd/tornadio-bench -profile short -out results/latest.md -png results/latest.png
//	go run ./cmd/tornadio-bench -profile full  -out results/full.md   -png results/full.png
//	go run ./cmd/tornadio-bench -profile cluster -out results/cluster.md
//
// The edges profiles (edges, edges-full) run tornadio behind its gnet edge,
// mounted in net/http, on Serve(listener) and with permessage-deflate,
// beside Node with and without perMessageDeflate (see edges.go):
//
//	go run ./cmd/tornadio-bench -profile edges -out results/nethttp-deflate.md
//
// The cluster profiles (cluster, cluster-short) measure a broadcast through
// Redis to receivers spread over two nodes: a tornadio cluster, a Node
// cluster and one tornadio node (-setups), CPU summed over the nodes and
// redis-server (see cluster.go and runner.RunCluster).
//
// With -base <git rev> it also runs tornadio built from that revision as
// server tornadio-base, interleaved with the others, and the report gets a
// tornadio/base column and a before/after table (see buildBase).
//
// Run it from the bench module's directory (or give -bench). Progress goes
// to stderr. Every process it starts is ended when it exits, on error, and
// on Ctrl-C.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/tornadio/tornadio/bench/runner"
)

func main() {
	profile := flag.String("profile", "short", "short (make bench, under 3 minutes), full (make bench-full: the issue's targets), cluster (make bench-cluster), cluster-short, edges (make bench-edges: the net/http edge and permessage-deflate) or edges-full")
	setups := flag.String("setups", defaultSetups, "cluster profiles: setups, comma-separated (tornadio-cluster, node-cluster, tornadio-single, node-single)")
	servers := flag.String("servers", "tornadio,node,zishang,raw", "servers under test, comma-separated")
	scenarios := flag.String("scenarios", "", "only these scenarios (comma-separated: echo, echo-pipelined, broadcast, conns, conns-polling, polling-echo, scaling; edges profiles: echo, echo-2k-words, conns, polling-echo, conns-polling; default all of the profile)")
	repeats := flag.Int("repeats", 3, "runs of each point (median)")
	benchDir := flag.String("bench", ".", "the bench module's directory")
	out := flag.String("out", "", "write the markdown report here")
	png := flag.String("png", "", "write the chart here")
	serverCPUs := flag.String("server-cpus", "0", "taskset CPU list of the servers")
	loadCPUs := flag.String("load-cpus", "1", "taskset CPU list of the load generator")
	scalingCPUs := flag.String("scaling-cpus", "0,1", "scaling point: taskset CPU list of the 2-loop server and of its load generator")
	base := flag.String("base", "", "also run tornadio built from this git revision, as server "+runner.Base+" (before/after in one run; make bench-full BASE=<rev>)")
	flag.Parse()

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	defer runner.KillAll()
	go func() {
		<-ctx.Done()
		runner.KillAll() // the run loop notices the context too
	}()

	dir, err := filepath.Abs(*benchDir)
	must(err)
	bin := filepath.Join(dir, "results", "tmp", "bin")
	must(os.MkdirAll(bin, 0o755))
	if isCluster(*profile) {
		runClusterProfile(ctx, dir, bin, *profile, *setups, *repeats, *serverCPUs, *loadCPUs, *out)
		return
	}
	if isEdges(*profile) {
		runEdgesProfile(ctx, dir, bin, *profile, *scenarios, *repeats, *serverCPUs, *loadCPUs, *out)
		return
	}

	points, scaling, err := profilePoints(*profile, *scenarios)
	must(err)

	fmt.Fprintf(os.Stderr, "tornadio-bench: building servers and load generator into %s …\n", bin)
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+"/", "./servers/tornadio", "./servers/zishang", "./servers/raw", "./cmd/loadgen")
	build.Dir, build.Stdout, build.Stderr = dir, os.Stderr, os.Stderr
	must(build.Run())

	all := map[string]runner.ServerSpec{
		"tornadio": {Name: "tornadio", Argv: []string{filepath.Join(bin, "tornadio"), "-loops", "1"}},
		"node":     {Name: "node", Argv: []string{"node", filepath.Join(dir, "node", "server.js")}, Dir: filepath.Join(dir, "node")},
		"zishang":  {Name: "zishang", Argv: []string{filepath.Join(bin, "zishang")}},
		"raw":      {Name: "raw", Argv: []string{filepath.Join(bin, "raw")}, Raw: true},
	}
	var specs []runner.ServerSpec
	for _, name := range strings.Split(*servers, ",") {
		s, ok := all[strings.TrimSpace(name)]
		if !ok {
			must(fmt.Errorf("unknown server %q (tornadio, node, zishang, raw)", name))
		}
		specs = append(specs, s)
	}
	var about string
	if *base != "" {
		fmt.Fprintf(os.Stderr, "tornadio-bench: building %s from %s …\n", runner.Base, *base)
		spec, note, err := buildBase(ctx, dir, bin, *base)
		must(err)
		fmt.Fprintf(os.Stderr, "tornadio-bench: %s\n", note)
		about = note
		specs = withBase(specs, spec)
	}

	if scaling != nil && !strings.Contains(","+*servers+",", ",tornadio,") {
		scaling = nil // tornadio-only
	}
	if scaling != nil {
		sc := tornadioScaling(filepath.Join(bin, "tornadio"), *scaling, *serverCPUs, *loadCPUs, *scalingCPUs)
		scaling = &sc
	}
	cfg := runner.Config{
		Scaling:    scaling,
		Servers:    specs,
		Points:     points,
		Repeats:    *repeats,
		Loadgen:    []string{filepath.Join(bin, "loadgen")},
		ServerCPUs: *serverCPUs,
		LoadCPUs:   *loadCPUs,
		Progress:   os.Stderr,
	}
	res := runner.Run(ctx, cfg)
	runner.KillAll()

	meta := runner.Meta{
		Date:     time.Now().UTC().Format("2006-01-02 15:04 MST"),
		Machine:  machine(),
		Versions: versions(dir, *base),
		Base:     about,
	}
	if *scenarios == "" && *repeats == 3 {
		meta.Command = makeCommand(*profile, *servers, *base)
	}
	if meta.Command == "" {
		meta.Command = "cd bench && go run ./cmd/tornadio-bench " + strings.Join(os.Args[1:], " ")
	}
	var buf bytes.Buffer
	runner.Report(&buf, res, meta)
	os.Stdout.Write(buf.Bytes())
	if *png != "" && len(res.Cells) > 0 {
		if err := runner.Chart(res, *png); err != nil {
			fmt.Fprintln(os.Stderr, "tornadio-bench: chart:", err)
		} else {
			fmt.Fprintf(&buf, "\n![chart](%s)\n", filepath.Base(*png))
		}
	}
	also := ""
	if *png != "" {
		also = " and " + *png
	}
	saveReport(*out, buf.Bytes(), res, bin, "last-run.json", also, res.Elapsed)
	if ctx.Err() != nil {
		os.Exit(130)
	}
}

// profilePoints are the points of a profile and its scaling point (named
// "scaling" in -scenarios). short: small counts, short windows, about two
// minutes on two cores. full: the targets.
func profilePoints(profile, only string) ([]runner.Point, *runner.Scaling, error) {
	const payload = 64
	const pipelined = 8 // echoes in flight per client in the pipelined echo
	var pts []runner.Point
	var scaling *runner.Scaling
	switch profile {
	case "short":
		pts = []runner.Point{
			{Scenario: "echo", Clients: 50, Duration: 1500 * time.Millisecond, Payload: payload},
			{Scenario: "echo", Clients: 50, Window: pipelined, Duration: 1500 * time.Millisecond, Payload: payload},
			{Scenario: "broadcast", Clients: 200, Rate: 100, Duration: 1500 * time.Millisecond, Payload: payload, Extra: []string{"-drain", "1s"}},
			{Scenario: "conns", Clients: 1000, Rate: 4000, Duration: time.Second, Payload: payload},
			{Scenario: "conns", Transport: "polling", Clients: 1000, Rate: 2000, Duration: time.Second, Payload: payload},
			{Scenario: "polling-echo", Clients: 10, Duration: 1500 * time.Millisecond, Payload: payload},
		}
		scaling = &runner.Scaling{Point: runner.Point{Scenario: "echo", Clients: 200, Duration: 1500 * time.Millisecond, Payload: payload}}
	case "full":
		pts = []runner.Point{
			// The echo targets are the browser-like rows (one echo
			// in flight per client); the pipelined ones, for contrast, get
			// a shorter window.
			{Scenario: "echo", Clients: 100, Duration: 10 * time.Second, Payload: payload},
			{Scenario: "echo", Clients: 1000, Duration: 10 * time.Second, Payload: payload},
			{Scenario: "echo", Clients: 100, Window: pipelined, Duration: 5 * time.Second, Payload: payload},
			{Scenario: "echo", Clients: 1000, Window: pipelined, Duration: 5 * time.Second, Payload: payload},
			{Scenario: "broadcast", Clients: 1000, Rate: 50, Duration: 10 * time.Second, Payload: payload},
			{Scenario: "broadcast", Clients: 10000, Rate: 5, Duration: 10 * time.Second, Payload: payload},
			// Pings every 25 s on every server: a 30 s hold sees them.
			{Scenario: "conns", Clients: 19000, Rate: 2000, Duration: 30 * time.Second, Payload: payload},
			// Idle polling sessions (the issue: ≤ 3 KiB each): one parked GET
			// each, pongs posted; the hold sees every session's first ping.
			{Scenario: "conns", Transport: "polling", Clients: 5000, Rate: 1000, Duration: 30 * time.Second, Payload: payload},
			{Scenario: "polling-echo", Clients: 100, Duration: 10 * time.Second, Payload: payload},
		}
		scaling = &runner.Scaling{Point: runner.Point{Scenario: "echo", Clients: 1000, Duration: 10 * time.Second, Payload: payload}}
	default:
		return nil, nil, fmt.Errorf("unknown profile %q (short, full)", profile)
	}
	if only == "" {
		return pts, scaling, nil
	}
	keep := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		keep[strings.TrimSpace(s)] = true
	}
	var out []runner.Point
	for _, p := range pts {
		if keep[p.Name()] {
			out = append(out, p)
		}
	}
	if !keep["scaling"] {
		scaling = nil
	}
	return out, scaling, nil
}

// tornadioScaling fills in the sides of the scaling point: tornadio with
// one loop pinned like the main table (server serverCPUs, load generator
// loadCPUs: each has a core of its own), then with two loops on both cores
// (cpus2), where the load generator, a process of its own, has to share
// them; it runs one epoll loop per core it may use (its default), so the
// kernel can spread the load over both.
func tornadioScaling(bin string, sc runner.Scaling, serverCPUs, loadCPUs, cpus2 string) runner.Scaling {
	sc.Sides = [2]runner.ScalingSide{
		{Label: "1 loop", Server: runner.ServerSpec{Name: "tornadio", Argv: []string{bin, "-loops", "1"}}, ServerCPUs: serverCPUs, LoadCPUs: loadCPUs},
		{Label: "2 loops", Server: runner.ServerSpec{Name: "tornadio", Argv: []string{bin, "-loops", "2"}}, ServerCPUs: cpus2, LoadCPUs: cpus2},
	}
	return sc
}

func machine() []string {
	nproc := strings.TrimSpace(cmdOut("", "nproc"))
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 2 {
			var kb int64
			fmt.Sscan(f[1], &kb)
			mem = fmt.Sprintf("%.0f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return []string{"nproc " + nproc, model, mem, "kernel " + strings.TrimSpace(cmdOut("", "uname", "-sr")), runtime.GOOS + "/" + runtime.GOARCH}
}

// withBase puts the base server right after tornadio (first when tornadio
// is not run), so that the two are interleaved side by side.
func withBase(specs []runner.ServerSpec, base runner.ServerSpec) []runner.ServerSpec {
	at := 0
	for i, s := range specs {
		if s.Name == "tornadio" {
			at = i + 1
		}
	}
	return append(specs[:at], append([]runner.ServerSpec{base}, specs[at:]...)...)
}

// makeCommand is the make command that reproduces a run of the profile
// with these servers and base, or "" when make has none.
func makeCommand(profile, servers, base string) string {
	cmd := map[string]string{"short": "make bench", "full": "make bench-full"}[profile]
	if cmd == "" {
		return ""
	}
	if base != "" {
		cmd += " BASE=" + base
	}
	if servers != "tornadio,node,zishang,raw" {
		cmd += " SERVERS=" + servers
	}
	return cmd
}

func versions(dir, base string) [][2]string {
	v := [][2]string{{"go", strings.TrimPrefix(strings.Fields(cmdOut(dir, "go", "version") + " ? ? ?")[2], "go")}}
	v = append(v, [2]string{"node", strings.TrimSpace(cmdOut(dir, "node", "--version"))})
	sio := "not installed"
	if b, err := os.ReadFile(filepath.Join(dir, "node", "node_modules", "socket.io", "package.json")); err == nil {
		var pj struct{ Version string }
		if json.Unmarshal(b, &pj) == nil {
			sio = pj.Version
		}
	}
	v = append(v, [2]string{"socket.io", sio})
	for _, m := range [][2]string{
		{"zishang520/socket.io", "github.com/zishang520/socket.io/servers/socket/v3"},
		{"gnet", "github.com/panjf2000/gnet/v2"},
		{"gobwas/ws", "github.com/gobwas/ws"},
	} {
		v = append(v, [2]string{m[0], strings.TrimSpace(cmdOut(dir, "go", "list", "-m", "-f", "{{.Version}}", m[1]))})
	}
	rev := strings.TrimSpace(cmdOut(dir, "git", "rev-parse", "--short", "HEAD"))
	if rev != "" {
		if strings.TrimSpace(cmdOut(dir, "git", "status", "--porcelain", "--untracked-files=no", "--", "..")) != "" {
			rev += "+dirty"
		}
		v = append(v, [2]string{"tornadio", rev})
	}
	if base != "" {
		if b := strings.TrimSpace(cmdOut(dir, "git", "rev-parse", "--short", base)); b != "" {
			v = append(v, [2]string{"base", b})
		}
	}
	return v
}

func cmdOut(dir, name string, args ...string) string {
	c := exec.Command(name, args...)
	c.Dir = dir
	b, _ := c.Output()
	return string(b)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "tornadio-bench:", err)
		runner.KillAll()
		os.Exit(1)
	}
}
