package msgpack

import (
	"cmp"
	"fmt"
	"slices"
)

// member locates one key/value pair of an object being transcoded: the
// offsets in the output of its msgpack key and of its value.
type member struct{ key, val int }

func (e *jsonEncoder) object(depth int) error {
	if depth >= MaxDepth {
		return fmt.Errorf("transcoding JSON at offset %d: %w", e.pos, ErrDepth)
	}
	e.pos++
	start := len(e.out)
	e.out = append(e.out, 0x80)
	e.skipSpace()
	if e.pos < len(e.in) && e.in[e.pos] == '}' {
		e.pos++
		return nil
	}
	// Objects of up to 16 keys keep their member list on the stack.
	var small [16]member
	members := small[:0]
	for {
		e.skipSpace()
		if e.pos >= len(e.in) || e.in[e.pos] != '"' {
			return e.syntaxError("expected a key")
		}
		key := len(e.out)
		if err := e.string(true); err != nil {
			return err
		}
		e.skipSpace()
		if e.pos >= len(e.in) || e.in[e.pos] != ':' {
			return e.syntaxError("expected :")
		}
		e.pos++
		e.skipSpace()
		val := len(e.out)
		if err := e.value(depth + 1); err != nil {
			return err
		}
		members = append(members, member{key, val})
		e.skipSpace()
		if e.pos >= len(e.in) {
			return e.syntaxError("unterminated object")
		}
		c := e.in[e.pos]
		e.pos++
		if c == '}' {
			break
		}
		if c != ',' {
			return e.syntaxError("expected , or }")
		}
	}
	return e.finishObject(start, members)
}

// finishObject turns the members written after start into what notepack
// writes for the object JSON.parse builds: a placeholder becomes its
// attachment; otherwise keys are merged and ordered as JavaScript orders an
// object's own keys, and the map header is set.
func (e *jsonEncoder) finishObject(start int, members []member) error {
	if bin, ok, err := e.placeholder(members); ok || err != nil {
		if err != nil {
			return err
		}
		e.out = appendBin(e.out[:start], bin)
		return nil
	}
	n := len(members)
	if e.needsReorder(members) {
		n = e.reorder(start, members)
	}
	e.fixHeader(start, n, 0x80, 0xde)
	return nil
}

// keyAt returns the content of the msgpack str written at off.
func (e *jsonEncoder) keyAt(off int) []byte {
	r := Reader{b: e.out, off: off}
	k, _ := r.StrBytes() // written by string(), always well formed
	return k
}

func (e *jsonEncoder) valueEnd(members []member, i int) int {
	if i+1 < len(members) {
		return members[i+1].key
	}
	return len(e.out)
}

// placeholder reports whether the object is a Socket.IO placeholder (its
// last "_placeholder" is true) and returns the attachment it names.
func (e *jsonEncoder) placeholder(members []member) ([]byte, bool, error) {
	isPlaceholder, numAt := false, -1
	for i, m := range members {
		k := e.keyAt(m.key)
		if string(k) == "_placeholder" {
			isPlaceholder = e.valueEnd(members, i)-m.val == 1 && e.out[m.val] == 0xc3
		} else if string(k) == "num" {
			numAt = i
		}
	}
	if !isPlaceholder {
		return nil, false, nil
	}
	if numAt >= 0 {
		r := Reader{b: e.out[:e.valueEnd(members, numAt)], off: members[numAt].val}
		if k, _ := r.PeekKind(); k == KindInt || k == KindFloat {
			f, err := r.Float64()
			if err == nil && f >= 0 && f < float64(len(e.atts)) && f == float64(int(f)) {
				return e.atts[int(f)], true, nil
			}
		}
	}
	return nil, false, fmt.Errorf("%w: %d attachments", ErrPlaceholder, len(e.atts))
}

// needsReorder reports whether JavaScript would not keep the keys as written:
// an array-index key ("0", "17") goes first, a repeated key keeps its first
// place and its last value.
func (e *jsonEncoder) needsReorder(members []member) bool {
	for _, m := range members {
		if isArrayIndex(e.keyAt(m.key)) {
			return true
		}
	}
	if len(members) <= 64 {
		// Sorted key hashes on the stack find repeats without allocating; a
		// collision only sends a correct object through reorder, which
		// leaves it as it is.
		var buf [64]uint64
		hashes := buf[:len(members)]
		for i, m := range members {
			hashes[i] = hashKey(e.keyAt(m.key))
		}
		slices.Sort(hashes)
		for i := 1; i < len(hashes); i++ {
			if hashes[i] == hashes[i-1] {
				return true
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(members))
	for _, m := range members {
		k := e.keyAt(m.key)
		if _, dup := seen[string(k)]; dup {
			return true
		}
		seen[string(k)] = struct{}{}
	}
	return false
}

// hashKey is 64-bit FNV-1a.
func hashKey(k []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range k {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// reorder rewrites the members after start in JavaScript's key order with
// duplicates merged, and returns how many remain.
func (e *jsonEncoder) reorder(start int, members []member) int {
	base := start + 1
	region := slices.Clone(e.out[base:])
	type entry struct {
		key     []byte // the msgpack key, header included
		val     []byte // the msgpack value
		index   uint32
		isIndex bool
	}
	entries := make([]entry, 0, len(members))
	where := make(map[string]int, len(members))
	for i, m := range members {
		key := region[m.key-base : m.val-base]
		val := region[m.val-base : e.valueEnd(members, i)-base]
		name := string(e.keyAt(m.key))
		if at, dup := where[name]; dup {
			entries[at].val = val
			continue
		}
		where[name] = len(entries)
		idx, isIdx := arrayIndex([]byte(name))
		entries = append(entries, entry{key: key, val: val, index: idx, isIndex: isIdx})
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		switch {
		case a.isIndex && b.isIndex:
			return cmp.Compare(a.index, b.index)
		case a.isIndex:
			return -1
		case b.isIndex:
			return 1
		}
		return 0
	})
	e.out = e.out[:base]
	for _, en := range entries {
		e.out = append(e.out, en.key...)
		e.out = append(e.out, en.val...)
	}
	return len(entries)
}

func isArrayIndex(k []byte) bool {
	_, ok := arrayIndex(k)
	return ok
}

// arrayIndex parses an array index as JavaScript defines it: the canonical
// decimal form of an integer from 0 to 2^32-2.
func arrayIndex(k []byte) (uint32, bool) {
	if len(k) == 0 || len(k) > 10 || (k[0] == '0' && len(k) > 1) {
		return 0, false
	}
	var v uint64
	for _, c := range k {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if v > 1<<32-2 {
		return 0, false
	}
	return uint32(v), true
}
