package runner

import (
	"fmt"
	"io"
	"strings"
)

// Base is the name of a second tornadio build run beside the current one
// (tornadio-bench -base <git rev>): the "before" of a before/after
// comparison, measured in the same run, interleaved like every server.
const Base = "tornadio-base"

// peerHeader is the heading of the ratio column against peer.
func peerHeader(peer string) string {
	if peer == Base {
		return Subject + "/base"
	}
	return Subject + "/" + peer
}

// hasServer tells whether the run has a server of that name.
func (r *Results) hasServer(name string) bool {
	for _, s := range r.Config.Servers {
		if s.Name == name {
			return true
		}
	}
	return false
}

// reportBeforeAfter writes, when the run has a Base server, each point's
// key figure for the base and the current tornadio, their ratio, and each
// one's ratio to every other peer: the before and after tables of one run.
// about says what the base is (its revision, how it was built).
func reportBeforeAfter(w io.Writer, res *Results, about string) {
	if !res.hasServer(Base) || len(res.Cells) == 0 {
		return
	}
	var peers []string
	for _, s := range res.Config.Servers {
		if s.Name != Subject && s.Name != Base {
			peers = append(peers, s.Name)
		}
	}
	hdr := []string{"point", "metric", "base", Subject, Subject + "/base"}
	for _, p := range peers {
		hdr = append(hdr, "base/"+p, Subject+"/"+p)
	}
	fmt.Fprintf(w, "\n## Before and after (%s against %s, same run)\n\n", Subject, Base)
	fmt.Fprintf(w, "| %s |\n", strings.Join(hdr, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(hdr)))
	for _, row := range res.Cells {
		byName := map[string]*Cell{}
		for _, c := range row {
			byName[c.Server] = c
		}
		base, cur := byName[Base], byName[Subject]
		if base == nil || cur == nil || (base.Runs == 0 && cur.Runs == 0) {
			continue
		}
		cols := []string{cur.Point.Label(), Key(cur.Point.Scenario), keyFigure(base), keyFigure(cur), keyRatio(cur, base)}
		for _, p := range peers {
			cols = append(cols, keyRatio(base, byName[p]), keyRatio(cur, byName[p]))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cols, " | "))
	}
	if about == "" {
		about = Base + " is tornadio built from another revision (see versions)."
	}
	fmt.Fprintf(w, "\n%s It ran in this run, interleaved with the others. Ratios divide the first-named server's key figure by the second's (below 1: the first spends less).\n", about)
}

// keyFigure is c's key figure for the before/after table.
func keyFigure(c *Cell) string {
	switch {
	case c == nil || c.Runs == 0:
		return "n/a"
	case c.Failed():
		return "failed"
	default:
		return fmt.Sprintf("%.2f", c.key())
	}
}

// keyRatio is a's key figure over b's, or why there is none.
func keyRatio(a, b *Cell) string {
	switch {
	case a == nil || b == nil || a.Runs == 0 || b.Runs == 0:
		return "n/a"
	case a.Failed() || b.Failed() || b.key() == 0:
		return "failed"
	default:
		return fmt.Sprintf("**%.2f**", a.key()/b.key())
	}
}
