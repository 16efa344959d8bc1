package runner

import (
	"slices"
	"strings"
	"testing"
)

func TestReportVersus(t *testing.T) {
	echo := Point{Scenario: "echo", Clients: 50}
	words := Point{Scenario: "echo", Clients: 50, Payload: 2048, Tag: "2k-words"}
	res := &Results{
		Config: Config{Repeats: 3, Servers: []ServerSpec{{Name: Subject}, {Name: "tornadio-nethttp"}, {Name: "tornadio-deflate"}}},
		Cells: [][]*Cell{
			{cpuCell(Subject, echo, 4, 4, 4), cpuCell("tornadio-nethttp", echo, 5, 5, 5), {Server: "tornadio-deflate", Point: echo}},
			{cpuCell(Subject, words, 8, 8, 8), cpuCell("tornadio-nethttp", words, 10, 10, 10), cpuCell("tornadio-deflate", words, 12, 12, 12)},
		},
	}
	var b strings.Builder
	ReportVersus(&b, res, Meta{}, "edges", []Versus{
		{Setup: "tornadio-nethttp", Base: Subject, About: "net/http ÷ gnet"},
		{Setup: "tornadio-deflate", Base: Subject, About: "deflate ÷ none"},
	})
	out := b.String()
	for _, want := range []string{
		"| point | key figure | tornadio | tornadio-nethttp | tornadio-deflate |",
		// The deflate setup does not run the 64-byte echo: blank cells.
		"| echo C=50 browser-like (1 in flight) | server CPU µs/ack | 4.00 | 5.00 |  |",
		"| echo C=50 browser-like (1 in flight) · 2k-words | server CPU µs/ack | 8.00 | 10.00 | 12.00 |",
		"| point | tornadio-nethttp ÷ tornadio | tornadio-deflate ÷ tornadio |",
		"| echo C=50 browser-like (1 in flight) | **1.25** |  |",
		"| echo C=50 browser-like (1 in flight) · 2k-words | **1.25** | **1.50** |",
		"- *tornadio-deflate ÷ tornadio*: deflate ÷ none",
		"## Every figure",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestSetupPointsAndLoadFlags(t *testing.T) {
	words := Point{Scenario: "echo", Clients: 5, Tag: "2k-words", Extra: []string{"-words"}}
	if words.Name() != "echo-2k-words" {
		t.Errorf("Name %q", words.Name())
	}
	deflate := ServerSpec{Name: "d", LoadFlags: []string{"-deflate"}, Points: []string{"echo-2k-words", "conns"}}
	if !applies(deflate, words) || applies(deflate, Point{Scenario: "echo"}) || applies(deflate, Point{Scenario: "polling-echo"}) {
		t.Error("applies does not follow ServerSpec.Points")
	}
	if !applies(ServerSpec{Name: "all"}, Point{Scenario: "polling-echo"}) {
		t.Error("a server without Points skips a point")
	}
	args := loadArgs(deflate, words, "127.0.0.1:1")
	if !slices.Contains(args, "-deflate") || !slices.Contains(args, "-words") {
		t.Errorf("loadgen args %v lack the setup's and the point's flags", args)
	}
}
