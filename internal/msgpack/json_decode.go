package msgpack

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/tornadio/tornadio/internal/jsonstr"
)

// JSON transcodes the next value into JSON text appended to dst: the text
// JSON.stringify gives for the value notepack.io (or @msgpack/msgpack)
// decodes. Each bin, and each ext of type 0, becomes a Socket.IO placeholder
// {"_placeholder":true,"num":N} with its bytes (a view of the input) appended
// to atts as attachment N. A timestamp extension becomes the date's ISO
// string; notepack's undefined (fixext 1, type 0) is dropped from maps and is
// null elsewhere; any other extension becomes [type, placeholder], as Node
// decodes it. Strings that are not valid UTF-8 read with U+FFFD in place of
// each bad sequence, as Node decodes them. On error dst and atts come back
// with their old lengths and the Reader has not moved.
func (r *Reader) JSON(dst []byte, atts [][]byte) ([]byte, [][]byte, error) {
	dstLen, attsLen := len(dst), len(atts)
	d := jsonDecoder{r: *r, out: dst, atts: atts}
	if err := d.value(0); err != nil {
		return d.out[:dstLen], d.atts[:attsLen], err
	}
	r.off = d.r.off
	return d.out, d.atts, nil
}

// jsonDecoder is one msgpack-to-JSON transcoding. It reads a copy of the
// caller's Reader, which moves only on success.
type jsonDecoder struct {
	r    Reader
	out  []byte
	atts [][]byte
}

// isUndefined reports whether the next value is notepack's undefined.
func (d *jsonDecoder) isUndefined() bool {
	b, off := d.r.b, d.r.off
	return off+2 < len(b) && b[off] == 0xd4 && b[off+1] == 0
}

func (d *jsonDecoder) value(depth int) error {
	r := &d.r
	if r.off >= len(r.b) {
		return r.errorf("transcoding to JSON", ErrShort)
	}
	switch c := r.b[r.off]; kindOf(c) {
	case KindNil:
		r.off++
		d.out = append(d.out, "null"...)
	case KindBool:
		r.off++
		if c == 0xc3 {
			d.out = append(d.out, "true"...)
		} else {
			d.out = append(d.out, "false"...)
		}
	case KindInt, KindFloat:
		return d.number()
	case KindString:
		s, err := r.StrBytes()
		if err != nil {
			return err
		}
		d.out = AppendJSONString(d.out, s)
	case KindBin:
		b, err := r.Bin()
		if err != nil {
			return err
		}
		d.placeholder(b)
	case KindArray:
		return d.array(depth)
	case KindMap:
		return d.object(depth)
	case KindExt:
		return d.ext()
	default:
		return r.errorf("transcoding to JSON", ErrInvalid)
	}
	return nil
}

func (d *jsonDecoder) number() error {
	f, i, u, isInt, isUint, err := d.r.number()
	switch {
	case err != nil:
		return err
	case isUint && u < 1<<53:
		d.out = strconv.AppendUint(d.out, u, 10)
	case isInt && !isUint && i > -1<<53 && i < 1<<53:
		d.out = strconv.AppendInt(d.out, i, 10)
	default:
		d.out = appendJSNumber(d.out, f)
	}
	return nil
}

func (d *jsonDecoder) placeholder(b []byte) {
	d.out = append(d.out, `{"_placeholder":true,"num":`...)
	d.out = strconv.AppendInt(d.out, int64(len(d.atts)), 10)
	d.out = append(d.out, '}')
	d.atts = append(d.atts, b)
}

func (d *jsonDecoder) ext() error {
	r := &d.r
	code := r.b[r.off]
	typ, data, err := r.Ext()
	if err != nil {
		return err
	}
	switch {
	case typ == 0 && code >= 0xc7 && code <= 0xc9:
		d.placeholder(data) // notepack.io before 3.0: an ArrayBuffer
		return nil
	case typ == 0 && code == 0xd4:
		d.out = append(d.out, "null"...) // undefined
		return nil
	case typ == 0 && code == 0xd7:
		d.out = appendJSDate(d.out, legacyDateMillis(data))
		return nil
	case typ == -1:
		if ms, ok := timestampMillis(data); ok {
			d.out = appendJSDate(d.out, ms)
			return nil
		}
	}
	d.out = append(d.out, '[')
	d.out = strconv.AppendInt(d.out, int64(typ), 10)
	d.out = append(d.out, ',')
	d.placeholder(data)
	d.out = append(d.out, ']')
	return nil
}

