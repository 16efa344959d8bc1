package engineio

import (
	"encoding/base64"
	"fmt"
)

// DecodePayload calls fn for each packet of a polling POST body, in order.
//
// v4: packets are separated by 0x1E; binary messages are 'b' followed by
// standard base64.
//
// v3 text payload: "<len>:<packet>" repeated, len counting UTF-16 code units
// of the packet string (its JavaScript length); binary packets are
// "b<type digit><base64>", such as "b4AQIDBA==".
//
// v3 binary payload (XHR2; recognised by a first byte of 0x00 or 0x01): each
// packet is <0x00 string|0x01 binary><length digits as bytes 0..9><0xFF>
// <packet bytes>, the length counting bytes; string packets are in text form,
// binary ones are the type byte then the data.
//
// Base64 data is decoded into scratch, which is reset and grown as needed;
// the returned slice should be passed to the next call to avoid allocations.
// Packet.Data points into body or scratch, and is valid until either is
// reused; its capacity is clipped, so appending to it copies.
//
// Empty bodies, empty packets, bad lengths, bad base64 and unknown types are
// errors wrapping ErrBadPayload (and ErrBadPacket for a bad packet). An error
// returned by fn stops decoding and is returned as is. Packets before the
// error have already been passed to fn.
func DecodePayload(body []byte, version int, scratch []byte, fn func(Packet) error) (newScratch []byte, err error) {
	scratch = scratch[:0]
	if len(body) == 0 {
		if version != 3 && version != 4 {
			return scratch, badVersion(version)
		}
		return scratch, fmt.Errorf("%w: empty payload", ErrBadPayload)
	}
	switch version {
	case 4:
		return decodeV4(body, scratch, fn)
	case 3:
		if body[0] <= 1 {
			return decodeV3Binary(body, scratch, fn)
		}
		return decodeV3Text(body, scratch, fn)
	}
	return scratch, badVersion(version)
}

// AppendPayload appends packets encoded for a polling GET response.
//
// v4: packets joined with 0x1E, binary messages as 'b' + base64. Text data
// must not contain 0x1E, which the v4 format cannot escape.
//
// v3: when binaryOK is false (the client sent b64=1, or JSONP) the text
// framing "<len>:<packet>" with binary packets as "b<type><base64>"; when
// binaryOK is true and any packet is binary, the XHR2 binary payload format
// (see DecodePayload, and PayloadIsBinary for the content type); otherwise the
// text framing. An empty v3 text payload is "0:".
//
// Versions other than 3 are treated as 4.
func AppendPayload(dst []byte, version int, binaryOK bool, ps []Packet) []byte {
	if version != 3 {
		return appendV4(dst, ps)
	}
	if binaryOK && hasBinary(ps) {
		return appendV3Binary(dst, ps)
	}
	return appendV3Text(dst, ps)
}

// PayloadIsBinary reports whether AppendPayload would produce the v3 binary
// format, to be served as application/octet-stream rather than text/plain.
func PayloadIsBinary(version int, binaryOK bool, ps []Packet) bool {
	return version == 3 && binaryOK && hasBinary(ps)
}

func hasBinary(ps []Packet) bool {
	for i := range ps {
		if ps[i].Binary {
			return true
		}
	}
	return false
}

// decodeBase64 appends the decoding of src (standard alphabet, padded or
// not) to scratch and returns the decoded bytes and the extended scratch.
func decodeBase64(scratch, src []byte) (data, newScratch []byte, err error) {
	start := len(scratch)
	enc := base64.StdEncoding
	if len(src)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	out, err := enc.AppendDecode(scratch, src)
	if err != nil {
		return nil, scratch, fmt.Errorf("%w: bad base64: %w", ErrBadPacket, err)
	}
	return out[start:len(out):len(out)], out, nil
}

func appendBase64(dst, src []byte) []byte {
	return base64.StdEncoding.AppendEncode(dst, src)
}

func payloadErr(off int, err error) error {
	return fmt.Errorf("%w at offset %d: %w", ErrBadPayload, off, err)
}

func payloadErrf(off int, format string, args ...any) error {
	return fmt.Errorf("%w at offset %d: %s", ErrBadPayload, off, fmt.Sprintf(format, args...))
}
