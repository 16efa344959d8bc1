package tornadio

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"
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
type ackCollector struct {
	fn      reflect.Value
	elem    reflect.Type
	timeout time.Duration

	mu       sync.Mutex
	known    bool // expected is known
	expected int
	replies  reflect.Value
	done     bool
	timer    *time.Timer
}

func newAckCollector(fn reflect.Value, timeout time.Duration) *ackCollector {
	t := fn.Type().In(1)
	return &ackCollector{fn: fn, elem: t.Elem(), timeout: timeout, replies: reflect.MakeSlice(t, 0, 0)}
}

// expect is called once, with the number of clients asked.
func (a *ackCollector) expect(n int) {
	a.mu.Lock()
	a.known = true
	a.expected = n
	a.mu.Unlock()
	a.maybeFinish()
}

// answer records one client's answer: its first argument.
func (a *ackCollector) answer(args, atts [][]byte) {
	v := reflect.New(a.elem)
	if len(args) > 0 {
		// An answer that does not decode into T counts, as its zero value.
		_ = (Args{raw: args, attachments: atts}).decodeInto(0, v.Interface())
	}
	a.mu.Lock()
	if !a.done {
		a.replies = reflect.Append(a.replies, v.Elem())
	}
	a.mu.Unlock()
	a.maybeFinish()
}

// start arms the timeout once the broadcast has been handed out.
func (a *ackCollector) start() {
	if a.timeout > 0 {
		a.mu.Lock()
		if !a.done {
			a.timer = time.AfterFunc(a.timeout, func() { a.finish(ErrAckTimeout) })
		}
		a.mu.Unlock()
	}
}

func (a *ackCollector) maybeFinish() {
	a.mu.Lock()
	ready := !a.done && a.known && a.replies.Len() >= a.expected
	a.mu.Unlock()
	if ready {
		a.finish(nil)
	}
}

func (a *ackCollector) finish(err error) {
	a.mu.Lock()
	if a.done {
		a.mu.Unlock()
		return
	}
	a.done = true
	if a.timer != nil {
		a.timer.Stop()
	}
	replies := a.replies
	a.mu.Unlock()
	errv := reflect.Zero(errorType)
	if err != nil {
		errv = reflect.ValueOf(err)
	}
	a.fn.Call([]reflect.Value{errv, replies})
}
