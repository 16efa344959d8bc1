package tornadio

import (
	"fmt"
	"reflect"

	"github.com/tornadio/tornadio/internal/callplan"
)

// callback is a user function whose parameters are decoded from the JSON
// arguments of an event or an acknowledgement.
//
// Accepted shapes: any func whose parameters are JSON-decodable types
// (string, numbers, bool, structs, maps, slices, any, json.RawMessage) or
// []byte for binary attachments, optionally followed by a final Ack.
// Missing arguments leave zero values; extra ones are ignored.
//
// A callback is the user's func plus a plan (internal/callplan) shared by
// every func of the same type, so that registering a handler on each
// connecting socket costs no allocation beyond the handler slice:
// func(Args, Ack), func(Args), func() and, for ack callbacks with a
// timeout, func(error, Args) need no plan at all.
type callback struct {
	fn   any
	plan *callplan.Plan // nil for the raw shapes
}

// plans holds the plan of every func type used as a callback.
var plans = callplan.NewCache(reflect.TypeOf(Ack(nil)))

func newCallback(fn any) (callback, error) {
	switch fn.(type) {
	case func(Args, Ack), func(Args), func(), func(error, Args):
		return callback{fn: fn}, nil
	}
	t := reflect.TypeOf(fn)
	if t == nil || t.Kind() != reflect.Func {
		return callback{}, fmt.Errorf("tornadio: handler is a %T, not a func", fn)
	}
	p, err := plans.For(t)
	if err != nil {
		return callback{}, err
	}
	return callback{fn: fn, plan: p}, nil
}

// valid reports whether the callback holds a function.
func (cb callback) valid() bool { return cb.fn != nil }

// wantsErr reports whether the function's first parameter is an error.
func (cb callback) wantsErr() bool {
	if _, ok := cb.fn.(func(error, Args)); ok {
		return true
	}
	return cb.plan != nil && cb.plan.WantsErr()
}

// call decodes args into the parameters and calls the function. ack may be
// nil when the sender asked for no acknowledgement: an Ack parameter then
// receives a no-op.
func (cb callback) call(args Args, ack Ack) error {
	if ack == nil {
		ack = noAck
	}
	switch f := cb.fn.(type) {
	case func(Args, Ack):
		f(args, ack)
		return nil
	case func(Args):
		f(args)
		return nil
	case func():
		f()
		return nil
	case func(error, Args):
		f(nil, args)
		return nil
	}
	return cb.plan.Call(cb.fn, args.raw, args.attachments, ack)
}

// callErr calls the function with err and zero arguments: an ack that
// timed out or whose socket went away.
func (cb callback) callErr(err error) {
	if f, ok := cb.fn.(func(error, Args)); ok {
		f(err, Args{})
		return
	}
	if cb.plan != nil {
		cb.plan.CallErr(cb.fn, err, Ack(noAck))
	}
}

func noAck(...any) {}
