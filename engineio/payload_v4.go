package engineio

import "bytes"

// separator is the v4 packet separator in payloads (ASCII record separator).
const separator = 0x1E

func decodeV4(body, scratch []byte, fn func(Packet) error) ([]byte, error) {
	for i := 0; ; {
		end := len(body)
		j := bytes.IndexByte(body[i:], separator)
		if j >= 0 {
			end = i + j
		}
		pkt := body[i:end:end]
		var p Packet
		var err error
		switch {
		case len(pkt) == 0:
			return scratch, payloadErr(i, errEmptyPacket)
		case pkt[0] == 'b':
			var data []byte
			data, scratch, err = decodeBase64(scratch, pkt[1:])
			p = Packet{Type: Message, Data: data, Binary: true}
		default:
			p, err = ParseText(pkt)
		}
		if err != nil {
			return scratch, payloadErr(i, err)
		}
		if err := fn(p); err != nil {
			return scratch, err
		}
		if j < 0 {
			return scratch, nil
		}
		i = end + 1
	}
}

func appendV4(dst []byte, ps []Packet) []byte {
	for i := range ps {
		if i > 0 {
			dst = append(dst, separator)
		}
		if ps[i].Binary {
			dst = AppendBase64Text(dst, ps[i], 4)
		} else {
			dst = AppendText(dst, ps[i])
		}
	}
	return dst
}
