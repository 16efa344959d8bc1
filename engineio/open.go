package engineio

import (
	"strconv"
	"unicode/utf8"
)

// OpenInfo is the handshake data sent in the open packet.
type OpenInfo struct {
	SID          string
	Upgrades     []string
	PingInterval int64 // milliseconds
	PingTimeout  int64 // milliseconds
	MaxPayload   int64 // bytes; sent in v4 only
}

// AppendOpen appends the open packet in text form:
//
//	0{"sid":"...","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}
//
// with the keys in exactly this order; v3 omits maxPayload. A nil Upgrades
// is written as []. Versions other than 3 are treated as 4.
func AppendOpen(dst []byte, version int, o OpenInfo) []byte {
	dst = append(dst, `0{"sid":`...)
	dst = appendJSONString(dst, o.SID)
	dst = append(dst, `,"upgrades":[`...)
	for i, u := range o.Upgrades {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, u)
	}
	dst = append(dst, `],"pingInterval":`...)
	dst = strconv.AppendInt(dst, o.PingInterval, 10)
	dst = append(dst, `,"pingTimeout":`...)
	dst = strconv.AppendInt(dst, o.PingTimeout, 10)
	if version != 3 {
		dst = append(dst, `,"maxPayload":`...)
		dst = strconv.AppendInt(dst, o.MaxPayload, 10)
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. It escapes quotes,
// backslashes, control characters and U+2028/U+2029 (so the result is also a
// valid JavaScript literal), and replaces invalid UTF-8 with U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
