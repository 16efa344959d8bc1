package msgpack

// Skip reads past the next value, however deeply nested, without recursion.
func (r *Reader) Skip() error {
	start := r.off
	for pending := 1; pending > 0; pending-- {
		children, err := r.skipHead()
		if err != nil {
			r.off = start
			return err
		}
		pending += children
	}
	return nil
}

// RawValue reads past the next value and returns its msgpack bytes, a view of
// the input.
func (r *Reader) RawValue() ([]byte, error) {
	start := r.off
	if err := r.Skip(); err != nil {
		return nil, err
	}
	return r.b[start:r.off], nil
}

// skipHead reads past one value's header and payload and returns how many
// values its payload holds after it (array elements, map keys and values).
func (r *Reader) skipHead() (int, error) {
	if r.off >= len(r.b) {
		return 0, r.errorf("skipping", ErrShort)
	}
	c := r.b[r.off]
	switch kindOf(c) {
	case KindArray:
		return r.ArrayHeader()
	case KindMap:
		n, err := r.MapHeader()
		return 2 * n, err
	case KindString:
		_, err := r.StrBytes()
		return 0, err
	case KindInt, KindFloat:
		_, err := r.Float64()
		return 0, err
	case KindNil, KindBool:
		r.off++
		return 0, nil
	case KindBin:
		_, err := r.Bin()
		return 0, err
	case KindExt:
		_, _, err := r.Ext()
		return 0, err
	}
	return 0, r.errorf("skipping", ErrInvalid)
}

// Ext reads an extension value and returns its type and data, a view of the
// input.
func (r *Reader) Ext() (typ int8, data []byte, err error) {
	if r.off >= len(r.b) {
		return 0, nil, r.errorf("reading ext", ErrShort)
	}
	var n, hdr int
	ok := true
	switch c := r.b[r.off]; c {
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		n, hdr = 1<<(c-0xd4), 1
	case 0xc7, 0xc8, 0xc9:
		n, hdr, ok = r.length(1<<(c-0xc7), 1)
	default:
		return 0, nil, r.errorf("reading ext: found "+kindOf(c).String(), ErrType)
	}
	// hdr bytes of header, one type byte, n bytes of data.
	if !ok || n+1 > len(r.b)-r.off-hdr {
		return 0, nil, r.errorf("reading ext", ErrShort)
	}
	typ = int8(r.b[r.off+hdr])
	data = r.b[r.off+hdr+1 : r.off+hdr+1+n]
	r.off += hdr + 1 + n
	return typ, data, nil
}
