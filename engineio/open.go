package engineio

import (
	"github.com/tornadio/tornadio/internal/jsonstr"
	"strconv"
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

func appendJSONString(dst []byte, s string) []byte { return jsonstr.Append(dst, s, true) }
