package cluster

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/internal/jsonstr"
)

// The data objects of the messages, built as JSON in Node's key order and
// read back tolerantly (any key order, ints or floats, missing fields).

// appendOpts appends Node's encodeOptions(opts): rooms, except, flags. The
// flags hold only what is set, as socket.io's BroadcastOperator sets them.
func appendOpts(b []byte, opts *adapter.Options) []byte {
	b = append(b, `{"rooms":`...)
	b = jsonstr.AppendList(b, opts.Rooms, false)
	b = append(b, `,"except":`...)
	b = jsonstr.AppendList(b, opts.Except, false)
	b = append(b, `,"flags":{`...)
	sep := byte(0)
	field := func(name string) {
		if sep != 0 {
			b = append(b, sep)
		}
		sep = ','
		b = jsonstr.Append(b, name, false)
		b = append(b, ':')
	}
	if opts.Flags.NoCompress {
		// Node's default, compress allowed, goes without the field.
		field("compress")
		b = append(b, "false"...)
	}
	if opts.Flags.Volatile {
		field("volatile")
		b = append(b, "true"...)
	}
	if opts.Flags.Timeout > 0 {
		field("timeout")
		b = strconv.AppendInt(b, opts.Flags.Timeout.Milliseconds(), 10)
	}
	return append(b, "}}"...)
}

// appendEventArray appends [event, ...args].
func appendEventArray(b []byte, p *adapter.Packet) []byte {
	b = append(b, '[')
	b = jsonstr.Append(b, p.Event, false)
	for _, a := range p.Args {
		b = append(b, ',')
		b = append(b, a...)
	}
	return append(b, ']')
}

// broadcastData is BROADCAST's data: {packet, requestId?, opts}, the packet
// unencoded and without nsp or id.
func broadcastData(p *adapter.Packet, opts *adapter.Options, requestID string) []byte {
	b := append(make([]byte, 0, 96+argsLen(p)), `{"packet":{"type":2,"data":`...)
	b = appendEventArray(b, p)
	b = append(b, '}')
	if requestID != "" {
		b = append(b, `,"requestId":`...)
		b = jsonstr.Append(b, requestID, false)
	}
	b = append(b, `,"opts":`...)
	b = appendOpts(b, opts)
	return append(b, '}')
}

func argsLen(p *adapter.Packet) int {
	n := len(p.Event)
	for _, a := range p.Args {
		n += len(a) + 1
	}
	return n
}

// roomsData is SOCKETS_JOIN's and SOCKETS_LEAVE's data: {opts, rooms}.
func roomsData(opts *adapter.Options, rooms []string) []byte {
	b := append([]byte(nil), `{"opts":`...)
	b = appendOpts(b, opts)
	b = append(b, `,"rooms":`...)
	b = jsonstr.AppendList(b, rooms, false)
	return append(b, '}')
}

// disconnectData is DISCONNECT_SOCKETS' data: {opts, close}.
func disconnectData(opts *adapter.Options, close bool) []byte {
	b := append([]byte(nil), `{"opts":`...)
	b = appendOpts(b, opts)
	b = append(b, `,"close":`...)
	b = strconv.AppendBool(b, close)
	return append(b, '}')
}

// fetchData is FETCH_SOCKETS' data: {opts, requestId}.
func fetchData(opts *adapter.Options, requestID string) []byte {
	b := append([]byte(nil), `{"opts":`...)
	b = appendOpts(b, opts)
	b = append(b, `,"requestId":`...)
	b = jsonstr.Append(b, requestID, false)
	return append(b, '}')
}

// serverSideEmitData is SERVER_SIDE_EMIT's data: {requestId?, packet}.
func serverSideEmitData(p *adapter.Packet, requestID string) []byte {
	b := append(make([]byte, 0, 48+argsLen(p)), '{')
	if requestID != "" {
		b = append(b, `"requestId":`...)
		b = jsonstr.Append(b, requestID, false)
		b = append(b, ',')
	}
	b = append(b, `"packet":`...)
	b = appendEventArray(b, p)
	return append(b, '}')
}

// packetResponseData is BROADCAST_ACK's and SERVER_SIDE_EMIT_RESPONSE's
// data: {requestId, packet}, packet being the first answer argument (left
// out, as JavaScript's undefined, when there is none).
func packetResponseData(requestID string, args [][]byte) []byte {
	b := append([]byte(nil), `{"requestId":`...)
	b = jsonstr.Append(b, requestID, false)
	if len(args) > 0 {
		b = append(b, `,"packet":`...)
		b = append(b, args[0]...)
	}
	return append(b, '}')
}

