package runner

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Meta describes the run for the report's header.
type Meta struct {
	Date     string
	Machine  []string    // "nproc: 2", "CPU: …", "kernel: …"
	Versions [][2]string // name, version, in order
	Command  string      // how to reproduce
	Base     string      // what the Base server is (see reportBeforeAfter)
	Notes    []string
}

// writeHeader writes the report's title and its date, machine and
// versions lines.
func (meta Meta) writeHeader(w io.Writer, title string, elapsed time.Duration) {
	fmt.Fprintf(w, "# %s\n\n", title)
	fmt.Fprintf(w, "- date: %s (the run took %s)\n", meta.Date, elapsed.Round(time.Second))
	fmt.Fprintf(w, "- machine: %s\n", strings.Join(meta.Machine, "; "))
	var vs []string
	for _, v := range meta.Versions {
		vs = append(vs, v[0]+" "+v[1])
	}
	fmt.Fprintf(w, "- versions: %s\n", strings.Join(vs, ", "))
}

// writeReproduce ends the header: the command that reproduces the run,
// when known, and a blank line.
func (meta Meta) writeReproduce(w io.Writer) {
	if meta.Command != "" {
		fmt.Fprintf(w, "- reproduce: `%s`\n", meta.Command)
	}
	fmt.Fprintln(w)
}

// writeNotes writes the notes, each a paragraph.
func (meta Meta) writeNotes(w io.Writer) {
	for _, n := range meta.Notes {
		fmt.Fprintf(w, "\n%s\n", n)
	}
}

// Key is the ratio metric of a scenario: server CPU per ack or delivery,
// or RSS per idle session for conns.
func Key(scenario string) string {
	switch scenario {
	case "conns":
		return "RSS KiB/session"
	case "broadcast":
		return "server CPU µs/delivery"
	default:
		return "server CPU µs/ack"
	}
}

func (c *Cell) key() float64 {
	if c.Point.Scenario == "conns" {
		return c.RSSPerSession
	}
	return c.CPUPerOp
}

// Subject is the server the ratios are about.
const Subject = "tornadio"

// Report writes the markdown report: header, then one table with a row per
// point and server; tornadio's rows carry the ratios of the point's key
// metric against each peer measured in the same run.
func Report(w io.Writer, res *Results, meta Meta) {
	meta.writeHeader(w, "tornadio benchmarks", res.Elapsed)
	fmt.Fprintf(w, "- method: each server pinned to CPU %s (`taskset`), the load generator to CPU %s; every point run %d× against a fresh server, servers interleaved; medians\n",
		res.Config.ServerCPUs, res.Config.LoadCPUs, res.Config.Repeats)
	meta.writeReproduce(w)

	if len(res.Cells) > 0 {
		mainTable(w, res)
	}
	reportBeforeAfter(w, res, meta.Base)
	if res.Scaling != nil {
		reportScaling(w, res.Scaling)
	}
	meta.writeNotes(w)
}

