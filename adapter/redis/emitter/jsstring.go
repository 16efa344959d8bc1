package emitter

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

const lowerHex = "0123456789abcdef"

// string reads the JSON string at p.pos and appends it quoted as
// JSON.stringify quotes the string JSON.parse reads from it. Escapes are
// decoded as JavaScript decodes them, in UTF-16 units: a surrogate pair
// written as two \u escapes is one character, and a lone surrogate stays
// one, which JSON.stringify writes as a \udxxx escape.
func (p *jsRewriter) string(out []byte) ([]byte, error) {
	p.pos++ // opening quote
	out = append(out, '"')
	for {
		if p.pos >= len(p.in) {
			return nil, errTruncated
		}
		c := p.in[p.pos]
		switch {
		case c == '"':
			p.pos++
			return append(out, '"'), nil
		case c != '\\':
			r, size := utf8.DecodeRune(p.in[p.pos:])
			p.pos += size
			out = appendJSRune(out, r)
			continue
		}
		if p.pos+1 >= len(p.in) {
			return nil, errTruncated
		}
		esc := p.in[p.pos+1]
		p.pos += 2
		switch esc {
		case '"', '\\', '/':
			out = appendJSRune(out, rune(esc))
		case 'b':
			out = appendJSRune(out, '\b')
		case 'f':
			out = appendJSRune(out, '\f')
		case 'n':
			out = appendJSRune(out, '\n')
		case 'r':
			out = appendJSRune(out, '\r')
		case 't':
			out = appendJSRune(out, '\t')
		case 'u':
			u, err := p.hex4()
			if err != nil {
				return nil, err
			}
			out = p.appendUnit(out, u)
		default:
			return nil, fmt.Errorf("bad escape \\%c at %d", esc, p.pos-2)
		}
	}
}

// appendUnit appends the UTF-16 unit u of a \u escape, pairing a high
// surrogate with a low one escaped right after it.
func (p *jsRewriter) appendUnit(out []byte, u rune) []byte {
	if u >= 0xd800 && u < 0xdc00 && p.pos+6 <= len(p.in) && p.in[p.pos] == '\\' && p.in[p.pos+1] == 'u' {
		save := p.pos
		p.pos += 2
		if low, err := p.hex4(); err == nil && low >= 0xdc00 && low < 0xe000 {
			return utf8.AppendRune(out, 0x10000+(u-0xd800)<<10+(low-0xdc00))
		}
		p.pos = save
	}
	if u >= 0xd800 && u < 0xe000 {
		return append(out, '\\', 'u', lowerHex[u>>12], lowerHex[u>>8&0xf], lowerHex[u>>4&0xf], lowerHex[u&0xf])
	}
	return appendJSRune(out, u)
}

func (p *jsRewriter) hex4() (rune, error) {
	if p.pos+4 > len(p.in) {
		return 0, errTruncated
	}
	v, err := strconv.ParseUint(string(p.in[p.pos:p.pos+4]), 16, 16)
	if err != nil {
		return 0, fmt.Errorf("bad \\u escape at %d", p.pos-2)
	}
	p.pos += 4
	return rune(v), nil
}

// appendJSRune appends r as JSON.stringify writes it inside a string: \" \\
// \b \f \n \r \t, other control characters as \u00xx, everything else as
// UTF-8 (an invalid byte of the input reads as U+FFFD).
func appendJSRune(out []byte, r rune) []byte {
	switch r {
	case '"', '\\':
		return append(out, '\\', byte(r))
	case '\b':
		return append(out, '\\', 'b')
	case '\f':
		return append(out, '\\', 'f')
	case '\n':
		return append(out, '\\', 'n')
	case '\r':
		return append(out, '\\', 'r')
	case '\t':
		return append(out, '\\', 't')
	}
	if r < 0x20 {
		return append(out, '\\', 'u', '0', '0', lowerHex[r>>4], lowerHex[r&0xf])
	}
	return utf8.AppendRune(out, r)
}
