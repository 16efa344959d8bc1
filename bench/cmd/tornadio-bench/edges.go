package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tornadio/tornadio/bench/runner"
)

// The edges profiles (make bench-edges): tornadio behind each of its edges
// — its own gnet listener (Start), mounted in an http.Server's mux
// (ServeHTTP: polling through the bridge, websockets hijacked into the
// event loops), Serve on a listener of its own — and with
// permessage-deflate, against the gnet edge and against Node's socket.io
// with the same options, in one run (runner.ReportVersus).

// isEdges tells whether profile is one of the edges profiles.
func isEdges(profile string) bool { return strings.HasPrefix(profile, "edges") }

// The deflate setups run the websocket points only (permessage-deflate is
// a websocket extension).
var websocketPoints = []string{"echo", "echo-2k-words", "conns"}

// edgesPoints are the points of an edges profile. edges: about five
// minutes on two cores. edges-full: longer windows, 10 000 idle sessions.
func edgesPoints(profile string) ([]runner.Point, error) {
	const payload = 64
	// 2 KiB of words: above the deflate threshold (1024, ws's default), so
	// both directions are compressed, and compressing as prose does.
	words := func(p runner.Point) runner.Point {
		p.Payload, p.Tag, p.Extra = 2048, "2k-words", []string{"-words"}
		return p
	}
	switch profile {
	case "edges":
		echo := runner.Point{Scenario: "echo", Clients: 50, Duration: 1500 * time.Millisecond, Payload: payload}
		return []runner.Point{
			echo,
			words(echo),
			{Scenario: "conns", Clients: 1000, Rate: 4000, Duration: time.Second, Payload: payload},
			{Scenario: "polling-echo", Clients: 10, Duration: 1500 * time.Millisecond, Payload: payload},
			{Scenario: "conns", Transport: "polling", Clients: 1000, Rate: 2000, Duration: time.Second, Payload: payload},
		}, nil
	case "edges-full":
		echo := runner.Point{Scenario: "echo", Clients: 100, Duration: 10 * time.Second, Payload: payload}
		return []runner.Point{
			echo,
			words(echo),
			{Scenario: "conns", Clients: 10000, Rate: 2000, Duration: 30 * time.Second, Payload: payload},
			{Scenario: "polling-echo", Clients: 100, Duration: 10 * time.Second, Payload: payload},
			{Scenario: "conns", Transport: "polling", Clients: 5000, Rate: 1000, Duration: 30 * time.Second, Payload: payload},
		}, nil
	}
	return nil, fmt.Errorf("unknown edges profile %q (edges, edges-full)", profile)
}

// edgesSetups are the servers of the edges profiles, and the comparisons
// the report makes.
func edgesSetups(dir, bin string) ([]runner.ServerSpec, []runner.Versus) {
	tornadio := func(name string, args ...string) runner.ServerSpec {
		return runner.ServerSpec{Name: name, Argv: append([]string{filepath.Join(bin, "tornadio"), "-loops", "1"}, args...)}
	}
	node := func(name string, args ...string) runner.ServerSpec {
		return runner.ServerSpec{Name: name, Argv: append([]string{"node", filepath.Join(dir, "node", "server.js")}, args...), Dir: filepath.Join(dir, "node")}
	}
	deflate := func(s runner.ServerSpec) runner.ServerSpec {
		s.Argv = append(s.Argv, "-deflate")
		s.LoadFlags, s.Points = []string{"-deflate"}, websocketPoints
		return s
	}
	specs := []runner.ServerSpec{
		tornadio("tornadio", "-edge", "gnet"),
		tornadio("tornadio-nethttp", "-edge", "nethttp"),
		tornadio("tornadio-serve", "-edge", "serve"),
		deflate(tornadio("tornadio-deflate")),
		deflate(tornadio("tornadio-nethttp-deflate", "-edge", "nethttp")),
		node("node"),
		deflate(node("node-deflate")),
	}
	vs := []runner.Versus{
		{Setup: "tornadio-nethttp", Base: "tornadio", About: "net/http edge (http.Server + ServeHTTP) ÷ gnet edge"},
		{Setup: "tornadio-serve", Base: "tornadio", About: "Serve(listener) ÷ gnet edge"},
		{Setup: "tornadio-deflate", Base: "tornadio", About: "gnet edge, deflate on ÷ off"},
		{Setup: "tornadio-nethttp-deflate", Base: "tornadio", About: "net/http edge with deflate ÷ gnet edge without"},
		{Setup: "tornadio-nethttp-deflate", Base: "tornadio-deflate", About: "deflate: net/http edge ÷ gnet edge"},
		{Setup: "tornadio-deflate", Base: "node-deflate", About: "deflate on: tornadio ÷ Node"},
		{Setup: "tornadio-nethttp", Base: "node", About: "net/http edge ÷ Node"},
		{Setup: "tornadio", Base: "node", About: "gnet edge ÷ Node"},
		{Setup: "node-deflate", Base: "node", About: "Node: deflate on ÷ off"},
	}
	return specs, vs
}

