package admin

import (
	"slices"
	"testing"
	"time"
)

func TestSessionsExpire(t *testing.T) {
	s := newSessions(time.Hour)
	t0 := time.Unix(1_700_000_000, 0)
	id := s.create(t0)
	if !s.valid(id, t0.Add(59*time.Minute)) {
		t.Fatal("a session id is refused within its lifetime")
	}
	if s.valid(id, t0.Add(61*time.Minute)) {
		t.Fatal("an expired session id is taken")
	}
	if s.valid("", t0) || s.valid("nope", t0) {
		t.Fatal("an unknown session id is taken")
	}
	other := s.create(t0.Add(2 * time.Hour)) // drops the expired one
	if len(s.ids) != 1 || !s.valid(other, t0.Add(2*time.Hour)) {
		t.Fatalf("after expiry: %d ids kept", len(s.ids))
	}
}

func TestPendingLoginsForgetStaleOnes(t *testing.T) {
	var p pendingLogins
	t0 := time.Unix(1_700_000_000, 0)
	p.put("a", "sa", t0)
	p.put("b", "sb", t0.Add(2*pendingTTL)) // drops a, never taken
	if _, ok := p.take("a"); ok {
		t.Fatal("a stale login was kept")
	}
	if s, ok := p.take("b"); !ok || s != "sb" {
		t.Fatalf("take(b) = %q, %v", s, ok)
	}
	if _, ok := p.take("b"); ok {
		t.Fatal("a login was taken twice")
	}
}

func TestAggregatorCountsPerSecond(t *testing.T) {
	a := newAggregator()
	t0 := time.Unix(1_700_000_000, 0)
	a.add(t0.Add(1500*time.Millisecond), evBytesIn, "", 10)
	a.add(t0.Add(1200*time.Millisecond), evBytesIn, "", 5)
	a.add(t0, evDisconnection, "ping timeout", 1)
	a.add(t0, evConnection, "", 1)
	got := a.drain()
	want := []aggregatedEvent{
		{Timestamp: t0.UnixMilli(), Type: evConnection, Count: 1},
		{Timestamp: t0.UnixMilli(), Type: evDisconnection, SubType: "ping timeout", Count: 1},
		{Timestamp: t0.UnixMilli() + 1000, Type: evBytesIn, Count: 15},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("drain = %+v, want %+v", got, want)
	}
	if again := a.drain(); len(again) != 0 {
		t.Fatalf("a second drain gave %+v", again)
	}
}
