package runner

import "strings"

// polling tells whether p runs over long-polling: polling-echo, or a
// scenario with Transport "polling" (loadgen -transport polling).
func (p Point) polling() bool {
	return p.Transport == "polling" || strings.HasPrefix(p.Scenario, "polling")
}

// Name is the scenario as tables and -scenarios name it: conns over
// long-polling is "conns-polling", so that it stands apart from the
// websocket conns point while sharing its figures (RSS per session); the
// echo with more than one message in flight per client is "echo-pipelined"
// ("echo" is the browser-like one). A point's Tag follows after a hyphen.
func (p Point) Name() string {
	if p.Tag != "" {
		q := p
		q.Tag = ""
		return q.Name() + "-" + p.Tag
	}
	if p.Transport == "polling" && !strings.HasPrefix(p.Scenario, "polling") {
		return p.Scenario + "-polling"
	}
	if p.Scenario == "echo" && p.Window > 1 {
		return "echo-pipelined"
	}
	return p.Scenario
}
