package admin

import (
	"slices"
	"testing"
	"time"

	"github.com/tornadio/tornadio/admin/admintest"
)

func TestTrafficCountsWhatMovedSinceTheLastStats(t *testing.T) {
	a := newAggregator()
	t0 := time.Unix(1_700_000_000, 0)
	before := traffic{eventsIn: 10, eventsOut: 20, bytesIn: 300, bytesOut: 400}
	now := traffic{eventsIn: 13, eventsOut: 20, bytesIn: 345, bytesOut: 410}
	if next := now.countSince(before, a, t0); next != now {
		t.Fatalf("countSince returned %+v, want %+v", next, now)
	}
	want := []aggregatedEvent{
		{Timestamp: t0.UnixMilli(), Type: evBytesIn, Count: 45},
		{Timestamp: t0.UnixMilli(), Type: evBytesOut, Count: 10},
		{Timestamp: t0.UnixMilli(), Type: evPacketsIn, Count: 3},
	}
	if got := a.drain(); !slices.Equal(got, want) {
		t.Fatalf("counted %+v, want %+v (nothing for what did not move)", got, want)
	}
}

// In production mode no socket has an event listener; the packets and
// bytes still reach the dashboard, from the server's counters.
func TestProductionModeCountsTraffic(t *testing.T) {
	_, _, url := instrumented(t, WithNoAuth(), WithMode(Production))
	d := startDriver(t)
	d.Connect("ui", url+"/admin", nil)
	d.Message(0, "ui", "config", nil)

	from := d.Mark()
	d.Connect("c1", url+"/", map[string]any{"transports": []string{"websocket"}})
	d.Event(from, "c1", "connect")
	const hellos = 3
	for i := range hellos {
		d.Emit("c1", "hello", i)
		d.Message(d.Mark(), "c1", "hi", nil)
	}

	// Every server_stats since the client came, until the counts of its
	// hellos and answers are in (each counted in one of them).
	sum := map[string]int64{}
	deadline := time.Now().Add(admintest.Within)
	for at := from; sum[evPacketsIn] < hellos || sum[evPacketsOut] < hellos; {
		if time.Now().After(deadline) {
			t.Fatalf("after %v of server_stats: %v, want %d packets in and out", admintest.Within, sum, hellos)
		}
		var o obs
		o, at = d.Message(at, "ui", "server_stats", nil)
		var s serverStats
		if err := o.Arg(0, &s); err != nil {
			t.Fatal(err)
		}
		for _, e := range s.AggregatedEvents {
			sum[e.Type] += e.Count
		}
	}
	if sum[evPacketsIn] != hellos {
		t.Errorf("packetsIn %d, want %d: the client sent nothing else", sum[evPacketsIn], hellos)
	}
	if min := int64(hellos * len(`["hello",0]`)); sum[evBytesIn] < min {
		t.Errorf("bytesIn %d, want at least %d", sum[evBytesIn], min)
	}
	if min := int64(hellos * len(`["hi",1]`)); sum[evBytesOut] < min {
		t.Errorf("bytesOut %d, want at least %d", sum[evBytesOut], min)
	}
	for _, o := range d.Since(0) {
		if n := o.Str("name"); n == "event_received" || n == "event_sent" {
			t.Fatalf("production mode sent %v", o)
		}
	}
}
