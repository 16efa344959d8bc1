package tornadio

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/internal/ackcollect"
)

var errTimeoutCallback = errors.New("tornadio: with Timeout, the ack callback's first parameter must be error")

// checkBroadcastAck checks the form func(err error, replies []T).
func checkBroadcastAck(t reflect.Type) error {
	if !ackcollect.Check(t) {
		return fmt.Errorf("tornadio: broadcast ack callback must be func(error, []T), not %s", t)
	}
	return nil
}

// encodeBroadcast checks event and encodes the arguments of an emit to
// many (a broadcast or a server-side emit): args, whose last element may be
// the ack callback func(err error, replies []T), returned as done (the
// zero Value when there is none).
func encodeBroadcast(event string, args []any) (done reflect.Value, raw, atts [][]byte, err error) {
	if err := checkEvent(event); err != nil {
		return done, nil, nil, err
	}
	if n := len(args); n > 0 && args[n-1] != nil && reflect.TypeOf(args[n-1]).Kind() == reflect.Func {
		done = reflect.ValueOf(args[n-1])
		if err := checkBroadcastAck(done.Type()); err != nil {
			return done, nil, nil, err
		}
		args = args[:n-1]
	}
	raw, atts, err = encodeArgs(args)
	return done, raw, atts, err
}

// collectorTurn spreads the collectors' home loops and workers.
var collectorTurn atomic.Uint32

// newAckCollector makes the collector (internal/ackcollect) of a broadcast
// with acknowledgement whose callback is fn: its home is the next active
// loop in turn, its callback runs there or on the next worker in turn.
func newAckCollector(srv *core, fn reflect.Value, timeout time.Duration) *ackcollect.Collector {
	h := newCallbackHome(srv)
	if h.loop < 0 {
		timeout = 0 // before the server starts, no loop's timer can fire
	}
	return ackcollect.New(fn, ackcollect.Options{Home: h, Timeout: timeout, TimeoutErr: ErrAckTimeout,
		Decode: decodeFirst})
}

// newCallbackHome picks the home of a callback that belongs to no socket
// (a broadcast's ack collector, a server-side listener): the next active
// loop in turn, and the next worker in turn.
func newCallbackHome(srv *core) *collectorHome {
	turn := int(collectorTurn.Add(1) - 1)
	h := &collectorHome{srv: srv, loop: -1, worker: turn}
	if n := srv.opts.EventLoops; srv.loops != nil && n > 0 {
		for i := range n {
			if l := (turn + i) % n; srv.active(l) {
				h.loop = l
				break
			}
		}
	}
	return h
}

// decodeFirst decodes the first of an answer's arguments into v; an *Args
// gets a copy of every argument.
func decodeFirst(args, atts [][]byte, v any) error {
	a := Args{raw: args, attachments: atts}
	if p, ok := v.(*Args); ok {
		*p = a.Clone()
		return nil
	}
	return a.decodeInto(0, v)
}

// collectorHome is a collector's home loop and worker.
type collectorHome struct {
	srv    *core
	loop   int // -1 before the server starts (no loop to post to)
	worker int
}

// Post runs fn on the home loop; before the server starts, at once.
func (h *collectorHome) Post(fn func()) {
	if h.loop < 0 {
		fn()
		return
	}
	h.srv.loops.Post(h.loop, fn)
}

// AfterFunc arms the collector's timeout, counted when it fires.
func (h *collectorHome) AfterFunc(d time.Duration, fn func()) ackcollect.Timer {
	return h.srv.tp.AfterFunc(h.loop, d, func() {
		h.srv.count(h.loop).ackTimeouts.Add(1)
		fn()
	})
}

func (h *collectorHome) Run(fn func()) { h.srv.runOnWorker(h.worker, fn) }
