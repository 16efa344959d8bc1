package emitter

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/tornadio/tornadio/internal/msgpack"
)

// string reads the JSON string at p.pos and appends it quoted as
// JSON.stringify quotes the string JSON.parse reads from it. Escapes are
// decoded as JavaScript decodes them, in UTF-16 units: a surrogate pair
// written as two \u escapes is one character, and a lone surrogate stays
// one (kept in its three-byte form until msgpack.AppendJSONString writes it
// as a \udxxx escape, as JSON.stringify does).
func (p *jsRewriter) string(out []byte) ([]byte, error) {
	p.pos++ // opening quote
	text := p.text[:0]
	for {
		if p.pos >= len(p.in) {
			return nil, errTruncated
		}
		c := p.in[p.pos]
		switch {
		case c == '"':
			p.pos++
			p.text = text
			return msgpack.AppendJSONString(out, text), nil
		case c != '\\':
			r, size := utf8.DecodeRune(p.in[p.pos:])
			p.pos += size
			text = utf8.AppendRune(text, r)
			continue
		}
		if p.pos+1 >= len(p.in) {
			return nil, errTruncated
		}
		esc := p.in[p.pos+1]
		p.pos += 2
		switch esc {
		case '"', '\\', '/':
			text = append(text, esc)
		case 'b':
			text = append(text, '\b')
		case 'f':
			text = append(text, '\f')
		case 'n':
			text = append(text, '\n')
		case 'r':
			text = append(text, '\r')
		case 't':
			text = append(text, '\t')
		case 'u':
			u, err := p.hex4()
			if err != nil {
				return nil, err
			}
			text = p.appendUnit(text, u)
		default:
			return nil, fmt.Errorf("bad escape \\%c at %d", esc, p.pos-2)
		}
	}
}

// appendUnit appends the UTF-16 unit u of a \u escape, pairing a high
// surrogate with a low one escaped right after it; a lone surrogate is
// appended in the three-byte form UTF-8 would give it.
func (p *jsRewriter) appendUnit(text []byte, u rune) []byte {
	if u >= 0xd800 && u < 0xdc00 && p.pos+6 <= len(p.in) && p.in[p.pos] == '\\' && p.in[p.pos+1] == 'u' {
		save := p.pos
		p.pos += 2
		if low, err := p.hex4(); err == nil && low >= 0xdc00 && low < 0xe000 {
			return utf8.AppendRune(text, 0x10000+(u-0xd800)<<10+(low-0xdc00))
		}
		p.pos = save
	}
	if u >= 0xd800 && u < 0xe000 {
		return append(text, 0xe0|byte(u>>12), 0x80|byte(u>>6)&0x3f, 0x80|byte(u)&0x3f)
	}
	return utf8.AppendRune(text, u)
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
