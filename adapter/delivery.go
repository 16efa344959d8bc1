package adapter

import (
	"sync"

	"github.com/tornadio/tornadio/transports"
)

// Delivery counts what one broadcast did to this node's members, summed
// over the event loops (Options.Delivered). A member the broadcast selected
// is counted in Sockets, and in at most one of Sent, Dropped and Cut: the
// rest were closing already, or are 0.6 sessions that cannot take the
// packet.
type Delivery struct {
	Sockets int // members the broadcast selected
	Sent    int // members it was written or queued for
	Dropped int // members it was not sent to: volatile, and they could not take it now
	Cut     int // members whose session it closed as slow consumers
}

// Add adds o's counts to d.
func (d *Delivery) Add(o Delivery) {
	d.Sockets += o.Sockets
	d.Sent += o.Sent
	d.Dropped += o.Dropped
	d.Cut += o.Cut
}

// count counts a selected member by what the send to it did.
func (d *Delivery) count(r transports.SendResult) {
	d.Sockets++
	switch r {
	case transports.SendQueued:
		d.Sent++
	case transports.SendCut:
		d.Cut++
	}
}

// drop counts a selected member a volatile packet was dropped for.
func (d *Delivery) drop() {
	d.Sockets++
	d.Dropped++
}

// skip counts a selected member the packet could not be sent to at all.
func (d *Delivery) skip() { d.Sockets++ }

// refused counts a selected member whose target did not take the packet
// (Target.Ready): dropped, for an open Engine.IO session (the packet was
// volatile); skipped for a closed one or a 0.6 session (nil).
func (d *Delivery) refused(s *transports.Session) {
	if s != nil && !s.Closed() {
		d.drop()
		return
	}
	d.skip()
}

// deliveryTally sums one broadcast's counts over the loops and hands the
// sum to Options.Delivered once every loop has reported.
type deliveryTally struct {
	mu        sync.Mutex
	sum       Delivery
	remaining int
	done      func(Delivery)
}

// newDeliveryTally returns the tally of a broadcast over loops loops, or
// nil when done is nil (nobody asked).
func newDeliveryTally(done func(Delivery), loops int) *deliveryTally {
	if done == nil {
		return nil
	}
	return &deliveryTally{remaining: loops, done: done}
}

// add counts one loop's report; the last one calls done. Nothing when t
// is nil. Any goroutine.
func (t *deliveryTally) add(d *Delivery) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.sum.Add(*d)
	t.remaining--
	last := t.remaining == 0
	sum := t.sum
	t.mu.Unlock()
	if last {
		t.done(sum)
	}
}

// skip reports n loops that the broadcast did not reach (they serve no
// connection) as having delivered to no one.
func (t *deliveryTally) skip(n int) {
	if t == nil {
		return
	}
	for range n {
		t.add(&Delivery{})
	}
}
