package tornadio

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"

	"github.com/tornadio/tornadio/adapter"
)

// Server-side events: events a namespace sends to the same namespace on the
// other nodes of a cluster (Node's serverSideEmit and io.on(event)).

// ServerSideEmit sends an event to this namespace on the other nodes of a
// cluster (nothing to do on a single node).
//
// When the last argument is a function, each other node is asked for an
// answer: the function, of the form func(err error, replies []T), is called
// once with every node's answer (its listener's first Ack argument decoded
// into a T), or with an error wrapping ErrAckTimeout and the answers so far
// when the adapter's request timeout passed first. It runs on an event loop
// or a worker, like every callback.
func (ns *Namespace) ServerSideEmit(event string, args ...any) error {
	done, raw, atts, err := encodeBroadcast(event, args)
	if err != nil {
		return err
	}
	p := &adapter.Packet{Nsp: ns.name, Event: event, Args: raw, Attachments: atts}
	if !done.IsValid() {
		return ns.adapter.ServerSideEmit(p, nil)
	}
	home := newCallbackHome(&ns.srv.core)
	return ns.adapter.ServerSideEmit(p, func(err error, replies []adapter.Reply) {
		var te *adapter.TimeoutError
		if errors.As(err, &te) {
			err = fmt.Errorf("%w: %w", ErrAckTimeout, te)
		}
		out := reflect.MakeSlice(done.Type().In(1), 0, len(replies))
		for _, r := range replies {
			v := reflect.New(out.Type().Elem())
			if len(r.Args) > 0 {
				_ = decodeFirst(r.Args, r.Attachments, v.Interface()) // a bad answer counts as the zero value
			}
			out = reflect.Append(out, v.Elem())
		}
		errv := reflect.Zero(reflect.TypeFor[error]())
		if err != nil {
			errv = reflect.ValueOf(err)
		}
		home.Post(func() { home.Run(func() { done.Call([]reflect.Value{errv, out}) }) })
	})
}

// OnServerSideEmit registers fn for event when another node of a cluster
// sends it with ServerSideEmit (Node's io.on(event, listener)). fn has the
// forms Socket.On accepts; when the sender asked for an answer, the first
// listener to call its Ack answers (a final Ack parameter receives a no-op
// otherwise). fn runs on an event loop or a worker, like every callback.
// Safe from any goroutine.
func (ns *Namespace) OnServerSideEmit(event string, fn any) error {
	cb, err := newCallback(fn)
	if err != nil {
		return err
	}
	ns.mu.Lock()
	if ns.serverSide == nil {
		ns.serverSide = make(map[string][]callback)
	}
	ns.serverSide[event] = append(ns.serverSide[event], cb)
	ns.mu.Unlock()
	return nil
}

// OnAnyServerSideEmit registers fn for every event another node of a
// cluster sends with ServerSideEmit, after the listeners of the event's
// name. ack is nil when the sender wants no answer; otherwise the first
// listener to call its Ack answers. fn runs where OnServerSideEmit's
// listeners run. Safe from any goroutine.
func (ns *Namespace) OnAnyServerSideEmit(fn func(event string, args Args, ack Ack)) {
	ns.mu.Lock()
	ns.serverSideAny = append(ns.serverSideAny, fn)
	ns.mu.Unlock()
}

// onServerSide runs the listeners of an event from another node
// (adapter.Config.ServerSide), in the order the adapter hands the events
// over: all on one loop (and one worker) of the namespace's. Any goroutine.
func (ns *Namespace) onServerSide(p *adapter.Packet, answer func(args, atts [][]byte)) {
	ns.mu.RLock()
	cbs, anys := ns.serverSide[p.Event], ns.serverSideAny
	ns.mu.RUnlock()
	if len(cbs) == 0 && len(anys) == 0 {
		return
	}
	var ack Ack
	if answer != nil {
		var answered atomic.Bool
		ack = func(args ...any) {
			raw, atts, err := encodeArgs(args)
			if err == nil && !answered.Swap(true) {
				answer(raw, atts)
			}
		}
	}
	args := Args{raw: p.Args, attachments: p.Attachments}
	home := ns.serverSideHome()
	home.Post(func() {
		home.Run(func() {
			for _, cb := range cbs {
				_ = cb.call(args, ack) // arguments that do not decode leave zero values
			}
			for _, fn := range anys {
				fn(p.Event, args, ack)
			}
		})
	})
}

// serverSideHome is where the namespace's server-side listeners run: the
// first loop active when an event comes, then always that one, so events
// keep their order; before any loop runs, the adapter's goroutine itself.
// Always the namespace's one worker.
func (ns *Namespace) serverSideHome() *collectorHome {
	if h := ns.sideHome.Load(); h != nil {
		return h
	}
	h := newCallbackHome(&ns.srv.core)
	h.worker = ns.sideWorker
	if h.loop < 0 || ns.sideHome.CompareAndSwap(nil, h) {
		return h
	}
	return ns.sideHome.Load()
}
