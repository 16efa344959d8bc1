package runner

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// clusterCell is a cell of p for setup whose runs spent cpuPerOp µs per
// delivery in all, redisPerOp µs of it in Redis (withRedis), with pubs
// PUBLISH commands for 100 broadcasts.
func clusterCell(setup string, p Point, withRedis bool, cpuPerOp, redisPerOp float64, pubs int64) *ClusterCell {
	c := &ClusterCell{Cell: Cell{Server: setup, Point: p}}
	for range 3 {
		sm := Sample{
			Ops: 1e5, Throughput: 1e5, Wall: time.Second, Sent: 100, SentPerSec: 100,
			ServerCPU: time.Duration(cpuPerOp * 1e5 * float64(time.Microsecond)), LoadCPU: time.Second / 2,
			ProcCPU: []time.Duration{time.Duration((cpuPerOp - redisPerOp) * 1e5 * float64(time.Microsecond))},
		}
		if withRedis {
			sm.ProcCPU = append(sm.ProcCPU, time.Duration(redisPerOp*1e5*float64(time.Microsecond)))
			sm.Publishes = pubs
		}
		c.Samples = append(c.Samples, sm)
	}
	c.reduceCluster(withRedis)
	return c
}

func TestClusterReport(t *testing.T) {
	max1k := Point{Scenario: "broadcast", Clients: 1000, MaxRate: true}
	fixed10k := Point{Scenario: "broadcast", Clients: 10000, Rate: 5}
	failed := &ClusterCell{Cell: Cell{Server: NodeCluster, Point: fixed10k, Samples: []Sample{{Err: "start: boom"}}}}
	failed.reduceCluster(true)
	res := &ClusterResults{
		Config: ClusterConfig{
			Config: Config{Repeats: 3, ServerCPUs: "0", LoadCPUs: "1"},
			Setups: []Setup{
				{Name: TornadioCluster, Nodes: make([]ServerSpec, 2), Redis: true},
				{Name: NodeCluster, Nodes: make([]ServerSpec, 2), Redis: true},
				{Name: TornadioSingle, Nodes: make([]ServerSpec, 1)},
			},
		},
		Cells: [][]*ClusterCell{
			{clusterCell(TornadioCluster, max1k, true, 2.1, 0.1, 100), clusterCell(NodeCluster, max1k, true, 8, 0.1, 100), clusterCell(TornadioSingle, max1k, false, 2, 0, 0)},
			{clusterCell(TornadioCluster, fixed10k, true, 3, 0.2, 200), failed, clusterCell(TornadioSingle, fixed10k, false, 2, 0, 0)},
		},
	}
	var b strings.Builder
	ClusterReport(&b, res, Meta{Command: "make bench-cluster"})
	out := b.String()
	for _, want := range []string{
		"- setups: *tornadio cluster* (2 nodes + redis-server), *node cluster* (2 nodes + redis-server), *tornadio single* (1 node)",
		"- reproduce: `make bench-cluster`",
		"| broadcast N=1000 @max | tornadio cluster | **2.10** | 0.10 | 100.0k | 100.0 | 1.00 |",
		"| broadcast N=1000 @max | tornadio single | **2.00** | – | 100.0k | 100.0 | – |",
		"| broadcast N=10000 @5/s | node cluster | failed |",
		"- broadcast N=10000 @5/s, node cluster: start: boom",
		"| point | tornadio cluster / tornadio single (≤ 1.10) | tornadio cluster / node cluster (< 0.75) | PUBLISH / broadcast, tornadio cluster (1) | PUBLISH / broadcast, node cluster |",
		"| broadcast N=1000 @max | **1.05** ✓ | **0.26** ✓ | 1.00 ✓ | 1.00 |",
		"| broadcast N=10000 @5/s | **1.50** ✗ | failed | 2.00 ✗ | failed |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestParseCommandCalls(t *testing.T) {
	info := "# Commandstats\r\ncmdstat_ping:calls=3,usec=2,usec_per_call=0.67,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_publish:calls=1234,usec=900,usec_per_call=0.73,rejected_calls=0,failed_calls=0\r\n"
	for cmd, want := range map[string]int64{"publish": 1234, "ping": 3, "spublish": 0} {
		if got, err := parseCommandCalls(info, cmd); err != nil || got != want {
			t.Errorf("%s: %d, %v; want %d", cmd, got, err, want)
		}
	}
}

// A real redis-server: started on a free port, counting the PUBLISH
// commands it runs, stopped.
func TestRedisCountsPublishes(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("no redis-server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := startRedis(ctx, bin, "", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	before, err := commandCalls(r.addr, "publish")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := redisCall(r.addr, "PUBLISH", "socket.io#/#", "x"); err != nil {
			t.Fatal(err)
		}
	}
	after, err := commandCalls(r.addr, "publish")
	if err != nil || after-before != 3 {
		t.Errorf("publishes %d → %d (%v); want 3 more", before, after, err)
	}
	r.close()
	if r.alive() {
		t.Error("redis-server still running after close")
	}
}
