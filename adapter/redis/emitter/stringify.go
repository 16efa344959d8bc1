package emitter

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// stringify marshals v with encoding/json and rewrites the result into the
// text JSON.stringify gives for the value JSON.parse makes of it, so that
// JSON requests are the bytes Node's emitter publishes: strings escaped as
// JavaScript escapes them (no HTML escapes, U+2028 and U+2029 raw, lone
// surrogates as \udxxx), numbers printed as JavaScript prints a double (-0 as
// 0, out-of-range ones as null), and object keys in JavaScript's order:
// array-index keys ("0", "17") first in numeric order, the others as
// written, a repeated key in its first place with its last value.
func stringify(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("emitter: encoding request: %w", err)
	}
	p := jsRewriter{in: raw}
	out, err := p.value(make([]byte, 0, len(raw)))
	if err == nil && p.pos != len(raw) {
		err = errors.New("data after the value")
	}
	if err != nil {
		return nil, fmt.Errorf("emitter: encoding request: %w", err)
	}
	return out, nil
}

// jsRewriter reads the compact, valid JSON encoding/json writes and appends
// its JavaScript form.
type jsRewriter struct {
	in   []byte
	pos  int
	text []byte // a string's decoded text, reused from one string to the next
}

var errTruncated = errors.New("truncated JSON")

func (p *jsRewriter) value(out []byte) ([]byte, error) {
	if p.pos >= len(p.in) {
		return nil, errTruncated
	}
	switch c := p.in[p.pos]; {
	case c == '{':
		return p.object(out)
	case c == '[':
		return p.array(out)
	case c == '"':
		return p.string(out)
	case c == 't':
		return p.literal(out, "true")
	case c == 'f':
		return p.literal(out, "false")
	case c == 'n':
		return p.literal(out, "null")
	default:
		return p.number(out)
	}
}

func (p *jsRewriter) literal(out []byte, word string) ([]byte, error) {
	if len(p.in)-p.pos < len(word) || string(p.in[p.pos:p.pos+len(word)]) != word {
		return nil, fmt.Errorf("bad literal at %d", p.pos)
	}
	p.pos += len(word)
	return append(out, word...), nil
}

// expect consumes c or fails.
func (p *jsRewriter) expect(c byte) error {
	if p.pos >= len(p.in) || p.in[p.pos] != c {
		return fmt.Errorf("want %q at %d", c, p.pos)
	}
	p.pos++
	return nil
}

// next consumes c if it is the next byte.
func (p *jsRewriter) next(c byte) bool {
	if p.pos < len(p.in) && p.in[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *jsRewriter) array(out []byte) ([]byte, error) {
	p.pos++ // '['
	out = append(out, '[')
	for i := 0; !p.next(']'); i++ {
		if i > 0 {
			if err := p.expect(','); err != nil {
				return nil, err
			}
			out = append(out, ',')
		}
		var err error
		if out, err = p.value(out); err != nil {
			return nil, err
		}
	}
	return append(out, ']'), nil
}

// jsMember is one object member: its key and value as JavaScript text.
type jsMember struct {
	key, value []byte
}

func (p *jsRewriter) object(out []byte) ([]byte, error) {
	p.pos++ // '{'
	var members []jsMember
	for i := 0; !p.next('}'); i++ {
		if i > 0 {
			if err := p.expect(','); err != nil {
				return nil, err
			}
		}
		if p.pos >= len(p.in) || p.in[p.pos] != '"' {
			return nil, fmt.Errorf("object key expected at %d", p.pos)
		}
		key, err := p.string(nil)
		if err != nil {
			return nil, err
		}
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		value, err := p.value(nil)
		if err != nil {
			return nil, err
		}
		if j := slices.IndexFunc(members, func(m jsMember) bool { return string(m.key) == string(key) }); j >= 0 {
			members[j].value = value
			continue
		}
		members = append(members, jsMember{key, value})
	}
	// Array-index keys first, in numeric order; the rest keep their order.
	slices.SortStableFunc(members, func(a, b jsMember) int {
		ai, aok := arrayIndex(a.key)
		bi, bok := arrayIndex(b.key)
		switch {
		case aok && bok:
			return cmpUint(ai, bi)
		case aok:
			return -1
		case bok:
			return 1
		}
		return 0
	})
	out = append(out, '{')
	for i, m := range members {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, m.key...)
		out = append(out, ':')
		out = append(out, m.value...)
	}
	return append(out, '}'), nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// arrayIndex reports whether the quoted key (as JavaScript writes it, so a
// digit is never escaped) is a JavaScript array index: the canonical decimal
// form of an integer below 2^32-1.
func arrayIndex(quoted []byte) (uint64, bool) {
	k := quoted[1 : len(quoted)-1]
	if len(k) == 0 || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(string(k), 10, 64)
	if err != nil || n >= math.MaxUint32 {
		return 0, false
	}
	return n, true
}

// number appends the number as JavaScript prints the double JSON.parse
// reads from it. encoding/json formats a float64 the way ES6's
// Number.prototype.toString does; -0 prints as 0 and a number beyond the
// double range (JSON.parse's Infinity) as null.
func (p *jsRewriter) number(out []byte) ([]byte, error) {
	start := p.pos
	for p.pos < len(p.in) && isNumberByte(p.in[p.pos]) {
		p.pos++
	}
	f, err := strconv.ParseFloat(string(p.in[start:p.pos]), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, fmt.Errorf("bad number at %d: %w", start, err)
	}
	switch {
	case math.IsInf(f, 0):
		return append(out, "null"...), nil
	case f == 0:
		return append(out, '0'), nil
	}
	text, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return append(out, text...), nil
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}
