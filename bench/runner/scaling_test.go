package runner

import (
	"strings"
	"testing"
	"time"
)

func scalingCell(label string, tputs ...float64) *Cell {
	c := &Cell{Server: "tornadio " + label, Point: Point{Scenario: "echo", Clients: 200}}
	for _, t := range tputs {
		c.Samples = append(c.Samples, Sample{
			Throughput: t, Ops: t, Wall: time.Second,
			ServerCPU: 900 * time.Millisecond, LoadCPU: 700 * time.Millisecond,
		})
	}
	c.reduce()
	return c
}

func TestScalingRatioIsOfMedians(t *testing.T) {
	r := &ScalingResult{Cells: [2]*Cell{
		scalingCell("1 loop", 100, 90, 300),  // median 100
		scalingCell("2 loops", 150, 170, 10), // median 150
	}}
	if got := r.Ratio(); got != 1.5 {
		t.Fatalf("ratio %v, want 1.5", got)
	}
	r.Cells[1] = &Cell{Samples: []Sample{{Err: "start: boom"}}}
	r.Cells[1].reduce()
	if got := r.Ratio(); got != 0 {
		t.Fatalf("ratio with a failed side %v, want 0", got)
	}
}

func TestReportScaling(t *testing.T) {
	spec := ServerSpec{Name: "tornadio"}
	res := &Results{Config: Config{Repeats: 3}, Scaling: &ScalingResult{
		Scaling: Scaling{Point: Point{Scenario: "echo", Clients: 200}, Sides: [2]ScalingSide{
			{Label: "1 loop", Server: spec, ServerCPUs: "0", LoadCPUs: "1"},
			{Label: "2 loops", Server: spec, ServerCPUs: "0,1", LoadCPUs: "0,1"},
		}},
		Cells: [2]*Cell{scalingCell("1 loop", 100e3, 100e3, 100e3), scalingCell("2 loops", 120e3, 120e3, 120e3)},
	}}
	var b strings.Builder
	Report(&b, res, Meta{})
	out := b.String()
	for _, want := range []string{
		"## Scaling with event loops (tornadio)",
		"| echo C=200 browser-like (1 in flight) | 100.0k | 120.0k | **1.20×** |",
		"server on CPUs 0,1, load generator on CPUs 0,1",
		"kept 160% of CPU busy",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "| point | server |") {
		t.Errorf("report has an empty main table:\n%s", out)
	}
}

func TestNoiseNote(t *testing.T) {
	c := &Cell{Samples: []Sample{{OtherShare: 0.1}, {OtherShare: 0.6, SynRetrans: 2}}}
	n := c.noiseNote()
	if !strings.Contains(n, "2 SYN retransmits") || !strings.Contains(n, "60% of a core") {
		t.Fatalf("note %q", n)
	}
	if n := (&Cell{Samples: []Sample{{OtherShare: 0.05}}}).noiseNote(); n != "" {
		t.Fatalf("quiet machine noted %q", n)
	}
}

func TestSnapMachine(t *testing.T) {
	m, err := snapMachine()
	if err != nil {
		t.Skip("no /proc:", err)
	}
	if m.busy <= 0 {
		t.Errorf("machine busy %v", m.busy)
	}
	for _, k := range tcpCounters {
		if _, ok := m.tcp[k]; !ok {
			t.Errorf("no TcpExt %s", k)
		}
	}
}
