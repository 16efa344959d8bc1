package soak

import (
	"image/color"

	"github.com/tornadio/tornadio/bench/internal/chartpng"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var (
	blue  = color.RGBA{0x1f, 0x77, 0xb4, 0xff}
	green = color.RGBA{0x2c, 0xa0, 0x2c, 0xff}
	grey  = color.RGBA{0x7f, 0x7f, 0x7f, 0xff}
)

// Plot draws the samples, one panel per metric (RSS, goroutines, open
// files, sessions beside the clients open), with the steady part marked,
// and writes a PNG (the same gonum plot tiles as make bench's chart).
func Plot(o Outcome, path string) error {
	panels := []struct {
		title string
		lines []func(Sample) float64
		names []string
	}{
		{"server RSS (MiB)", []func(Sample) float64{func(s Sample) float64 { return float64(s.RSS) / (1 << 20) }}, []string{"RSS"}},
		{"server goroutines", []func(Sample) float64{func(s Sample) float64 { return float64(s.Goroutines) }}, []string{"goroutines"}},
		{"server open files", []func(Sample) float64{func(s Sample) float64 { return float64(s.FDs) }}, []string{"fds"}},
		{"sessions (both roads) and clients open", []func(Sample) float64{
			func(s Sample) float64 { return float64(s.Sessions) },
			func(s Sample) float64 { return float64(s.Clients) },
		}, []string{"server sessions", "runner clients"}},
	}
	colors := []color.Color{blue, green}
	var plots []*plot.Plot
	for _, pn := range panels {
		p := plot.New()
		p.Title.Text = pn.title
		p.X.Label.Text = "seconds"
		p.Y.Min = 0
		p.Legend.Top = true
		top := 0.0
		for i, f := range pn.lines {
			xys := make(plotter.XYs, len(o.Samples))
			for j, s := range o.Samples {
				xys[j] = plotter.XY{X: s.T, Y: f(s)}
				top = max(top, xys[j].Y)
			}
			l, err := plotter.NewLine(xys)
			if err != nil {
				return err
			}
			l.Color = colors[i%len(colors)]
			l.Width = vg.Points(1.2)
			p.Add(l)
			if len(pn.lines) > 1 {
				p.Legend.Add(pn.names[i], l)
			}
		}
		p.Y.Max = top*1.25 + 1
		for _, x := range []float64{o.WarmupEnd, o.SteadyEnd} {
			m, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: p.Y.Max}})
			if err != nil {
				return err
			}
			m.Color = grey
			m.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(m)
		}
		p.Add(plotter.NewGrid())
		plots = append(plots, p)
	}
	return chartpng.WriteColumn(path, 2.6*vg.Inch, plots)
}
