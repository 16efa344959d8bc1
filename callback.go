package tornadio

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/tornadio/tornadio/socketio"
)

// callback is a user function whose parameters are decoded from the JSON
// arguments of an event or an acknowledgement.
//
// Accepted shapes: any func whose parameters are JSON-decodable types
// (string, numbers, bool, structs, maps, slices, any, json.RawMessage) or
// []byte for binary attachments, optionally followed by a final Ack.
// Missing arguments leave zero values; extra ones are ignored.
//
// A callback is the user's func plus a plan shared by every func of the same
// type, so that registering a handler on each connecting socket costs no
// allocation beyond the handler slice: func(Args, Ack), func(Args) and func()
// need no plan at all.
type callback struct {
	fn   any
	plan *callPlan // nil for the raw shapes
}

// callPlan is how a func type's parameters are filled, built once per type.
type callPlan struct {
	params  []reflect.Type // without a leading error and a trailing Ack
	wantAck bool
	wantErr bool // the first parameter is an error (ack callbacks with a timeout)
}

var (
	ackType     = reflect.TypeOf(Ack(nil))
	bytesType   = reflect.TypeOf([]byte(nil))
	rawJSONType = reflect.TypeOf(json.RawMessage(nil))
	anyType     = reflect.TypeOf((*any)(nil)).Elem()

	plans sync.Map // reflect.Type → *callPlan
)

func newCallback(fn any) (callback, error) {
	switch fn.(type) {
	case func(Args, Ack), func(Args), func():
		return callback{fn: fn}, nil
	}
	t := reflect.TypeOf(fn)
	if t == nil || t.Kind() != reflect.Func {
		return callback{}, fmt.Errorf("tornadio: handler is a %T, not a func", fn)
	}
	if p, ok := plans.Load(t); ok {
		return callback{fn: fn, plan: p.(*callPlan)}, nil
	}
	p, err := planFor(t)
	if err != nil {
		return callback{}, err
	}
	plans.Store(t, p)
	return callback{fn: fn, plan: p}, nil
}

func planFor(t reflect.Type) (*callPlan, error) {
	if t.IsVariadic() {
		return nil, fmt.Errorf("tornadio: variadic handler %s is not supported; take Args instead", t)
	}
	p := &callPlan{}
	n := t.NumIn()
	for i := 0; i < n; i++ {
		pt := t.In(i)
		if i == 0 && pt == errorType {
			p.wantErr = true
			continue
		}
		if pt == ackType {
			if i != n-1 {
				return nil, fmt.Errorf("tornadio: handler %s: Ack must be the last parameter", t)
			}
			p.wantAck = true
			continue
		}
		p.params = append(p.params, pt)
	}
	return p, nil
}

// valid reports whether the callback holds a function.
func (cb callback) valid() bool { return cb.fn != nil }

// wantsErr reports whether the function's first parameter is an error.
func (cb callback) wantsErr() bool { return cb.plan != nil && cb.plan.wantErr }

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
	}
	p := cb.plan
	in := make([]reflect.Value, 0, len(p.params)+2)
	if p.wantErr {
		in = append(in, reflect.Zero(errorType))
	}
	for i, pt := range p.params {
		pv := reflect.New(pt)
		if i < args.Len() {
			if err := args.decodeInto(i, pv.Interface()); err != nil {
				return fmt.Errorf("tornadio: argument %d: %w", i, err)
			}
		}
		in = append(in, pv.Elem())
	}
	if p.wantAck {
		in = append(in, reflect.ValueOf(ack))
	}
	reflect.ValueOf(cb.fn).Call(in)
	return nil
}

// callErr calls the function with err and zero arguments: an ack that
// timed out or whose socket went away.
func (cb callback) callErr(err error) {
	p := cb.plan
	if p == nil || !p.wantErr {
		return
	}
	in := []reflect.Value{reflect.ValueOf(err)}
	for _, pt := range p.params {
		in = append(in, reflect.Zero(pt))
	}
	if p.wantAck {
		in = append(in, reflect.ValueOf(Ack(noAck)))
	}
	reflect.ValueOf(cb.fn).Call(in)
}

func noAck(...any) {}

// Args are the arguments of an event or an acknowledgement, kept as raw JSON
// and decoded on demand. Args are valid only during the callback that
// receives them; Decode copies.
type Args struct {
	raw         [][]byte
	attachments [][]byte
}

// Len is the number of arguments.
func (a Args) Len() int { return len(a.raw) }

// Raw returns argument i as raw JSON (a placeholder object for a binary one).
// The bytes are valid only during the callback.
func (a Args) Raw(i int) []byte { return a.raw[i] }

// Decode decodes argument i into v, like json.Unmarshal; binary attachments
// decode into *[]byte or into any as []byte.
func (a Args) Decode(i int, v any) error {
	if i >= len(a.raw) {
		return fmt.Errorf("tornadio: no argument %d", i)
	}
	return a.decodeInto(i, v)
}

// Values decodes every argument into Go values (any).
func (a Args) Values() ([]any, error) {
	out := make([]any, len(a.raw))
	for i := range a.raw {
		if err := a.decodeInto(i, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (a Args) decodeInto(i int, v any) error {
	raw := a.raw[i]
	if len(a.attachments) > 0 {
		if num, ok := socketio.IsPlaceholder(raw); ok {
			if num >= len(a.attachments) {
				return fmt.Errorf("tornadio: attachment %d of %d", num, len(a.attachments))
			}
			b := append([]byte(nil), a.attachments[num]...)
			switch p := v.(type) {
			case *[]byte:
				*p = b
				return nil
			case *any:
				*p = b
				return nil
			}
		}
		var tree any
		if err := json.Unmarshal(raw, &tree); err != nil {
			return err
		}
		tree, err := socketio.Reconstruct(tree, a.attachments)
		if err != nil {
			return err
		}
		if p, ok := v.(*any); ok {
			*p = tree
			return nil
		}
		// Re-encode: []byte becomes base64, which decodes back into []byte fields.
		b, err := json.Marshal(tree)
		if err != nil {
			return err
		}
		return json.Unmarshal(b, v)
	}
	if p, ok := v.(*json.RawMessage); ok {
		*p = append((*p)[:0], raw...)
		return nil
	}
	return json.Unmarshal(raw, v)
}

// encodeArgs encodes user values as raw JSON arguments, moving []byte values
// into binary attachments.
func encodeArgs(args []any) (raw [][]byte, attachments [][]byte, err error) {
	raw = make([][]byte, len(args))
	for i, v := range args {
		if socketio.HasBinary(v) {
			v, attachments = socketio.Deconstruct(v, attachments)
		}
		switch x := v.(type) {
		case json.RawMessage:
			raw[i] = x
			continue
		case string:
			raw[i] = socketio.AppendJSONString(nil, x)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, nil, fmt.Errorf("tornadio: encode argument %d: %w", i, err)
		}
		raw[i] = b
	}
	return raw, attachments, nil
}
