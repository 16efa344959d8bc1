package chartpng

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

func TestWriteColumnStacksRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chart.png")
	plots := []*plot.Plot{plot.New(), plot.New(), plot.New()}
	if err := WriteColumn(path, 2*vg.Inch, plots); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	// vgimg draws at 96 dots per inch.
	if cfg.Width != 9*96 || cfg.Height != 3*2*96 {
		t.Fatalf("size %dx%d, want %dx%d", cfg.Width, cfg.Height, 9*96, 6*96)
	}
}

func TestWriteColumnRefusesNoPlots(t *testing.T) {
	if err := WriteColumn(filepath.Join(t.TempDir(), "chart.png"), vg.Inch, nil); err == nil {
		t.Fatal("no error for an empty column")
	}
}
