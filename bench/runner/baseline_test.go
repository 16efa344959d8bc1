package runner

import (
	"strings"
	"testing"
	"time"
)

// cpuCell is a cell of p for server whose runs each spent cpuPerOp µs of
// server CPU per op.
func cpuCell(server string, p Point, cpuPerOp ...float64) *Cell {
	c := &Cell{Server: server, Point: p}
	for _, v := range cpuPerOp {
		c.Samples = append(c.Samples, Sample{
			Ops: 1e6, Throughput: 1e5, Wall: time.Second,
			ServerCPU: time.Duration(v * float64(time.Second)), LoadCPU: time.Second / 2,
		})
	}
	c.reduce()
	return c
}

func TestReportBeforeAfter(t *testing.T) {
	browser := Point{Scenario: "echo", Clients: 100}
	pipelined := Point{Scenario: "echo", Clients: 100, Window: 8}
	res := &Results{
		Config: Config{Repeats: 3, Servers: []ServerSpec{{Name: Subject}, {Name: Base}, {Name: "raw"}}},
		Cells: [][]*Cell{
			{cpuCell(Subject, browser, 6, 6, 6), cpuCell(Base, browser, 8, 8, 8), cpuCell("raw", browser, 5, 5, 5)},
			{cpuCell(Subject, pipelined, 3, 3, 3), {Server: Base, Point: pipelined, Samples: []Sample{{Err: "start: boom"}}}, cpuCell("raw", pipelined, 1, 1, 1)},
		},
	}
	res.Cells[1][1].reduce()
	var b strings.Builder
	Report(&b, res, Meta{})
	out := b.String()
	for _, want := range []string{
		"| runs | tornadio/base | tornadio/raw |",
		"| echo C=100 browser-like (1 in flight) | tornadio | **6.00** |",
		"| echo C=100 pipelined (8 in flight) | tornadio-base | failed |",
		"## Before and after (tornadio against tornadio-base, same run)",
		"| point | metric | base | tornadio | tornadio/base | base/raw | tornadio/raw |",
		"| echo C=100 browser-like (1 in flight) | server CPU µs/ack | 8.00 | 6.00 | **0.75** | **1.60** | **1.20** |",
		"| echo C=100 pipelined (8 in flight) | server CPU µs/ack | failed | 3.00 | failed | failed | **3.00** |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestNoBeforeAfterWithoutBase(t *testing.T) {
	p := Point{Scenario: "echo", Clients: 100}
	res := &Results{
		Config: Config{Repeats: 3, Servers: []ServerSpec{{Name: Subject}, {Name: "raw"}}},
		Cells:  [][]*Cell{{cpuCell(Subject, p, 6, 6, 6), cpuCell("raw", p, 5, 5, 5)}},
	}
	var b strings.Builder
	Report(&b, res, Meta{})
	if out := b.String(); strings.Contains(out, "Before and after") || strings.Contains(out, "/base") {
		t.Errorf("a run without a base reports one:\n%s", out)
	}
}

func TestPointNamesTellEchoPatternsApart(t *testing.T) {
	for _, c := range []struct {
		p           Point
		name, label string
	}{
		{Point{Scenario: "echo", Clients: 100}, "echo", "echo C=100 browser-like (1 in flight)"},
		{Point{Scenario: "echo", Clients: 100, Window: 1}, "echo", "echo C=100 browser-like (1 in flight)"},
		{Point{Scenario: "echo", Clients: 1000, Window: 8}, "echo-pipelined", "echo C=1000 pipelined (8 in flight)"},
		{Point{Scenario: "polling-echo", Clients: 100}, "polling-echo", "polling-echo C=100"},
	} {
		if c.p.Name() != c.name || c.p.Label() != c.label {
			t.Errorf("%+v: name %q label %q, want %q %q", c.p, c.p.Name(), c.p.Label(), c.name, c.label)
		}
	}
	if a := loadArgs(ServerSpec{}, Point{Scenario: "echo", Clients: 1, Window: 8}, "x"); !strings.Contains(strings.Join(a, " "), "-window 8") {
		t.Errorf("loadgen args %v lack -window 8", a)
	}
}
