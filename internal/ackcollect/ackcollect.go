// Package ackcollect gathers the answers to one broadcast with
// acknowledgement and calls the user's func(error, []T) once: when every
// node of the cluster (one, without a cluster adapter) has reported how
// many clients it asked and every one of them answered, or when the
// timeout passes first.
//
// A collector lives on one event loop, its home: every report is posted
// there, its timeout is a timer of that loop, and the user's callback is
// handed to the home's Run (the loop itself, or a worker). So its state
// needs no lock. The package knows neither loops nor workers nor the
// Socket.IO codec: the server passes them in as a Home and a Decode
// function.
package ackcollect

import (
	"reflect"
	"time"
)

// Home is where a collector lives.
type Home interface {
	// Post runs fn on the home loop. Any goroutine.
	Post(fn func())
	// AfterFunc runs fn on the home loop once d has passed on the loop's
	// clock, unless the returned timer is stopped first. On the home loop.
	AfterFunc(d time.Duration, fn func()) Timer
	// Run runs the user's callback where user callbacks run: on the home
	// loop, or on a worker. On the home loop.
	Run(fn func())
}

// Timer is a timer armed by Home.AfterFunc.
type Timer interface {
	// Stop keeps the timer from firing; it reports whether it was pending.
	Stop() bool
}

// Options are what a collector needs besides its callback.
type Options struct {
	Home Home
	// Timeout, when > 0, finishes the collector with TimeoutErr once
	// Start has been called and it has passed.
	Timeout    time.Duration
	TimeoutErr error
	// Decode decodes an answer's first argument (args and its binary
	// attachments atts, as they came) into v, a pointer to a T.
	Decode func(args, atts [][]byte, v any) error
}

// Collector gathers the answers to one broadcast.
type Collector struct {
	opts Options
	fn   reflect.Value
	elem reflect.Type

	// On the home loop only.
	servers  int // nodes that will report a count; -1 until known
	reported int // nodes that reported
	expected int // clients asked, summed over the nodes that reported
	replies  reflect.Value
	done     bool
	timer    Timer
}

// New makes a collector for fn, a func(error, []T) (see Check).
func New(fn reflect.Value, opts Options) *Collector {
	t := fn.Type().In(1)
	return &Collector{opts: opts, fn: fn, elem: t.Elem(), replies: reflect.MakeSlice(t, 0, 0), servers: -1}
}

var errorType = reflect.TypeFor[error]()

// Check reports whether t has the form of a broadcast ack callback,
// func(err error, replies []T).
func Check(t reflect.Type) bool {
	return t.Kind() == reflect.Func && t.NumIn() == 2 && t.In(0) == errorType && t.In(1).Kind() == reflect.Slice
}

// Servers is called once, with the number of nodes that will call
// Clients (1 on a single node). Any goroutine.
func (a *Collector) Servers(n int) {
	a.opts.Home.Post(func() {
		a.servers = n
		a.maybeFinish()
	})
}

// Clients is called once per node, with the number of its clients asked.
// Any goroutine.
func (a *Collector) Clients(n int) {
	a.opts.Home.Post(func() {
		a.reported++
		a.expected += n
		a.maybeFinish()
	})
}

// Answer records one client's answer: its first argument, decoded here,
// where args are valid. Any goroutine.
func (a *Collector) Answer(args, atts [][]byte) {
	v := reflect.New(a.elem)
	if len(args) > 0 {
		// An answer that does not decode into T counts, as its zero value.
		_ = a.opts.Decode(args, atts, v.Interface())
	}
	a.opts.Home.Post(func() {
		if !a.done {
			a.replies = reflect.Append(a.replies, v.Elem())
			a.maybeFinish()
		}
	})
}

// Start arms the timeout once the broadcast has been handed out. Any
// goroutine.
func (a *Collector) Start() {
	if a.opts.Timeout <= 0 {
		return
	}
	a.opts.Home.Post(func() {
		if !a.done {
			a.timer = a.opts.Home.AfterFunc(a.opts.Timeout, func() { a.finish(a.opts.TimeoutErr) })
		}
	})
}

// Cancel finishes the collector with err now, unless it has finished:
// the callback gets err and the answers so far; later answers are dropped.
// Any goroutine.
func (a *Collector) Cancel(err error) {
	a.opts.Home.Post(func() { a.finish(err) })
}

// maybeFinish finishes once every node has reported and every client
// asked has answered. Home loop.
func (a *Collector) maybeFinish() {
	if !a.done && a.servers >= 0 && a.reported >= a.servers && a.replies.Len() >= a.expected {
		a.finish(nil)
	}
}

// finish runs the callback once. Home loop.
func (a *Collector) finish(err error) {
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
	a.opts.Home.Run(func() { a.fn.Call([]reflect.Value{errv, replies}) })
}
