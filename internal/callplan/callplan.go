// Package callplan calls user functions with parameters decoded from the
// JSON arguments of a Socket.IO event or acknowledgement.
//
// A func's parameters are JSON-decodable types (string, numbers, bool,
// structs, maps, slices, any, json.RawMessage) or []byte for binary
// attachments, optionally led by an error (ack callbacks with a timeout)
// and followed by a final acknowledgement function. How a func type's
// parameters are filled is worked out once per type, as a Plan, and shared
// by every func of that type.
//
// The package holds the reflective path only. The server's own types (Args,
// Ack) and the shapes that need no reflection (func(Args, Ack), func(Args),
// func()) stay with the server, which is told the acknowledgement type once,
// by NewCache.
package callplan

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/tornadio/tornadio/socketio"
)

var errorType = reflect.TypeFor[error]()

// Plan is how a func type's parameters are filled.
type Plan struct {
	params  []reflect.Type // without a leading error and a trailing ack
	wantAck bool
	wantErr bool // the first parameter is an error
}

// WantsErr reports whether the func's first parameter is an error.
func (p *Plan) WantsErr() bool { return p.wantErr }

// Cache builds plans and keeps one per func type. It is safe for
// concurrent use.
type Cache struct {
	ackType reflect.Type
	plans   sync.Map // reflect.Type → *Plan
}

// NewCache makes a cache whose plans recognise a last parameter of type
// ackType as the acknowledgement.
func NewCache(ackType reflect.Type) *Cache { return &Cache{ackType: ackType} }

// For returns the plan of t, a func type, building it the first time.
func (c *Cache) For(t reflect.Type) (*Plan, error) {
	if p, ok := c.plans.Load(t); ok {
		return p.(*Plan), nil
	}
	p, err := c.build(t)
	if err != nil {
		return nil, err
	}
	c.plans.Store(t, p)
	return p, nil
}

func (c *Cache) build(t reflect.Type) (*Plan, error) {
	if t.IsVariadic() {
		return nil, fmt.Errorf("tornadio: variadic handler %s is not supported; take Args instead", t)
	}
	p := &Plan{}
	n := t.NumIn()
	for i := 0; i < n; i++ {
		pt := t.In(i)
		if i == 0 && pt == errorType {
			p.wantErr = true
			continue
		}
		if pt == c.ackType {
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

// Call decodes the JSON arguments raw (with their binary attachments atts)
// into fn's parameters and calls fn; a leading error parameter gets nil and
// an ack parameter gets ack (a value of the cache's ack type). Missing
// arguments leave zero values; extra ones are ignored. When an argument
// does not decode, it returns an *ArgError without calling fn.
func (p *Plan) Call(fn any, raw, atts [][]byte, ack any) error {
	in := make([]reflect.Value, 0, len(p.params)+2)
	if p.wantErr {
		in = append(in, reflect.Zero(errorType))
	}
	for i, pt := range p.params {
		pv := reflect.New(pt)
		if i < len(raw) {
			if err := Decode(raw, atts, i, pv.Interface()); err != nil {
				return &ArgError{Index: i, Err: err}
			}
		}
		in = append(in, pv.Elem())
	}
	if p.wantAck {
		in = append(in, reflect.ValueOf(ack))
	}
	reflect.ValueOf(fn).Call(in)
	return nil
}

// ArgError is an argument that does not decode into its parameter.
type ArgError struct {
	Index int   // the argument's position, from 0
	Err   error // the decoding error
}

func (e *ArgError) Error() string { return fmt.Sprintf("argument %d: %v", e.Index, e.Err) }

func (e *ArgError) Unwrap() error { return e.Err }

// CallErr calls fn with err and zero arguments (an ack that timed out or
// whose socket went away) when its first parameter is an error; else it
// does nothing.
func (p *Plan) CallErr(fn any, err error, ack any) {
	if !p.wantErr {
		return
	}
	in := []reflect.Value{reflect.ValueOf(err)}
	for _, pt := range p.params {
		in = append(in, reflect.Zero(pt))
	}
	if p.wantAck {
		in = append(in, reflect.ValueOf(ack))
	}
	reflect.ValueOf(fn).Call(in)
}

// Decode decodes argument i of raw into v, like json.Unmarshal. With binary
// attachments atts, a placeholder argument decodes into *[]byte or *any as
// a copy of its attachment, and placeholders nested in an argument are
// replaced by their attachments first ([]byte in an any, a map[string]any
// or an []any; base64 on the way into a []byte field of a struct).
func Decode(raw, atts [][]byte, i int, v any) error {
	arg := raw[i]
	if len(atts) > 0 {
		if num, ok := socketio.IsPlaceholder(arg); ok {
			if num >= len(atts) {
				return fmt.Errorf("tornadio: attachment %d of %d", num, len(atts))
			}
			b := append([]byte(nil), atts[num]...)
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
		if err := json.Unmarshal(arg, &tree); err != nil {
			return err
		}
		tree, err := socketio.Reconstruct(tree, atts)
		if err != nil {
			return err
		}
		if p, ok := v.(*any); ok {
			*p = tree
			return nil
		}
		// A tree that fits v as it is (a map[string]any, an []any) keeps
		// its []byte values.
		if rv, tv := reflect.ValueOf(v), reflect.ValueOf(tree); rv.Kind() == reflect.Pointer && !rv.IsNil() &&
			tv.IsValid() && tv.Type().AssignableTo(rv.Elem().Type()) {
			rv.Elem().Set(tv)
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
		*p = append((*p)[:0], arg...)
		return nil
	}
	return json.Unmarshal(arg, v)
}