func (d *jsonDecoder) array(depth int) error {
	if depth >= MaxDepth {
		return d.r.errorf("transcoding to JSON", ErrDepth)
	}
	n, err := d.r.ArrayHeader()
	if err != nil {
		return err
	}
	d.out = append(d.out, '[')
	for i := range n {
		if i > 0 {
			d.out = append(d.out, ',')
		}
		if err := d.value(depth + 1); err != nil {
			return err
		}
	}
	d.out = append(d.out, ']')
	return nil
}

func (d *jsonDecoder) object(depth int) error {
	if depth >= MaxDepth {
		return d.r.errorf("transcoding to JSON", ErrDepth)
	}
	n, err := d.r.MapHeader()
	if err != nil {
		return err
	}
	d.out = append(d.out, '{')
	written := 0
	for range n {
		mark := len(d.out)
		if written > 0 {
			d.out = append(d.out, ',')
		}
		if err := d.key(); err != nil {
			return err
		}
		d.out = append(d.out, ':')
		if d.isUndefined() {
			// JSON.stringify leaves out a key whose value is undefined.
			d.r.off += 3
			d.out = d.out[:mark]
			continue
		}
		if err := d.value(depth + 1); err != nil {
			return err
		}
		written++
	}
	d.out = append(d.out, '}')
	return nil
}

// key writes a map key as the JSON string of the JavaScript property key
// Node makes of it: strings as they are, numbers, booleans and nil as their
// text.
func (d *jsonDecoder) key() error {
	r := &d.r
	if r.off >= len(r.b) {
		return r.errorf("transcoding a key to JSON", ErrShort)
	}
	switch c := r.b[r.off]; kindOf(c) {
	case KindString:
		s, err := r.StrBytes()
		if err != nil {
			return err
		}
		d.out = AppendJSONString(d.out, s)
	case KindNil, KindBool, KindInt, KindFloat:
		d.out = append(d.out, '"')
		if err := d.value(MaxDepth); err != nil {
			return err
		}
		d.out = append(d.out, '"')
	default:
		return fmt.Errorf("msgpack: %s map key at offset %d: %w", kindOf(c), r.off, ErrInvalid)
	}
	return nil
}

// AppendJSONString appends s quoted as JSON.stringify writes the string a
// JavaScript msgpack decoder reads from the str bytes s: each maximal
// invalid UTF-8 sequence becomes U+FFFD (the WHATWG decoder's rule, as in
// Node), except the three-byte form of a UTF-16 surrogate, which
// @msgpack/msgpack reads as that surrogate and JSON.stringify writes as a
// \udxxx escape. Everything else is escaped as jsonstr.Append escapes it.
func AppendJSONString(b, s []byte) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if c == 0xed && i+2 < len(s) && s[i+1] >= 0xa0 && s[i+1] <= 0xbf && s[i+2] >= 0x80 && s[i+2] <= 0xbf {
			const hex = "0123456789abcdef"
			b = jsonstr.AppendBody(b, s[start:i], false)
			b = append(b, '\\', 'u', 'd', hex[(s[i+1]&0x3f)>>2], hex[(s[i+1]&3)<<2|(s[i+2]>>4)&3], hex[s[i+2]&0xf])
			i += 3
			start = i
			continue
		}
		if r, size := utf8.DecodeRune(s[i:]); r != utf8.RuneError || size > 1 {
			i += size
			continue
		}
		b = jsonstr.AppendBody(b, s[start:i], false)
		b = append(b, "\uFFFD"...)
		i += invalidUTF8Len(s[i:])
		start = i
	}
	b = jsonstr.AppendBody(b, s[start:], false)
	return append(b, '"')
}
