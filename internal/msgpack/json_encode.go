package msgpack

import (
	"errors"
	"fmt"
	"strconv"
)

// JSON transcodes the single JSON value in raw (surrounding whitespace
// allowed) into the msgpack notepack.io writes for the JavaScript value
// JSON.parse(raw) gives. A Socket.IO placeholder object, one whose
// "_placeholder" is true, becomes a bin holding atts[num]. Invalid UTF-8 reads
// as U+FFFD, as when Node decodes text; a lone UTF-16 surrogate escape
// ("\ud800") gives the bytes notepack derives from it. Nesting deeper than
// MaxDepth is refused. On error nothing is appended.
func (w *Writer) JSON(raw []byte, atts [][]byte) error {
	start := len(w.buf)
	e := jsonEncoder{in: raw, out: w.buf, atts: atts, safeInts: w.safeInts}
	e.skipSpace()
	err := e.value(0)
	if err == nil {
		e.skipSpace()
		if e.pos < len(e.in) {
			err = e.syntaxError("data after the value")
		}
	}
	if err != nil {
		w.buf = e.out[:start]
		return err
	}
	w.buf = e.out
	return nil
}

// jsonEncoder is one JSON-to-msgpack transcoding: a recursive-descent parser
// that writes msgpack as it reads.
type jsonEncoder struct {
	in       []byte
	pos      int
	out      []byte
	atts     [][]byte
	safeInts bool // numbers as @msgpack/msgpack writes them
}

func (e *jsonEncoder) syntaxError(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrJSON, what, e.pos)
}

func (e *jsonEncoder) skipSpace() {
	for e.pos < len(e.in) {
		switch e.in[e.pos] {
		case ' ', '\t', '\n', '\r':
			e.pos++
		default:
			return
		}
	}
}

func (e *jsonEncoder) value(depth int) error {
	if e.pos >= len(e.in) {
		return e.syntaxError("unexpected end")
	}
	switch c := e.in[e.pos]; {
	case c == '{':
		return e.object(depth)
	case c == '[':
		return e.array(depth)
	case c == '"':
		return e.string(false)
	case c == '-' || (c >= '0' && c <= '9'):
		return e.number()
	case c == 't':
		return e.literal("true", 0xc3)
	case c == 'f':
		return e.literal("false", 0xc2)
	case c == 'n':
		return e.literal("null", 0xc0)
	default:
		return e.syntaxError("unexpected character")
	}
}

func (e *jsonEncoder) literal(word string, code byte) error {
	if len(e.in)-e.pos < len(word) || string(e.in[e.pos:e.pos+len(word)]) != word {
		return e.syntaxError("invalid literal")
	}
	e.pos += len(word)
	e.out = append(e.out, code)
	return nil
}

func (e *jsonEncoder) array(depth int) error {
	if depth >= MaxDepth {
		return fmt.Errorf("transcoding JSON at offset %d: %w", e.pos, ErrDepth)
	}
	e.pos++
	start := len(e.out)
	e.out = append(e.out, 0x90)
	e.skipSpace()
	if e.pos < len(e.in) && e.in[e.pos] == ']' {
		e.pos++
		return nil
	}
	n := 0
	for {
		e.skipSpace()
		if err := e.value(depth + 1); err != nil {
			return err
		}
		n++
		e.skipSpace()
		if e.pos >= len(e.in) {
			return e.syntaxError("unterminated array")
		}
		c := e.in[e.pos]
		e.pos++
		if c == ']' {
			break
		}
		if c != ',' {
			return e.syntaxError("expected , or ]")
		}
	}
	e.fixHeader(start, n, 0x90, 0xdc)
	return nil
}

// fixHeader rewrites the one-byte container header reserved at start for n
// elements, widening it when n does not fit a fixarray or fixmap.
func (e *jsonEncoder) fixHeader(start, n int, fix, code16 byte) {
	if n < 16 {
		e.out[start] = fix | byte(n)
		return
	}
	var hdr [5]byte
	h := appendContainerHeader(hdr[:0], fix, code16, n)
	end := len(e.out)
	for range len(h) - 1 {
		e.out = append(e.out, 0)
	}
	copy(e.out[start+len(h):], e.out[start+1:end])
	copy(e.out[start:], h)
}

func (e *jsonEncoder) number() error {
	start := e.pos
	integer := true
	if e.in[e.pos] == '-' {
		e.pos++
	}
	if e.pos >= len(e.in) {
		return e.syntaxError("invalid number")
	}
	if e.in[e.pos] == '0' {
		e.pos++
	} else if !e.digits() {
		return e.syntaxError("invalid number")
	}
	if e.pos < len(e.in) && e.in[e.pos] == '.' {
		integer = false
		e.pos++
		if !e.digits() {
			return e.syntaxError("invalid fraction")
		}
	}
	if e.pos < len(e.in) && (e.in[e.pos] == 'e' || e.in[e.pos] == 'E') {
		integer = false
		e.pos++
		if e.pos < len(e.in) && (e.in[e.pos] == '+' || e.in[e.pos] == '-') {
			e.pos++
		}
		if !e.digits() {
			return e.syntaxError("invalid exponent")
		}
	}
	text := e.in[start:e.pos]
	if digits := text[trimSign(text):]; integer && len(digits) <= 15 {
		// At most 15 digits: exact in an int64 and in a float64.
		var v int64
		for _, c := range digits {
			v = v*10 + int64(c-'0')
		}
		if text[0] == '-' {
			v = -v
		}
		e.out = appendInt(e.out, v)
		return nil
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return e.syntaxError("invalid number")
	}
	// Out of range parses to ±Inf, as in JavaScript.
	e.out = appendJSNumberValue(e.out, f, e.safeInts)
	return nil
}

func trimSign(text []byte) int {
	if text[0] == '-' {
		return 1
	}
	return 0
}

func (e *jsonEncoder) digits() bool {
	start := e.pos
	for e.pos < len(e.in) && e.in[e.pos] >= '0' && e.in[e.pos] <= '9' {
		e.pos++
	}
	return e.pos > start
}
