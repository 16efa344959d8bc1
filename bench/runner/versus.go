package runner

import (
	"fmt"
	"io"
	"strings"
)

// Versus is one comparison of a versus report: the key figure of Setup
// (server CPU per ack or delivery, RSS per idle session for conns) divided
// by Base's, on every point both ran, from the same run.
type Versus struct {
	Setup, Base string
	About       string // what the ratio tells, for the legend
}

// ReportVersus writes a report whose servers are setups of a few servers
// (edges, options): header, the key figure of every setup by point, the
// Versus ratios by point, then every figure (the main table, whose ratio columns divide tornadio's
// figures by each setup's).
func ReportVersus(w io.Writer, res *Results, meta Meta, title string, vs []Versus) {
	meta.writeHeader(w, title, res.Elapsed)
	fmt.Fprintf(w, "- method: each server pinned to CPU %s (`taskset`), the load generator to CPU %s; every point run %d× against a fresh server, setups interleaved; medians\n",
		res.Config.ServerCPUs, res.Config.LoadCPUs, res.Config.Repeats)
	meta.writeReproduce(w)
	versusTable(w, res, vs)
	fmt.Fprintln(w, "\n## Every figure")
	fmt.Fprintln(w)
	mainTable(w, res)
	meta.writeNotes(w)
}

// versusTable writes the key figure of every setup by point, then the
// ratios of the comparisons by point.
func versusTable(w io.Writer, res *Results, vs []Versus) {
	names := make([]string, len(res.Config.Servers))
	for i, s := range res.Config.Servers {
		names[i] = s.Name
	}
	fmt.Fprintf(w, "| point | key figure | %s |\n", strings.Join(names, " | "))
	fmt.Fprintf(w, "|---|---|%s\n", strings.Repeat("---|", len(names)))
	for _, row := range res.Cells {
		if len(row) == 0 {
			continue
		}
		cols := []string{row[0].Point.Label(), Key(row[0].Point.Scenario)}
		for _, n := range names {
			cols = append(cols, figure(cellOf(row, n)))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cols, " | "))
	}
	fmt.Fprintln(w)
	hdr := []string{"point"}
	for _, v := range vs {
		hdr = append(hdr, v.Setup+" ÷ "+v.Base)
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(hdr, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(hdr)))
	for _, row := range res.Cells {
		if len(row) == 0 {
			continue
		}
		cols := []string{row[0].Point.Label()}
		for _, v := range vs {
			cols = append(cols, versusRatio(cellOf(row, v.Setup), cellOf(row, v.Base)))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cols, " | "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Ratios: the setup's key figure over the base's, both medians of this run; below 1 the setup spends less. Blank: one of the two does not run the point.")
	fmt.Fprintln(w)
	for _, v := range vs {
		fmt.Fprintf(w, "- *%s ÷ %s*: %s\n", v.Setup, v.Base, v.About)
	}
}

func cellOf(row []*Cell, server string) *Cell {
	for _, c := range row {
		if c.Server == server {
			return c
		}
	}
	return nil
}

// figure is a cell's key figure, or why there is none.
func figure(c *Cell) string {
	switch {
	case c == nil || c.Runs == 0:
		return ""
	case c.Failed():
		return "failed"
	}
	return fmt.Sprintf("%.2f", c.key())
}

func versusRatio(a, b *Cell) string {
	if a == nil || b == nil || a.Runs == 0 || b.Runs == 0 {
		return ""
	}
	if a.Failed() || b.Failed() || b.key() == 0 {
		return "–"
	}
	return fmt.Sprintf("**%.2f**", a.key()/b.key())
}
