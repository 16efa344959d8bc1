// Package chartpng writes the bench module's charts: gonum plots stacked
// in one column, each a row of the same height, as a PNG file. make bench's
// chart (runner) and make soak's (soak) share it, so both look alike.
package chartpng

import (
	"fmt"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Width is the width of every chart.
const Width = 9 * vg.Inch

// WriteColumn draws plots one under the other, rowHeight each, with their
// axes aligned, and writes the image to path as a PNG.
func WriteColumn(path string, rowHeight vg.Length, plots []*plot.Plot) error {
	if len(plots) == 0 {
		return fmt.Errorf("chartpng: no plots for %s", path)
	}
	img := vgimg.New(Width, rowHeight*vg.Length(len(plots)))
	pad := vg.Points(6)
	t := draw.Tiles{Rows: len(plots), Cols: 1, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad, PadY: vg.Points(10)}
	grid := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		grid[i] = []*plot.Plot{p}
	}
	canvases := plot.Align(grid, t, draw.New(img))
	for i, p := range plots {
		p.Draw(canvases[i][0])
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("chartpng: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("chartpng: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("chartpng: closing %s: %w", path, err)
	}
	return nil
}