// clientCountData is BROADCAST_CLIENT_COUNT's data: {requestId, clientCount}.
func clientCountData(requestID string, n int) []byte {
	b := append([]byte(nil), `{"requestId":`...)
	b = jsonstr.Append(b, requestID, false)
	b = append(b, `,"clientCount":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '}')
}

// fetchResponseData is FETCH_SOCKETS_RESPONSE's data: {requestId, sockets}
// with each socket as {id, handshake, rooms, data}.
func fetchResponseData(requestID string, sockets []adapter.SocketInfo) ([]byte, error) {
	b := append([]byte(nil), `{"requestId":`...)
	b = jsonstr.Append(b, requestID, false)
	b = append(b, `,"sockets":[`...)
	for i, s := range sockets {
		if i > 0 {
			b = append(b, ',')
		}
		hs, data := s.Handshake, s.Data
		if s.Local != nil {
			hs, data = adapter.Describe(s.Local)
		}
		b = append(b, `{"id":`...)
		b = jsonstr.Append(b, s.ID, false)
		b = append(b, `,"handshake":`...)
		var err error
		if b, err = appendHandshake(b, hs); err != nil {
			return nil, err
		}
		b = append(b, `,"rooms":`...)
		b = jsonstr.AppendList(b, s.Rooms, false)
		b = append(b, `,"data":`...)
		b = append(b, jsonOr(data, "{}")...) // socket.data starts as {} in Node
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}

func appendHandshake(b []byte, hs *adapter.Handshake) ([]byte, error) {
	if hs == nil {
		return append(b, "{}"...), nil
	}
	h := *hs
	h.Auth = jsonOr(h.Auth, "{}")
	if h.Headers == nil {
		h.Headers = map[string]string{}
	}
	if h.Query == nil {
		h.Query = map[string]string{}
	}
	text, err := json.Marshal(&h)
	if err != nil {
		return nil, fmt.Errorf("cluster: handshake of a fetched socket: %w", err)
	}
	return append(b, text...), nil
}

func jsonOr(raw []byte, dflt string) []byte {
	if len(raw) == 0 || string(raw) == "null" {
		return []byte(dflt)
	}
	return raw
}

// wireData is every field a message's data may have.
type wireData struct {
	Packet      json.RawMessage   `json:"packet"`
	Opts        *wireOpts         `json:"opts"`
	RequestID   json.RawMessage   `json:"requestId"`
	Rooms       []json.RawMessage `json:"rooms"`
	Close       bool              `json:"close"`
	ClientCount float64           `json:"clientCount"`
	Sockets     []wireSocket      `json:"sockets"`
}

type wireOpts struct {
	Rooms  []json.RawMessage `json:"rooms"`
	Except []json.RawMessage `json:"except"`
	Flags  struct {
		Volatile bool    `json:"volatile"`
		Compress *bool   `json:"compress"` // absent: true, as in Node
		Local    bool    `json:"local"`
		Timeout  float64 `json:"timeout"`
	} `json:"flags"`
}

type wireSocket struct {
	ID        string            `json:"id"`
	Handshake json.RawMessage   `json:"handshake"`
	Rooms     []json.RawMessage `json:"rooms"`
	Data      json.RawMessage   `json:"data"`
}

func parseData(raw []byte) (*wireData, error) {
	d := new(wireData)
	if len(raw) == 0 {
		return d, nil
	}
	if err := json.Unmarshal(raw, d); err != nil {
		return nil, fmt.Errorf("cluster: message data: %w", err)
	}
	return d, nil
}

// requestID reads the request id: a string, or a number's text; "" when
// absent.
func (d *wireData) requestID() string { return roomName(d.RequestID) }

func (o *wireOpts) options() *adapter.Options {
	if o == nil {
		return &adapter.Options{}
	}
	return &adapter.Options{
		Rooms:  roomNames(o.Rooms),
		Except: roomNames(o.Except),
		Flags: adapter.Flags{
			Volatile:   o.Flags.Volatile,
			NoCompress: o.Flags.Compress != nil && !*o.Flags.Compress,
			Local:      o.Flags.Local,
			Timeout:    time.Duration(o.Flags.Timeout * float64(time.Millisecond)),
		},
	}
}

// roomNames reads rooms, which Node allows to be numbers too.
func roomNames(raw []json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		out = append(out, roomName(r))
	}
	return out
}

func roomName(r json.RawMessage) string {
	if len(r) == 0 || string(r) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(r, &s) == nil {
		return s
	}
	return string(r)
}

// eventPacket reads [event, ...args] (a SERVER_SIDE_EMIT packet, or the
// data of a BROADCAST packet) into a Packet of namespace nsp.
func eventPacket(raw json.RawMessage, nsp string, atts [][]byte) (*adapter.Packet, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || len(items) == 0 {
		return nil, fmt.Errorf("cluster: bad event packet %.40q", raw)
	}
	var event string
	if err := json.Unmarshal(items[0], &event); err != nil {
		return nil, fmt.Errorf("cluster: event name %.40q: %w", items[0], err)
	}
	args := make([][]byte, len(items)-1)
	for i, a := range items[1:] {
		args[i] = a
	}
	return &adapter.Packet{Nsp: nsp, Event: event, Args: args, Attachments: atts}, nil
}

// broadcastPacket reads a BROADCAST's packet {type, data}; nil for a
// packet that is not an event.
func broadcastPacket(raw json.RawMessage, nsp string, atts [][]byte) (*adapter.Packet, error) {
	var pkt struct {
		Type float64         `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &pkt); err != nil {
		return nil, fmt.Errorf("cluster: broadcast packet: %w", err)
	}
	if pkt.Type != 2 && pkt.Type != 5 { // EVENT, BINARY_EVENT
		return nil, nil
	}
	return eventPacket(pkt.Data, nsp, atts)
}
