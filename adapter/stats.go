package adapter

import "sync/atomic"

// indexStats counts what one loop's share of a namespace did: members
// attached and detached, broadcast deliveries and volatile drops. Only the
// loop writes it, with atomics, so that Local.Counts may read it from any
// goroutine; counting takes no lock and allocates nothing.
type indexStats struct {
	attached   atomic.Uint64
	detached   atomic.Uint64
	deliveries atomic.Uint64
	dropped    atomic.Uint64
}

// delivered counts n deliveries by a broadcast and returns n.
func (x *loopIndex) delivered(n int) int {
	x.stats.deliveries.Add(uint64(n))
	return n
}

// droppedVolatile counts a volatile message dropped for a member that
// could not take it now, and reports false (not delivered).
func (x *loopIndex) droppedVolatile() bool {
	x.stats.dropped.Add(1)
	return false
}

// undelivered is what deliverVia's answer ok means for the counts: a
// volatile message refused is dropped.
func (x *loopIndex) undelivered(m *Message, ok bool) bool {
	if !ok && m.Volatile {
		x.stats.dropped.Add(1)
	}
	return ok
}

// Counts is a snapshot of a Local's counters (see Local.Counts).
type Counts struct {
	// Attached and Detached count the members attached (sockets
	// connected) and detached; their difference is the members now.
	Attached, Detached uint64
	// Broadcasts counts the broadcasts made through the Local, from this
	// node or from the adapter (another node's).
	Broadcasts uint64
	// Deliveries counts the messages written to members by broadcasts,
	// one per member reached.
	Deliveries uint64
	// Dropped counts the volatile broadcast messages not written to a
	// member that could not take them at once.
	Dropped uint64
}

// localStats counts a Local's broadcasts.
type localStats struct{ broadcasts atomic.Uint64 }

// counted counts a broadcast made.
func (l *Local) counted() { l.stats.broadcasts.Add(1) }

// Counts sums the Local's counters over its loops. Safe from any
// goroutine.
func (l *Local) Counts() Counts {
	out := Counts{Broadcasts: l.stats.broadcasts.Load()}
	for _, x := range l.loops {
		out.Attached += x.stats.attached.Load()
		out.Detached += x.stats.detached.Load()
		out.Deliveries += x.stats.deliveries.Load()
		out.Dropped += x.stats.dropped.Load()
	}
	return out
}
