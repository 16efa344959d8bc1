package admin

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// aggregatedEvent is one count of the dashboard's charts: how many events
// of a type (and subtype: a disconnection's reason) happened in one second.
type aggregatedEvent struct {
	Timestamp int64  `json:"timestamp"` // the second, in ms since the epoch
	Type      string `json:"type"`
	SubType   string `json:"subType,omitempty"`
	Count     int64  `json:"count"`
}

// The types the UI charts.
const (
	evConnection    = "rawConnection"    // a client (Engine.IO session) came
	evDisconnection = "rawDisconnection" // one left, subtype its reason
	evPacketsIn     = "packetsIn"
	evPacketsOut    = "packetsOut"
	evBytesIn       = "bytesIn"
	evBytesOut      = "bytesOut"
)

type aggKey struct {
	second        int64
	kind, subType string
}

// aggregator counts events per second between two server_stats messages.
// Safe from any goroutine.
type aggregator struct {
	mu     sync.Mutex
	counts map[aggKey]int64
}

func newAggregator() *aggregator { return &aggregator{counts: make(map[aggKey]int64)} }

// add counts n events of kind at now.
func (a *aggregator) add(now time.Time, kind, subType string, n int64) {
	k := aggKey{second: now.Unix() * 1000, kind: kind, subType: subType}
	a.mu.Lock()
	a.counts[k] += n
	a.mu.Unlock()
}

// drain returns the counts so far, oldest second first, and starts over.
func (a *aggregator) drain() []aggregatedEvent {
	a.mu.Lock()
	counts := a.counts
	a.counts = make(map[aggKey]int64, len(counts))
	a.mu.Unlock()
	out := make([]aggregatedEvent, 0, len(counts))
	for k, n := range counts {
		out = append(out, aggregatedEvent{Timestamp: k.second, Type: k.kind, SubType: k.subType, Count: n})
	}
	sortEvents(out)
	return out
}

func sortEvents(ev []aggregatedEvent) {
	slices.SortFunc(ev, func(a, b aggregatedEvent) int {
		return cmp.Or(cmp.Compare(a.Timestamp, b.Timestamp), cmp.Compare(a.Type, b.Type), cmp.Compare(a.SubType, b.SubType))
	})
}
