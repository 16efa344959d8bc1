package engineio

import (
	"encoding/base64"
	"strconv"

	"github.com/tornadio/tornadio/internal/jslen"
)

// UTF16Len counts the UTF-16 code units of UTF-8 text, which is the
// JavaScript length of the string: 1 per rune below U+10000, 2 above
// (emoji). Each invalid byte counts as 1, like the U+FFFD replacing it.
func UTF16Len(b []byte) int { return jslen.Len(b) }

// utf16Prefix returns the number of bytes of b holding its first n UTF-16
// code units. ok is false when b is too short or unit n splits a surrogate
// pair.
func utf16Prefix(b []byte, n int) (size int, ok bool) { return jslen.Prefix(b, n) }

// parseV3String parses a packet string of a v3 payload: text form, or
// "b<type digit><base64>" for binary packets.
func parseV3String(pkt, scratch []byte) (Packet, []byte, error) {
	if len(pkt) == 0 || pkt[0] != 'b' {
		p, err := ParseText(pkt)
		return p, scratch, err
	}
	if len(pkt) < 2 {
		return Packet{}, scratch, errEmptyPacket
	}
	t := PacketType(pkt[1] - '0')
	if t > maxType {
		return Packet{}, scratch, badTypeChar(pkt[1])
	}
	data, scratch, err := decodeBase64(scratch, pkt[2:])
	if err != nil {
		return Packet{}, scratch, err
	}
	return Packet{Type: t, Data: data, Binary: t == Message}, scratch, nil
}

func decodeV3Text(body, scratch []byte, fn func(Packet) error) ([]byte, error) {
	for i := 0; i < len(body); {
		start := i
		n := 0
		for ; i < len(body) && body[i] != ':'; i++ {
			c := body[i]
			if c < '0' || c > '9' {
				return scratch, payloadErrf(i, "bad length character %q", c)
			}
			n = n*10 + int(c-'0')
			if n > len(body) {
				return scratch, payloadErrf(start, "length past end of payload")
			}
		}
		if i == len(body) {
			return scratch, payloadErrf(start, "missing ':' after length")
		}
		if i == start {
			return scratch, payloadErrf(start, "missing length")
		}
		i++ // ':'
		if n == 0 {
			return scratch, payloadErr(i, errEmptyPacket)
		}
		size, ok := utf16Prefix(body[i:], n)
		if !ok {
			return scratch, payloadErrf(start, "length %d past end of payload or inside a character", n)
		}
		end := i + size
		var p Packet
		var err error
		p, scratch, err = parseV3String(body[i:end:end], scratch)
		if err != nil {
			return scratch, payloadErr(i, err)
		}
		if err := fn(p); err != nil {
			return scratch, err
		}
		i = end
	}
	return scratch, nil
}

func decodeV3Binary(body, scratch []byte, fn func(Packet) error) ([]byte, error) {
	for i := 0; i < len(body); {
		start := i
		kind := body[i]
		if kind > 1 {
			return scratch, payloadErrf(i, "bad packet marker 0x%02x", kind)
		}
		i++
		n := 0
		for ; i < len(body) && body[i] != 0xFF; i++ {
			d := body[i]
			if d > 9 {
				return scratch, payloadErrf(i, "bad length digit 0x%02x", d)
			}
			n = n*10 + int(d)
			if n > len(body) {
				return scratch, payloadErrf(start, "length past end of payload")
			}
		}
		if i == len(body) {
			return scratch, payloadErrf(start, "missing 0xff after length")
		}
		if i == start+1 {
			return scratch, payloadErrf(start, "missing length")
		}
		i++ // 0xFF
		if n == 0 {
			return scratch, payloadErr(i, errEmptyPacket)
		}
		if n > len(body)-i {
			return scratch, payloadErrf(start, "length %d past end of payload", n)
		}
		end := i + n
		pkt := body[i:end:end]
		var p Packet
		var err error
		if kind == 0 {
			p, scratch, err = parseV3String(pkt, scratch)
		} else {
			p, err = ParseBinaryFrame(pkt, 3)
		}
		if err != nil {
			return scratch, payloadErr(i, err)
		}
		if err := fn(p); err != nil {
			return scratch, err
		}
		i = end
	}
	return scratch, nil
}

func appendV3Text(dst []byte, ps []Packet) []byte {
	if len(ps) == 0 {
		return append(dst, "0:"...)
	}
	for i := range ps {
		p := &ps[i]
		if p.Binary {
			dst = strconv.AppendInt(dst, int64(2+base64.StdEncoding.EncodedLen(len(p.Data))), 10)
			dst = append(dst, ':')
			dst = AppendBase64Text(dst, *p, 3)
		} else {
			dst = strconv.AppendInt(dst, int64(1+UTF16Len(p.Data)), 10)
			dst = append(dst, ':')
			dst = AppendText(dst, *p)
		}
	}
	return dst
}

func appendV3Binary(dst []byte, ps []Packet) []byte {
	for i := range ps {
		p := &ps[i]
		if p.Binary {
			dst = append(dst, 1)
		} else {
			dst = append(dst, 0)
		}
		k := len(dst)
		dst = strconv.AppendInt(dst, int64(1+len(p.Data)), 10)
		for j := k; j < len(dst); j++ {
			dst[j] -= '0'
		}
		dst = append(dst, 0xFF)
		if p.Binary {
			dst = AppendBinaryFrame(dst, *p, 3)
		} else {
			dst = AppendText(dst, *p)
		}
	}
	return dst
}
