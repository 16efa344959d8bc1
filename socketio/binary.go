package socketio

import (
	"maps"
	"math"
	"slices"
)

// IsPlaceholder reports whether raw is exactly a placeholder object
// {"_placeholder":true,"num":N}: both keys once each and nothing else, in
// any order, white space allowed, N a non-negative integer without sign,
// fraction or exponent. It returns N.
func IsPlaceholder(raw []byte) (num int, ok bool) {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return 0, false
	}
	i++
	var seenPH, seenNum bool
	for {
		i = skipWS(raw, i)
		if i >= len(raw) || raw[i] != '"' {
			return 0, false
		}
		end, ok := skipString(raw, i)
		if !ok {
			return 0, false
		}
		key := raw[i+1 : end-1]
		if hasBackslash(key) {
			if len(key) > 6*len("_placeholder") {
				return 0, false
			}
			var buf [6 * len("_placeholder")]byte
			key = appendUnquoted(buf[:0], key)
		}
		i = skipWS(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return 0, false
		}
		i = skipWS(raw, i+1)
		switch string(key) {
		case "_placeholder":
			if seenPH {
				return 0, false
			}
			seenPH = true
			if i, ok = skipLiteral(raw, i, "true"); !ok {
				return 0, false
			}
		case "num":
			if seenNum || i >= len(raw) || !isDigit(raw[i]) {
				return 0, false
			}
			seenNum = true
			if raw[i] == '0' && i+1 < len(raw) && isDigit(raw[i+1]) {
				return 0, false // leading zero
			}
			for i < len(raw) && isDigit(raw[i]) {
				num = num*10 + int(raw[i]-'0')
				if num > math.MaxInt32 {
					return 0, false
				}
				i++
			}
		default:
			return 0, false
		}
		i = skipWS(raw, i)
		if i >= len(raw) {
			return 0, false
		}
		if raw[i] == ',' {
			i++
			continue
		}
		if raw[i] != '}' {
			return 0, false
		}
		i++
		break
	}
	if !seenPH || !seenNum || skipWS(raw, i) != len(raw) {
		return 0, false
	}
	return num, true
}

// HasBinary reports whether v contains a []byte, looking through []any and
// map[string]any.
func HasBinary(v any) bool {
	switch x := v.(type) {
	case []byte:
		return true
	case []any:
		for _, e := range x {
			if HasBinary(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if HasBinary(e) {
				return true
			}
		}
	}
	return false
}

// Deconstruct walks v (made of []byte, []any, map[string]any and other
// values, which are left as they are) and returns a copy in which each
// []byte is replaced by map[string]any{"_placeholder": true, "num": k},
// together with attachments extended by the buffers in order; k is the
// buffer's index in the returned slice. Map keys are visited in sorted order
// so the numbering is deterministic. Only the containers on the way to a
// []byte are copied; v itself is not modified. A value without []byte is
// returned unchanged with attachments unchanged (nil if nil was given).
func Deconstruct(v any, attachments [][]byte) (any, [][]byte) {
	if !HasBinary(v) {
		return v, attachments
	}
	switch x := v.(type) {
	case []byte:
		ph := map[string]any{"_placeholder": true, "num": len(attachments)}
		return ph, append(attachments, x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i], attachments = Deconstruct(e, attachments)
		}
		return out, attachments
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			out[k], attachments = Deconstruct(x[k], attachments)
		}
		return out, attachments
	}
	return v, attachments
}

// Reconstruct walks a decoded JSON value (map[string]any, []any, ...) and
// replaces every placeholder object (a map whose "_placeholder" is true) by
// attachments[num]. num may be a float64 holding an integer (as produced by
// encoding/json), an int, an int64 or a json.Number. A missing, fractional
// or out of range num yields ErrBadAttachment. Maps and slices are updated
// in place; the possibly replaced root is returned.
func Reconstruct(v any, attachments [][]byte) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		if ph, ok := x["_placeholder"]; ok && ph == true {
			n, ok := placeholderNum(x["num"])
			if !ok || n < 0 || n >= int64(len(attachments)) {
				return nil, ErrBadAttachment
			}
			return attachments[n], nil
		}
		for k, e := range x {
			r, err := Reconstruct(e, attachments)
			if err != nil {
				return nil, err
			}
			x[k] = r
		}
	case []any:
		for i, e := range x {
			r, err := Reconstruct(e, attachments)
			if err != nil {
				return nil, err
			}
			x[i] = r
		}
	}
	return v, nil
}

func placeholderNum(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		if n != math.Trunc(n) || n < 0 || n > math.MaxInt32 {
			return 0, false
		}
		return int64(n), true
	case int:
		return int64(n), true
	case int64:
		return n, true
	case interface{ Int64() (int64, error) }: // json.Number
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}
