package tornadio

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/transports"
)

var (
	errorType          = reflect.TypeOf((*error)(nil)).Elem()
	errTimeoutCallback = errors.New("tornadio: with Timeout, the ack callback's first parameter must be error")
)

// checkBroadcastAck checks the form func(err error, replies []T).
func checkBroadcastAck(t reflect.Type) error {
	if t.NumIn() != 2 || t.In(0) != errorType || t.In(1).Kind() != reflect.Slice {
		return fmt.Errorf("tornadio: broadcast ack callback must be func(error, []T), not %s", t)
	}
	return nil
}

// ackCollector gathers the answers to one broadcast with acknowledgement.
// Loops report how many clients they asked (expect) and each answer; the
// callback runs once, when every loop reported and every client answered,
// or at the timeout.
//
// The collector lives on one event loop, its home: every report is posted
// there, its timeout is a timer of that loop's heap, and the callback runs
// there, or on a worker with WithWorkers, like every other user callback.
// Its state needs no lock.
type ackCollector struct {
	srv     *core
	home    int // the home loop; -1 before the server starts (no loop to post to)
	worker  int
	fn      reflect.Value
	elem    reflect.Type
	timeout time.Duration

	// On the home loop only.
	known    bool // expected is known
	expected int
	replies  reflect.Value
	done     bool
	timer    *transports.Timer
}

// collectorTurn spreads the collectors' home loops and workers.
var collectorTurn atomic.Uint32

func newAckCollector(srv *core, fn reflect.Value, timeout time.Duration) *ackCollector {
	t := fn.Type().In(1)
	turn := int(collectorTurn.Add(1) - 1)
	a := &ackCollector{srv: srv, home: -1, worker: turn, fn: fn, elem: t.Elem(), timeout: timeout,
		replies: reflect.MakeSlice(t, 0, 0)}
	if n := srv.opts.EventLoops; srv.loops != nil && n > 0 {
		for i := range n {
			if l := (turn + i) % n; srv.active(l) {
				a.home = l
				break
			}
		}
	}
	return a
}

// post runs fn on the home loop; before the server starts, at once.
func (a *ackCollector) post(fn func()) {
	if a.home < 0 {
		fn()
		return
	}
	a.srv.loops.Post(a.home, fn)
}

// expect is called once, with the number of clients asked. Any goroutine.
func (a *ackCollector) expect(n int) {
	a.post(func() {
		a.known = true
		a.expected = n
		a.maybeFinish()
	})
}

// answer records one client's answer: its first argument, decoded here,
// where args are valid. Any goroutine.
func (a *ackCollector) answer(args, atts [][]byte) {
	v := reflect.New(a.elem)
	if len(args) > 0 {
		// An answer that does not decode into T counts, as its zero value.
		_ = (Args{raw: args, attachments: atts}).decodeInto(0, v.Interface())
	}
	a.post(func() {
		if !a.done {
			a.replies = reflect.Append(a.replies, v.Elem())
			a.maybeFinish()
		}
	})
}

// start arms the timeout once the broadcast has been handed out. Any
// goroutine.
func (a *ackCollector) start() {
	if a.timeout <= 0 || a.home < 0 {
		return
	}
	a.post(func() {
		if !a.done {
			a.timer = a.srv.tp.AfterFunc(a.home, a.timeout, func() { a.finish(ErrAckTimeout) })
		}
	})
}

// maybeFinish finishes once every client asked has answered. Home loop.
func (a *ackCollector) maybeFinish() {
	if !a.done && a.known && a.replies.Len() >= a.expected {
		a.finish(nil)
	}
}

// finish runs the callback once. Home loop.
func (a *ackCollector) finish(err error) {
	if a.done {
		return
	}
	a.done = true
	if a.timer != nil {
		a.timer.Stop()
	}
	errv := reflect.Zero(errorType)
	if err != nil {
		errv = reflect.ValueOf(err)
	}
	replies := a.replies
	a.srv.runOnWorker(a.worker, func() { a.fn.Call([]reflect.Value{errv, replies}) })
}
