package emitter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// stringify marshals v with encoding/json and rewrites the result into the
// text JSON.stringify gives for the value JSON.parse makes of it, so that
// JSON requests are the bytes Node's emitter publishes: strings escaped as
// JavaScript escapes them (no HTML escapes, U+2028 and U+2029 raw), numbers
// printed as JavaScript prints a double (-0 as 0, out-of-range ones as null),
// and object keys in JavaScript's order: array-index keys ("0", "17") first
// in numeric order, the others as written, a repeated key in its first place
// with its last value.
func stringify(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("emitter: encoding request: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	out, err := jsValue(dec, make([]byte, 0, len(raw)))
	if err != nil {
		return nil, fmt.Errorf("emitter: encoding request: %w", err)
	}
	return out, nil
}

// jsValue appends the JavaScript form of the next JSON value of dec.
func jsValue(dec *json.Decoder, out []byte) ([]byte, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch x := tok.(type) {
	case json.Delim:
		if x == '[' {
			return jsArray(dec, out)
		}
		return jsObject(dec, out)
	case string:
		return appendJSString(out, x), nil
	case json.Number:
		return appendJSNumber(out, x)
	case bool:
		return strconv.AppendBool(out, x), nil
	case nil:
		return append(out, "null"...), nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

func jsArray(dec *json.Decoder, out []byte) ([]byte, error) {
	out = append(out, '[')
	for i := 0; dec.More(); i++ {
		if i > 0 {
			out = append(out, ',')
		}
		var err error
		if out, err = jsValue(dec, out); err != nil {
			return nil, err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return nil, err
	}
	return append(out, ']'), nil
}

// jsMember is one object member: its key and its value's JavaScript text.
type jsMember struct {
	key   string
	value []byte
}

func jsObject(dec *json.Decoder, out []byte) ([]byte, error) {
	var members []jsMember
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		value, err := jsValue(dec, nil)
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(members, func(m jsMember) bool { return m.key == key }); i >= 0 {
			members[i].value = value
			continue
		}
		members = append(members, jsMember{key, value})
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, err
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
		out = appendJSString(out, m.key)
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

// arrayIndex reports whether k is a JavaScript array index: the canonical
// decimal form of an integer below 2^32-1.
func arrayIndex(k string) (uint64, bool) {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(k, 10, 64)
	if err != nil || n >= math.MaxUint32 {
		return 0, false
	}
	return n, true
}

// appendJSNumber appends the number as JavaScript prints the double
// JSON.parse reads from it. encoding/json formats a float64 the way ES6's
// Number.prototype.toString does; -0 prints as 0 and a number beyond the
// double range (JSON.parse's Infinity) as null.
func appendJSNumber(out []byte, n json.Number) ([]byte, error) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, err
	}
	if math.IsInf(f, 0) {
		return append(out, "null"...), nil
	}
	if f == 0 {
		return append(out, '0'), nil
	}
	text, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return append(out, text...), nil
}

// appendJSString appends s quoted as JSON.stringify quotes it: \" \\ \b \f
// \n \r \t, other control characters as \u00xx, everything else as is.
// encoding/json has already turned invalid UTF-8 into U+FFFD.
func appendJSString(out []byte, s string) []byte {
	const hex = "0123456789abcdef"
	out = append(out, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			if c < utf8.RuneSelf {
				out = append(out, c)
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			out = utf8.AppendRune(out, r)
			i += size
			continue
		}
		switch c {
		case '"', '\\':
			out = append(out, '\\', c)
		case '\b':
			out = append(out, '\\', 'b')
		case '\f':
			out = append(out, '\\', 'f')
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
			out = append(out, '\\', 'r')
		case '\t':
			out = append(out, '\\', 't')
		default:
			out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
	}
	return append(out, '"')
}
