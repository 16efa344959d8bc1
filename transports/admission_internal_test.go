package transports

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// TestAdmissionStateBounded: a flood of handshakes from ever new
// addresses, each session closing at once, inside one refill period (no
// bucket has refilled, so none is idle by that measure): the table of
// addresses stays within a constant, while addresses with open sessions
// are never forgotten (their count holds).
func TestAdmissionStateBounded(t *testing.T) {
	var a admission
	a.init(HandshakeLimit{PerIPRate: 0.001, PerIPBurst: 5, MaxPerIP: 2})
	now := int64(time.Second)
	keep := "198.51.100.7:1"
	for range 2 {
		if _, ok := a.admit(keep, now); !ok {
			t.Fatal("refused a fresh address")
		}
	}
	bound := 2*maxIdleAddrs + 1
	for i := range 400_000 {
		remote := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 1).String()
		if i >= 1<<24 {
			t.Fatal("out of addresses")
		}
		if _, ok := a.admit(remote, now); !ok {
			t.Fatalf("refused fresh address %s", remote)
		}
		a.release(remote)
		if n := len(a.addrs); n > bound {
			t.Fatalf("after %d addresses: %d tracked, bound %d", i+1, n, bound)
		}
	}
	if r, ok := a.admit(keep, now); ok || r != RefusedConcurrency {
		t.Fatalf("an address with MaxPerIP sessions open was forgotten: %v %v", r, ok)
	}
}

// TestAdmissionStateIdleForgotten: once their buckets have refilled,
// addresses without open sessions are dropped at the next look through
// the table; without a per-address rate an address leaves with its last
// session.
func TestAdmissionStateIdleForgotten(t *testing.T) {
	var a admission
	a.init(HandshakeLimit{PerIPRate: 10, PerIPBurst: 1})
	now := int64(time.Second)
	for i := range minSweep {
		a.admit(fmt.Sprintf("10.0.%d.%d:1", i>>8, i&255), now)
		a.release(fmt.Sprintf("10.0.%d.%d:1", i>>8, i&255))
	}
	if n := a.trackedAddrs(); n != minSweep {
		t.Fatalf("%d tracked, want %d", n, minSweep)
	}
	now += int64(time.Second) // every bucket has refilled
	a.admit("192.0.2.1:1", now)
	if n := a.trackedAddrs(); n != 1 {
		t.Fatalf("after refilling: %d tracked, want 1", n)
	}

	var b admission
	b.init(HandshakeLimit{MaxPerIP: 3})
	b.admit("192.0.2.1:1", now)
	b.admit("192.0.2.1:2", now)
	b.release("192.0.2.1:1")
	if n := b.trackedAddrs(); n != 1 {
		t.Fatalf("one session open: %d tracked", n)
	}
	b.release("192.0.2.1:2")
	if n := b.trackedAddrs(); n != 0 {
		t.Fatalf("no session open: %d tracked", n)
	}
	b.release("192.0.2.1:3") // more releases than admits: no harm
	if _, ok := b.admit("not an address", now); !ok {
		t.Fatal("a remote without an IP was refused")
	}
}

// TestBucketClock: a bucket refills at its rate up to its burst, and a
// reading of the clock earlier than its last (another loop's) neither
// takes tokens back nor moves it backwards.
func TestBucketClock(t *testing.T) {
	var b bucket
	b.refill(int64(time.Second), 2, 3)
	if b.tokens != 3 {
		t.Fatalf("a new bucket holds %v, want 3", b.tokens)
	}
	b.tokens = 0
	b.refill(int64(time.Second+250*time.Millisecond), 2, 3)
	if b.tokens != 0.5 {
		t.Fatalf("after 250 ms at 2/s: %v tokens, want 0.5", b.tokens)
	}
	b.refill(int64(time.Second), 2, 3)
	if b.tokens != 0.5 || b.last != int64(time.Second+250*time.Millisecond) {
		t.Fatalf("an earlier reading moved the bucket: %v tokens, last %d", b.tokens, b.last)
	}
	b.refill(int64(time.Hour), 2, 3)
	if b.tokens != 3 {
		t.Fatalf("after an hour: %v tokens, want 3", b.tokens)
	}
}