// runEdgesProfile builds the tornadio server and the load generator, runs
// an edges profile and writes its report to stdout and out.
func runEdgesProfile(ctx context.Context, dir, bin, profile, only string, repeats int, serverCPUs, loadCPUs, out string) {
	points, err := edgesPoints(profile)
	must(err)
	if only != "" {
		keep := map[string]bool{}
		for _, s := range strings.Split(only, ",") {
			keep[strings.TrimSpace(s)] = true
		}
		points = slices.DeleteFunc(points, func(p runner.Point) bool { return !keep[p.Name()] })
	}
	specs, vs := edgesSetups(dir, bin)
	fmt.Fprintf(os.Stderr, "tornadio-bench: building the tornadio server and the load generator into %s …\n", bin)
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+"/", "./servers/tornadio", "./cmd/loadgen")
	build.Dir, build.Stdout, build.Stderr = dir, os.Stderr, os.Stderr
	must(build.Run())

	cfg := runner.Config{
		Servers:    specs,
		Points:     points,
		Repeats:    repeats,
		Loadgen:    []string{filepath.Join(bin, "loadgen")},
		ServerCPUs: serverCPUs,
		LoadCPUs:   loadCPUs,
		Progress:   os.Stderr,
	}
	res := runner.Run(ctx, cfg)
	runner.KillAll()

	meta := runner.Meta{
		Date:     time.Now().UTC().Format("2006-01-02 15:04 MST"),
		Machine:  machine(),
		Versions: versions(dir, ""),
		Notes: []string{
			"Setups: *tornadio* is the gnet edge (Start); *tornadio-nethttp* mounts the server at /socket.io/ of an http.ServeMux in a plain-HTTP http.Server (polling through the net/http bridge, websockets hijacked and handed to the event loops); *tornadio-serve* is Serve on a net.Listener of the server's own; *-deflate* setups negotiate permessage-deflate with each server's defaults (tornadio: threshold 1024, level BestSpeed, no context takeover either way; Node: perMessageDeflate with ws's defaults, threshold 1024, zlib level 6, context kept) and run the websocket points only, the load generator offering the extension as Chromium and ws do, inflating what comes compressed and compressing what it sends from 1024 bytes.",
			"The *2k-words* echo sends 2 KiB of pseudo-random words (loadgen -words), so that with deflate on both directions are compressed and compress as prose does; below the threshold (the 64-byte points) nothing is compressed and the deflate setups measure what negotiating costs.",
		},
	}
	if profile == "edges" && only == "" && repeats == 3 {
		meta.Command = "make bench-edges"
	} else {
		meta.Command = "cd bench && go run ./cmd/tornadio-bench " + strings.Join(os.Args[1:], " ")
	}
	var buf bytes.Buffer
	runner.ReportVersus(&buf, res, meta, "tornadio: the net/http edge and permessage-deflate", vs)
	os.Stdout.Write(buf.Bytes())
	saveReport(out, buf.Bytes(), res, bin, "last-edges-run.json", "", res.Elapsed)
	if ctx.Err() != nil {
		os.Exit(130)
	}
}
