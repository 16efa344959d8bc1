package tornadio

import (
	"context"
	"errors"

	"github.com/tornadio/tornadio/adapter"
)

// Deliver: a broadcast that reports what it did on this node, so that a
// broadcaster sees backpressure (clients too slow for a volatile packet,
// clients cut off for not reading) and can act on it.

// errDeliverAck is returned by Deliver given an ack callback.
var errDeliverAck = errors.New("tornadio: Deliver takes no ack callback; use EmitWithAck or Emit")

// Delivery is what a broadcast did on this node (Deliver): how many of its
// sockets it selected and what became of the packet for each. A socket
// selected and counted in none of Sent, Dropped and Cut was disconnecting
// already, or is a Socket.IO 0.6 client that cannot take the event (0.6
// clients take only "message" events of one argument).
type Delivery struct {
	// Sockets is the number of this node's sockets the broadcast selected.
	Sockets int
	// Sent is the number of sockets the packet was written or queued for.
	Sent int
	// Dropped is the number of sockets a Volatile packet was not sent to
	// because their transport could not take it at once.
	Dropped int
	// Cut is the number of sockets this packet disconnected as slow
	// consumers (ReasonSlowConsumer): it would have passed what their
	// connection may hold for output (MaxBufferedBytes).
	Cut int
}

// Deliver sends an event to the selected sockets as Emit does (on every
// node of a cluster, unless Local), then waits until every event loop of
// this node has handed the packet to its own sockets, and reports what it
// did there (not on other nodes). It returns early when ctx ends (ctx.Err())
// or when the server stops (ErrServerClosed), with what is counted so far
// (on a parent namespace, the children whose loops are done); the packet
// is sent all the same. Before the server
// starts, it reaches no one and reports zeros. []byte arguments travel as
// binary attachments; a trailing ack callback is refused (use EmitWithAck).
//
// It may be called where EmitWithAck may: not on an event loop (it returns
// ErrOnEventLoop there). From a worker (WithWorkers), give ctx a deadline:
// a loop whose hand-off to that busy worker waits cannot write the packet
// meanwhile.
func (b *BroadcastOperator) Deliver(ctx context.Context, event string, args ...any) (Delivery, error) {
	if err := ctx.Err(); err != nil {
		return Delivery{}, err
	}
	if onEventLoop() {
		return Delivery{}, ErrOnEventLoop
	}
	done, raw, atts, err := encodeBroadcast(event, args)
	if err != nil {
		return Delivery{}, err
	}
	if done.IsValid() {
		return Delivery{}, errDeliverAck
	}
	var targets []*BroadcastOperator
	b.each(func(b *BroadcastOperator) { targets = append(targets, b) })
	reports := make(chan adapter.Delivery, len(targets)) // never blocks a loop
	for _, t := range targets {
		opts := t.options()
		opts.Delivered = func(d adapter.Delivery) { reports <- d }
		t.ns.adapter.Broadcast(&adapter.Packet{Nsp: t.ns.name, Event: event, Args: raw, Attachments: atts}, opts)
	}
	var stopped <-chan struct{} // nil before Start: loops that never ran report at once
	if eng := b.ns.srv.startedEngine(); eng != nil {
		stopped = eng.Done()
	}
	var sum adapter.Delivery
	for range targets {
		select {
		case d := <-reports:
			sum.Add(d)
		case <-ctx.Done():
			return Delivery(sum), ctx.Err()
		case <-stopped:
			return Delivery(sum), ErrServerClosed
		}
	}
	return Delivery(sum), nil
}

// Deliver sends an event to every socket of the namespace and reports what
// it did on this node (see BroadcastOperator.Deliver).
func (ns *Namespace) Deliver(ctx context.Context, event string, args ...any) (Delivery, error) {
	return ns.broadcast().Deliver(ctx, event, args...)
}

// Deliver sends an event to every socket of the main namespace and reports
// what it did on this node (see BroadcastOperator.Deliver).
func (s *Server) Deliver(ctx context.Context, event string, args ...any) (Delivery, error) {
	return s.main().Deliver(ctx, event, args...)
}
