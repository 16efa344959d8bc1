package tornadio

import (
	"context"
	"errors"
	"reflect"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/internal/ackcollect"
	"github.com/tornadio/tornadio/loop"
)

// EmitWithAck: an emit that asks for an acknowledgement and waits for it,
// as Node's emitWithAck does with a promise. The answer does not go
// through a user callback: it is handed over on the loop that reads it, to
// the goroutine that waits, so that neither an event loop nor a worker has
// to be free for it to arrive.

// ErrOnEventLoop is returned by EmitWithAck and Deliver when they are
// called on an event loop: from a handler (or any callback) running on the
// loop, which is where callbacks run without WithWorkers. Waiting there
// would stop the loop that has to read the answer or write the packet.
// Call them from a goroutine of your own, or set WithWorkers so that
// handlers run on workers.
var ErrOnEventLoop = errors.New("tornadio: EmitWithAck or Deliver on an event loop would block it; call it from a goroutine of your own or use WithWorkers")

// ErrLegacyAck is returned by EmitWithAck on a socket of the legacy (0.6)
// road, whose clients cannot acknowledge.
var ErrLegacyAck = errors.New("tornadio: a Socket.IO 0.6 client cannot acknowledge an emit")

// EmitWithAck sends an event to the client, asking for an acknowledgement,
// and waits for the answer: it returns the client's ack arguments. It ends
// early when ctx ends (ctx.Err()), when the socket disconnects
// (ErrDisconnected), and, on an emitter made by Socket.Timeout, when the
// timeout passes (ErrAckTimeout). The Args it returns are the caller's to
// keep. []byte arguments travel as binary attachments, an Args argument
// stands for the arguments it holds (see Args).
//
// Where to call it: from a goroutine of your own, or from a handler when
// WithWorkers is set (handlers then run on workers, and the answer needs
// none of them). Without WithWorkers, handlers run on an event loop, and a
// handler must not wait there: EmitWithAck returns ErrOnEventLoop at once;
// start a goroutine for it, or use an ack callback with Emit.
func (s *Socket) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	return (&Emitter{s: s}).EmitWithAck(ctx, event, args...)
}

// EmitWithAck is Socket.EmitWithAck with the emitter's flags: with a
// Timeout, it returns ErrAckTimeout when the client has not answered in
// time.
func (e *Emitter) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	if err := ctx.Err(); err != nil {
		return Args{}, err
	}
	if onEventLoop() {
		return Args{}, ErrOnEventLoop
	}
	type answer struct {
		args Args
		err  error
	}
	done := make(chan answer, 1) // sent to at most once, never blocks the loop
	pa := &pendingAck{direct: func(args Args, err error) { done <- answer{args, err} }}
	id, err := e.emit(event, args, pa)
	if err != nil {
		return Args{}, err
	}
	select {
	case a := <-done:
		return a.args, a.err
	case <-ctx.Done():
		s := e.s
		s.post(func() { s.forgetAck(id, pa) })
		return Args{}, ctx.Err()
	}
}

// forgetAck stops waiting for the answer to ack id, if pa still waits for
// it. On the loop.
func (s *Socket) forgetAck(id int64, pa *pendingAck) {
	if s.waitingAck(id) != pa {
		return
	}
	s.dropAck(id)
	if pa.timer != nil {
		pa.timer.Stop()
	}
}

// failDirectAcks ends the EmitWithAck calls waiting for answers from a
// socket that disconnects, with ErrDisconnected. (Ack callbacks keep
// waiting for their timeout, as in Node.) On the loop.
func (s *Socket) failDirectAcks() {
	s.mu.Lock()
	x := s.ext
	s.mu.Unlock()
	if x == nil {
		return
	}
	for id, pa := range x.acks {
		if pa.direct == nil {
			continue
		}
		delete(x.acks, id)
		if pa.timer != nil {
			pa.timer.Stop()
		}
		pa.direct(Args{}, ErrDisconnected)
	}
}

// EmitWithAck sends an event to the selected sockets, asking each client
// for an acknowledgement, and waits for the answers: it returns every
// client's ack arguments (each the caller's to keep), in the order they
// came. It returns when every client asked has answered (with a nil
// error; at once when no socket is selected), when the Timeout set on the
// operator passes (ErrAckTimeout, with the answers so far), or when ctx
// ends (ctx.Err(), without answers). Across a cluster it waits for the
// other nodes' clients too, as Emit with an ack callback does. On a
// parent namespace made by OfFunc it returns ErrParentAck.
//
// It may be called where Socket.EmitWithAck may: not on an event loop
// (it returns ErrOnEventLoop there).
func (b *BroadcastOperator) EmitWithAck(ctx context.Context, event string, args ...any) ([]Args, error) {
	if err := checkEvent(event); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if onEventLoop() {
		return nil, ErrOnEventLoop
	}
	if b.ns.isParent {
		return nil, ErrParentAck
	}
	raw, atts, err := encodeArgs(args)
	if err != nil {
		return nil, err
	}
	type answers struct {
		replies []Args
		err     error
	}
	done := make(chan answers, 1)
	fn := func(err error, replies []Args) { done <- answers{replies, err} }
	home := newCallbackHome(&b.ns.srv.core)
	timeout := b.flags.Timeout
	if home.loop < 0 {
		timeout = 0 // before the server starts, no loop's timer can fire
	}
	col := ackcollect.New(reflect.ValueOf(fn), ackcollect.Options{Home: directHome{home}, Timeout: timeout,
		TimeoutErr: ErrAckTimeout, Decode: decodeFirst})
	p := &adapter.Packet{Nsp: b.ns.name, Event: event, Args: raw, Attachments: atts}
	b.ns.adapter.BroadcastWithAck(p, b.options(), adapter.BroadcastAcks{Servers: col.Servers, Clients: col.Clients, Ack: col.Answer})
	col.Start()
	select {
	case a := <-done:
		return a.replies, a.err
	case <-ctx.Done():
		col.Cancel(ctx.Err())
		return nil, ctx.Err()
	}
}

// EmitWithAck sends an event to every socket of the namespace and waits
// for their acknowledgements (see BroadcastOperator.EmitWithAck).
func (ns *Namespace) EmitWithAck(ctx context.Context, event string, args ...any) ([]Args, error) {
	return ns.broadcast().EmitWithAck(ctx, event, args...)
}

// directHome is a collector's home whose callback runs on the home loop
// itself: EmitWithAck's callback only hands the answers to the waiting
// goroutine, which may be a worker.
type directHome struct{ *collectorHome }

func (h directHome) Run(fn func()) { fn() }

// onEventLoop reports whether the calling goroutine runs an event loop
// (of any server of the process): there, waiting for an answer a loop has
// to read could stop that loop. About a microsecond.
func onEventLoop() bool { return loop.OnLoop() }
