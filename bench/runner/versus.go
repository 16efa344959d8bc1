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
	About       string // what the ratio tells, for the table
}

// ReportVersus writes a report whose servers are setups of a few servers
// (edges, options): header, a table of the Versus ratios point by point,
// then every figure (the main table, whose ratio columns divide tornadio's
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

// versusTable writes one row per comparison and point.
func versusTable(w io.Writer, res *Results, vs []Versus) {
	fmt.Fprintln(w, "| comparison | point | key figure | setup | base | setup ÷ base |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, v := range vs {
		for _, row := range res.Cells {
			a, b := cellOf(row, v.Setup), cellOf(row, v.Base)
			if a == nil || b == nil || a.Runs == 0 || b.Runs == 0 {
				continue
			}
			cols := []string{v.About, a.Point.Label(), Key(a.Point.Scenario), figure(a), figure(b), versusRatio(a, b)}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cols, " | "))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "*setup ÷ base* is the setup's key figure over the base's, both medians of this run: below 1 the setup spends less.")
}

func cellOf(row []*Cell, server string) *Cell {
	for _, c := range row {
		if c.Server == server {
			return c
		}
	}
	return nil
}

// figure is a cell's key figure with its server's name, or why there is
// none.
func figure(c *Cell) string {
	if c.Failed() {
		return c.Server + ": failed"
	}
	return fmt.Sprintf("%s: %.2f", c.Server, c.key())
}

func versusRatio(a, b *Cell) string {
	if a.Failed() || b.Failed() || b.key() == 0 {
		return "–"
	}
	return fmt.Sprintf("**%.2f**", a.key()/b.key())
}
