package runner

import (
	"fmt"
	"image/color"

	"github.com/tornadio/tornadio/bench/internal/chartpng"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var palette = map[string]color.Color{
	"tornadio": color.RGBA{0x1f, 0x77, 0xb4, 0xff},
	Base:       color.RGBA{0x9e, 0xc5, 0xe8, 0xff},
	"node":     color.RGBA{0x2c, 0xa0, 0x2c, 0xff},
	"zishang":  color.RGBA{0xff, 0x7f, 0x0e, 0xff},
	"raw":      color.RGBA{0x7f, 0x7f, 0x7f, 0xff},
}

// Chart draws the table's key figures as grouped bars, one panel per
// metric (CPU per ack, CPU per delivery, RSS per session), one bar per
// server, and writes a PNG. Failed cells are left out.
func Chart(res *Results, path string) error {
	type panel struct {
		title  string
		match  func(string) bool
		points []int
	}
	panels := []*panel{
		{title: "server CPU per ack (µs, lower is better)", match: func(s string) bool { return s == "echo" || s == "polling-echo" }},
		{title: "server CPU per delivery (µs, lower is better)", match: func(s string) bool { return s == "broadcast" }},
		{title: "server RSS per idle session (KiB, lower is better)", match: func(s string) bool { return s == "conns" }},
	}
	for i, row := range res.Cells {
		if len(row) == 0 {
			continue
		}
		for _, pn := range panels {
			if pn.match(row[0].Point.Scenario) {
				pn.points = append(pn.points, i)
			}
		}
	}
	var plots []*plot.Plot
	for _, pn := range panels {
		if len(pn.points) == 0 {
			continue
		}
		p := plot.New()
		p.Title.Text = pn.title
		p.Y.Min = 0
		p.Legend.Top = true
		p.Legend.Left = true
		var labels []string
		for _, i := range pn.points {
			labels = append(labels, res.Cells[i][0].Point.Label())
		}
		ns := len(res.Config.Servers)
		w := vg.Points(min(28, 420/float64(ns*len(pn.points))))
		top := 0.0
		for si, s := range res.Config.Servers {
			vals := make(plotter.Values, len(pn.points))
			any := false
			for k, i := range pn.points {
				c := res.Cells[i][si]
				if !c.Failed() {
					vals[k] = c.key()
					top = max(top, vals[k])
					any = true
				}
			}
			if !any {
				continue
			}
			b, err := plotter.NewBarChart(vals, w)
			if err != nil {
				return err
			}
			b.LineStyle.Width = 0
			if col, ok := palette[s.Name]; ok {
				b.Color = col
			}
			b.Offset = vg.Length(float64(si)-float64(ns-1)/2) * w
			p.Add(b)
			p.Legend.Add(s.Name, b)
		}
		p.NominalX(labels...)
		// Room above the bars for the legend, and beside the outer groups.
		p.Y.Max = top * 1.45
		p.X.Min, p.X.Max = -0.6, float64(len(pn.points))-0.4
		p.Add(plotter.NewGrid())
		plots = append(plots, p)
	}
	if len(plots) == 0 {
		return fmt.Errorf("runner: nothing to chart")
	}
	return chartpng.WriteColumn(path, 3.2*vg.Inch, plots)
}
