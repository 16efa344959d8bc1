package socketio

import (
	"bytes"
	"github.com/tornadio/tornadio/internal/jsonstr"
	"unicode/utf8"
)

// AppendJSONString appends s as a JSON string literal, escaping like
// JavaScript's JSON.stringify (\" \\ \b \f \n \r \t, other bytes below 0x20
// as \u00XX), plus U+2028 and U+2029 so the output is safe inside
// JavaScript source. Invalid UTF-8 bytes become \ufffd, as in encoding/json.
// The output equals encoding/json's with SetEscapeHTML(false).
func AppendJSONString(dst []byte, s string) []byte { return jsonstr.Append(dst, s, true) }

// AppendJSONUnquote decodes the JSON string literal raw (quotes included,
// surrounding white space allowed) and appends its value to dst. Escapes are
// decoded; a \u escape that is a lone surrogate becomes U+FFFD, as in
// encoding/json. Other bytes are copied unchanged (UTF-8 is not checked).
func AppendJSONUnquote(dst []byte, raw []byte) ([]byte, error) {
	i := skipWS(raw, 0)
	end, ok := skipString(raw, i)
	if i >= len(raw) || raw[i] != '"' || !ok || skipWS(raw, end) != len(raw) {
		return dst, ErrBadJSON
	}
	return appendUnquoted(dst, raw[i+1:end-1]), nil
}

// appendUnquoted decodes the body of a JSON string already validated by
// skipString.
func appendUnquoted(dst []byte, s []byte) []byte {
	start := 0
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		e := s[i+1]
		i += 2
		switch e {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(s[i:])
			i += 4
			if 0xD800 <= r && r < 0xDC00 {
				// High surrogate: needs a following \uDC00-\uDFFF.
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if r2 := hex4(s[i+2:]); 0xDC00 <= r2 && r2 < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			} else if 0xDC00 <= r && r < 0xE000 {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, e)
		}
		start = i
	}
	return append(dst, s[start:]...)
}

func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// EventName returns the decoded event name. raw is either the first element
// of an event array (a JSON string) or the whole event array, in which case
// its first element is used (and the rest of the array is not checked).
// The result never aliases raw; it is built with
// a single allocation (none for the empty name).
func EventName(raw []byte) (string, error) {
	i := skipWS(raw, 0)
	if i < len(raw) && raw[i] == '[' {
		i = skipWS(raw, i+1)
		end, ok := skipString(raw, i)
		if i >= len(raw) || raw[i] != '"' || !ok {
			return "", ErrBadJSON
		}
		return unquoteString(raw[i+1 : end-1]), nil
	}
	end, ok := skipString(raw, i)
	if i >= len(raw) || raw[i] != '"' || !ok || skipWS(raw, end) != len(raw) {
		return "", ErrBadJSON
	}
	return unquoteString(raw[i+1 : end-1]), nil
}

// EventNameBytes is EventName for the first element of an event array (a
// JSON string), without the allocation: the name's bytes are a view into
// raw when it has no escapes, else unescaped into scratch, which is
// returned grown for reuse. The name is valid while raw and scratch are.
func EventNameBytes(raw, scratch []byte) (name, scratchOut []byte, err error) {
	i := skipWS(raw, 0)
	end, ok := skipString(raw, i)
	if i >= len(raw) || raw[i] != '"' || !ok || skipWS(raw, end) != len(raw) {
		return nil, scratch, ErrBadJSON
	}
	body := raw[i+1 : end-1]
	if !hasBackslash(body) {
		return body, scratch, nil
	}
	scratch = appendUnquoted(scratch[:0], body)
	return scratch, scratch, nil
}

func unquoteString(body []byte) string {
	if !hasBackslash(body) {
		return string(body)
	}
	var buf [64]byte
	return string(appendUnquoted(buf[:0], body))
}

func hasBackslash(b []byte) bool { return bytes.IndexByte(b, '\\') >= 0 }
