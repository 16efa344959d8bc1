package runner

import (
	"fmt"
	"io"
	"strings"
)

// The cluster point's targets: clustering adds at most 10 % to tornadio's
// single-node CPU per delivery, tornadio's cluster costs less than 0.75 ×
// Node's cluster, and Redis executes one PUBLISH per broadcast.
const (
	MaxClusterOverSingle = 1.10
	MaxClusterOverNode   = 0.75
	PublishesTarget      = 1.0
)

// ClusterReport writes the cluster point's markdown report: header, one
// row per point and setup, then the targets' ratios per point.
func ClusterReport(w io.Writer, res *ClusterResults, meta Meta) {
	cfg := res.Config
	meta.writeHeader(w, "tornadio cluster benchmark: broadcast through Redis", res.Elapsed)
	var setups []string
	for _, s := range cfg.Setups {
		d := fmt.Sprintf("%d node", len(s.Nodes))
		if len(s.Nodes) != 1 {
			d += "s"
		}
		if s.Redis {
			d += " + redis-server"
		}
		setups = append(setups, fmt.Sprintf("*%s* (%s)", s.Name, d))
	}
	fmt.Fprintf(w, "- setups: %s\n", strings.Join(setups, ", "))
	fmt.Fprintf(w, "- method: every node and redis-server pinned to CPU %s (`taskset`), the load generator to CPU %s; "+
		"the receivers dealt out over the nodes in turn, the sender on the first node; every point run %d× with fresh nodes and a fresh redis-server, setups interleaved; medians\n",
		cfg.ServerCPUs, cfg.LoadCPUs, cfg.Repeats)
	meta.writeReproduce(w)
	clusterTable(w, res)
	clusterTargets(w, res)
	meta.writeNotes(w)
}

func clusterTable(w io.Writer, res *ClusterResults) {
	hdr := []string{"point", "setup", "CPU / delivery (µs), nodes + Redis", "of which Redis (µs)", "deliveries/s", "broadcasts/s",
		"PUBLISH / broadcast", "p50 (ms)", "p99 (ms)", "delivered", "servers' CPU", "loadgen CPU", "runs"}
	fmt.Fprintf(w, "| %s |\n", strings.Join(hdr, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(hdr)))
	var foot []string
	for _, row := range res.Cells {
		for _, c := range row {
			if c.Runs == 0 {
				continue
			}
			label := c.Point.Label()
			cols := []string{label, c.Server}
			if c.Failed() {
				cols = append(cols, "failed")
				for range len(hdr) - 4 {
					cols = append(cols, "")
				}
				cols = append(cols, fmt.Sprintf("0/%d", c.Runs))
				foot = append(foot, fmt.Sprintf("%s, %s: %s", label, c.Server, c.Err))
				fmt.Fprintf(w, "| %s |\n", strings.Join(cols, " | "))
				continue
			}
			redis, pubs := "–", "–"
			if c.PublishesPerBroadcast >= 0 {
				redis = fmt.Sprintf("%.2f", c.RedisCPUPerOp)
				pubs = fmt.Sprintf("%.2f", c.PublishesPerBroadcast)
			}
			load := fmt.Sprintf("%.0f%%", 100*c.LoadCPUShare)
			if c.saturated() {
				load += " (saturated)"
			}
			if n := c.noiseNote(); n != "" {
				foot = append(foot, fmt.Sprintf("%s, %s: %s", label, c.Server, n))
			}
			if c.OK < c.Runs {
				foot = append(foot, fmt.Sprintf("%s, %s: %d run(s) failed: %s", label, c.Server, c.Runs-c.OK, c.Err))
			}
			cols = append(cols, fmt.Sprintf("**%.2f**", c.CPUPerOp), redis, num(c.Throughput), fmt.Sprintf("%.1f", c.SentPerSec),
				pubs, ms(c.P50), ms(c.P99), fmt.Sprintf("%.4f", c.Delivery),
				fmt.Sprintf("%.0f%%", 100*c.ServerShare), load, fmt.Sprintf("%d/%d", c.OK, c.Runs))
			fmt.Fprintf(w, "| %s |\n", strings.Join(cols, " | "))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Columns: *CPU / delivery* is the utime+stime (from /proc/<pid>/stat) of every node and of redis-server during the load generator's measured window, "+
		"divided by the deliveries counted by the receivers; *of which Redis* is redis-server's part. *PUBLISH / broadcast* is the rise of `cmdstat_publish` calls "+
		"(Redis' INFO commandstats) over the load run divided by the broadcasts sent. *servers' CPU* is the sum's share of one core (all of them share CPU "+
		fmt.Sprint(res.Config.ServerCPUs)+"). "+
		"*@max*: the sender emits its next broadcast as soon as fewer than 4 broadcasts (the load generator's default window) are undelivered, so the servers run at their highest rate; *@N/s*: a fixed rate.")
	if len(foot) > 0 {
		fmt.Fprintln(w, "\nFailures and noise:")
		for _, f := range foot {
			fmt.Fprintf(w, "- %s\n", f)
		}
	}
}

// clusterTargets writes, per point, the ratios the targets are about.
func clusterTargets(w io.Writer, res *ClusterResults) {
	fmt.Fprintf(w, "\n## Targets\n\n")
	fmt.Fprintf(w, "| point | %s / %s (≤ %.2f) | %s / %s (< %.2f) | PUBLISH / broadcast, %s (%g) | PUBLISH / broadcast, %s |\n",
		TornadioCluster, TornadioSingle, MaxClusterOverSingle, TornadioCluster, NodeCluster, MaxClusterOverNode,
		TornadioCluster, PublishesTarget, NodeCluster)
	fmt.Fprintf(w, "|---|---|---|---|---|\n")
	for _, row := range res.Cells {
		if len(row) == 0 {
			continue
		}
		tc, ts, nc := find(row, TornadioCluster), find(row, TornadioSingle), find(row, NodeCluster)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", row[0].Point.Label(),
			cpuRatio(tc, ts, func(r float64) bool { return r <= MaxClusterOverSingle }),
			cpuRatio(tc, nc, func(r float64) bool { return r < MaxClusterOverNode }),
			publishes(tc, true), publishes(nc, false))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "✓ meets the target, ✗ misses it; CPU ratios divide the CPU per delivery (nodes + Redis) of the two setups, from this run.")
}

func find(row []*ClusterCell, name string) *ClusterCell {
	for _, c := range row {
		if c.Server == name && c.Runs > 0 {
			return c
		}
	}
	return nil
}

func cpuRatio(a, b *ClusterCell, ok func(float64) bool) string {
	switch {
	case a == nil || b == nil:
		return "n/a"
	case a.Failed() || b.Failed() || b.CPUPerOp == 0:
		return "failed"
	}
	r := a.CPUPerOp / b.CPUPerOp
	return fmt.Sprintf("**%.2f** %s", r, mark(ok(r)))
}

func publishes(c *ClusterCell, judged bool) string {
	switch {
	case c == nil:
		return "n/a"
	case c.Failed():
		return "failed"
	case c.PublishesPerBroadcast < 0:
		return "–"
	}
	s := fmt.Sprintf("%.2f", c.PublishesPerBroadcast)
	if judged {
		s += " " + mark(c.PublishesPerBroadcast == PublishesTarget)
	}
	return s
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}