// mainTable writes the table of every point and server, with its column
// notes and failures.
func mainTable(w io.Writer, res *Results) {
	peers := []string{}
	for _, s := range res.Config.Servers {
		if s.Name != Subject {
			peers = append(peers, s.Name)
		}
	}
	hdr := []string{"point", "server", "server CPU / op (µs)", "RSS / session (KiB)", "throughput (/s)", "p50 (ms)", "p99 (ms)", "p999 (ms)", "delivered", "server CPU", "loadgen CPU", "runs"}
	base := len(hdr)
	for _, p := range peers {
		hdr = append(hdr, peerHeader(p))
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(hdr, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(hdr)))
	var foot []string
	for _, row := range res.Cells {
		var subj *Cell
		for _, c := range row {
			if c.Server == Subject {
				subj = c
			}
		}
		for _, c := range row {
			if c.Runs == 0 {
				continue
			}
			cols := []string{c.Point.Label(), c.Server}
			if c.Failed() {
				cols = append(cols, "failed")
				for range base - 4 {
					cols = append(cols, "")
				}
				cols = append(cols, fmt.Sprintf("0/%d", c.Runs))
				foot = append(foot, fmt.Sprintf("%s, %s: %s", c.Point.Label(), c.Server, c.Err))
			} else {
				unit := map[string]string{"echo": "acks", "polling-echo": "acks", "broadcast": "deliveries", "conns": "sessions"}[c.Point.Scenario]
				rssCell, tput := "", fmt.Sprintf("%s %s", num(c.Throughput), unit)
				if c.Point.Scenario == "conns" {
					rssCell = fmt.Sprintf("**%.2f**", c.RSSPerSession)
					tput = fmt.Sprintf("%s held", num(c.Throughput))
				}
				cpu := fmt.Sprintf("**%.2f**", c.CPUPerOp)
				if c.Point.Scenario == "conns" {
					cpu = fmt.Sprintf("%.1f", c.CPUPerOp)
				}
				deliv := ""
				if c.Point.Scenario == "broadcast" {
					deliv = fmt.Sprintf("%.4f", c.Delivery)
				}
				load := fmt.Sprintf("%.0f%%", 100*c.LoadCPUShare)
				if c.saturated() {
					load += " (saturated)"
				}
				if n := c.noiseNote(); n != "" {
					foot = append(foot, fmt.Sprintf("%s, %s: %s", c.Point.Label(), c.Server, n))
				}
				runs := fmt.Sprintf("%d/%d", c.OK, c.Runs)
				if c.OK < c.Runs {
					foot = append(foot, fmt.Sprintf("%s, %s: %d run(s) failed: %s", c.Point.Label(), c.Server, c.Runs-c.OK, c.Err))
				}
				cols = append(cols, cpu, rssCell, tput, ms(c.P50), ms(c.P99), ms(c.P999), deliv,
					fmt.Sprintf("%.0f%%", 100*c.ServerShare), load, runs)
			}
			for _, p := range peers {
				cols = append(cols, ratio(c, subj, p, row))
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cols, " | "))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Columns: *server CPU / op* is the server's utime+stime (from /proc/<pid>/stat) during the load generator's measured window divided by the acks (echo), deliveries (broadcast) or, for conns, sessions (whole run: open, hold, close). *RSS / session* is the rise of the server's VmRSS (peak during the run minus before it) divided by the sessions held. Latencies: ack round trip (echo), emit to delivery (broadcast), socket to Socket.IO CONNECT (conns). *server CPU* and *loadgen CPU* are shares of one core over the window. Ratios (last columns, on tornadio's rows) divide tornadio's key figure — "+
		"CPU per ack or delivery, RSS per session for conns — by the peer's, from this run; below 1 means tornadio spends less. "+
		"Echo patterns: *browser-like (1 in flight)* — each client emits its next echo when the previous one's ack arrives, as a browser's socket.io-client does; "+
		"*pipelined (N in flight)* — each keeps N echoes in flight and answers the acks of one read with one write of as many echoes (raw: the same frames, echoed unchanged). "+
		"Broadcast has no window: one sender emits at a fixed rate and the receivers only receive.")
	if len(foot) > 0 {
		fmt.Fprintln(w, "\nFailures and noise:")
		for _, f := range foot {
			fmt.Fprintf(w, "- %s\n", f)
		}
	}
}

func (c *Cell) saturated() bool {
	n := 0
	for _, s := range c.Samples {
		if s.Err == "" && s.Saturated {
			n++
		}
	}
	return n*2 > c.OK
}

func ratio(c, subj *Cell, peer string, row []*Cell) string {
	if c.Server != Subject || subj == nil || subj.Failed() {
		return ""
	}
	for _, o := range row {
		if o.Server == peer {
			if o.Runs == 0 {
				return "n/a"
			}
			if o.Failed() || o.key() == 0 {
				return "peer failed"
			}
			return fmt.Sprintf("**%.2f**", subj.key()/o.key())
		}
	}
	return ""
}

func ms(v float64) string {
	switch {
	case v == 0:
		return "–"
	case v < 1:
		return fmt.Sprintf("%.3f", v)
	case v < 100:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}

func num(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1fk", v/1e3)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}
