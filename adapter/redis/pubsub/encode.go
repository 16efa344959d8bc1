package pubsub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/internal/jsonstr"
	"github.com/tornadio/tornadio/internal/msgpack"
)

// The request types of @socket.io/redis-adapter, as every message carries
// them in its "type" field.
const (
	typeSockets              = 0
	typeAllRooms             = 1
	typeRemoteJoin           = 2
	typeRemoteLeave          = 3
	typeRemoteDisconnect     = 4
	typeRemoteFetch          = 5
	typeServerSideEmit       = 6
	typeBroadcast            = 7
	typeBroadcastClientCount = 8
	typeBroadcastAck         = 9
)

// packetTypeEvent is the Socket.IO packet type Node puts in an adapter
// message's packet: EVENT, even when the arguments hold binary (the
// BINARY_EVENT form exists only in each node's own encoder).
const packetTypeEvent = 2

// The encoders below write each message with the keys, in the order and
// with the encoding (JSON as JSON.stringify writes it, msgpack as
// notepack.io writes it) that a Node node writes for the same message.

// encodeBroadcast is a broadcast: msgpack [uid, packet, opts].
func encodeBroadcast(uid string, p *adapter.Packet, opts *adapter.Options) ([]byte, error) {
	w := msgpack.NewWriter(make([]byte, 0, 64+packetSize(p)))
	w.ArrayHeader(3)
	w.String(uid)
	if err := writePacket(&w, p); err != nil {
		return nil, err
	}
	writeOpts(&w, opts)
	return w.Bytes(), nil
}

// encodeBroadcastRequest is a broadcast with acknowledgement: msgpack
// {uid, requestId, type: 7, packet, opts}.
func encodeBroadcastRequest(uid, requestID string, p *adapter.Packet, opts *adapter.Options) ([]byte, error) {
	w := msgpack.NewWriter(make([]byte, 0, 96+packetSize(p)))
	w.MapHeader(5)
	w.String("uid")
	w.String(uid)
	w.String("requestId")
	w.String(requestID)
	w.String("type")
	w.Int(typeBroadcast)
	w.String("packet")
	if err := writePacket(&w, p); err != nil {
		return nil, err
	}
	w.String("opts")
	writeOpts(&w, opts)
	return w.Bytes(), nil
}

// encodeBroadcastAck is one client's answer to a broadcast with
// acknowledgement: msgpack {type: 9, requestId, packet: answer}, the answer
// being the client's first argument (the key is left out when it sent
// none, as notepack drops undefined values).
func encodeBroadcastAck(requestID string, args, atts [][]byte) ([]byte, error) {
	w := msgpack.NewWriter(make([]byte, 0, 32+argsSize(args, atts)))
	if len(args) == 0 {
		w.MapHeader(2)
	} else {
		w.MapHeader(3)
	}
	w.String("type")
	w.Int(typeBroadcastAck)
	w.String("requestId")
	w.String(requestID)
	if len(args) > 0 {
		w.String("packet")
		if err := w.JSON(args[0], atts); err != nil {
			return nil, fmt.Errorf("pubsub: encoding an ack answer: %w", err)
		}
	}
	return w.Bytes(), nil
}

// writePacket writes Node's unencoded packet {type: 2, data: [event,
// ...args], nsp}, binary attachments as bin.
func writePacket(w *msgpack.Writer, p *adapter.Packet) error {
	w.MapHeader(3)
	w.String("type")
	w.Int(packetTypeEvent)
	w.String("data")
	w.ArrayHeader(1 + len(p.Args))
	w.String(p.Event)
	for i, a := range p.Args {
		if err := w.JSON(a, p.Attachments); err != nil {
			return fmt.Errorf("pubsub: encoding argument %d of %q: %w", i, p.Event, err)
		}
	}
	w.String("nsp")
	w.String(p.Nsp)
	return nil
}

// writeOpts writes {rooms, except, flags}; flags holds what Node's
// BroadcastOperator sets (volatile, timeout in ms), never local.
func writeOpts(w *msgpack.Writer, opts *adapter.Options) {
	w.MapHeader(3)
	w.String("rooms")
	writeStrings(w, opts.Rooms)
	w.String("except")
	writeStrings(w, opts.Except)
	w.String("flags")
	n := 0
	if opts.Flags.Volatile {
		n++
	}
	if opts.Flags.Timeout > 0 {
		n++
	}
	w.MapHeader(n)
	if opts.Flags.Volatile {
		w.String("volatile")
		w.Bool(true)
	}
	if opts.Flags.Timeout > 0 {
		w.String("timeout")
		w.Int(opts.Flags.Timeout.Milliseconds())
	}
}

func writeStrings(w *msgpack.Writer, list []string) {
	w.ArrayHeader(len(list))
	for _, s := range list {
		w.String(s)
	}
}

func packetSize(p *adapter.Packet) int {
	return len(p.Event) + len(p.Nsp) + argsSize(p.Args, p.Attachments)
}

func argsSize(args, atts [][]byte) int {
	n := 0
	for _, a := range args {
		n += len(a) + 2
	}
	for _, a := range atts {
		n += len(a) + 5
	}
	return n
}

// jsonObject builds a JSON object key by key, as JSON.stringify writes it.
type jsonObject struct{ b []byte }

func newJSONObject() *jsonObject { return &jsonObject{b: append(make([]byte, 0, 128), '{')} }

func (o *jsonObject) key(k string) {
	if len(o.b) > 1 {
		o.b = append(o.b, ',')
	}
	o.b = jsonstr.Append(o.b, k, false)
	o.b = append(o.b, ':')
}

func (o *jsonObject) str(k, v string) *jsonObject {
	o.key(k)
	o.b = jsonstr.Append(o.b, v, false)
	return o
}

func (o *jsonObject) int(k string, v int) *jsonObject {
	o.key(k)
	o.b = strconv.AppendInt(o.b, int64(v), 10)
	return o
}

func (o *jsonObject) bool(k string, v bool) *jsonObject {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
	return o
}

func (o *jsonObject) raw(k string, v []byte) *jsonObject {
	o.key(k)
	o.b = append(o.b, v...)
	return o
}

func (o *jsonObject) strs(k string, list []string) *jsonObject {
	o.key(k)
	o.b = jsonstr.AppendList(o.b, list, false)
	return o
}

// selection writes the opts of REMOTE_JOIN/LEAVE/DISCONNECT/FETCH:
// {rooms, except}, without flags.
func (o *jsonObject) selection(opts *adapter.Options) *jsonObject {
	o.key("opts")
	o.b = append(o.b, `{"rooms":`...)
	o.b = jsonstr.AppendList(o.b, opts.Rooms, false)
	o.b = append(o.b, `,"except":`...)
	o.b = jsonstr.AppendList(o.b, opts.Except, false)
	o.b = append(o.b, '}')
	return o
}

func (o *jsonObject) bytes() []byte { return append(o.b, '}') }

// requester starts a request: {uid, requestId (when one is given), type}.
func requester(uid, requestID string, typ int) *jsonObject {
	o := newJSONObject().str("uid", uid)
	if requestID != "" {
		o.str("requestId", requestID)
	}
	return o.int("type", typ)
}

// encodeRoomsRequest is SocketsJoin (type 2) or SocketsLeave (type 3):
// {uid, type, opts: {rooms, except}, rooms}.
func encodeRoomsRequest(uid string, typ int, opts *adapter.Options, rooms []string) []byte {
	return requester(uid, "", typ).selection(opts).strs("rooms", rooms).bytes()
}

// encodeDisconnectRequest is DisconnectSockets: {uid, type: 4, opts, close}.
func encodeDisconnectRequest(uid string, opts *adapter.Options, close bool) []byte {
	return requester(uid, "", typeRemoteDisconnect).selection(opts).bool("close", close).bytes()
}

// encodeFetchRequest is FetchSockets: {uid, requestId, type: 5, opts}.
func encodeFetchRequest(uid, requestID string, opts *adapter.Options) []byte {
	return requester(uid, requestID, typeRemoteFetch).selection(opts).bytes()
}

// encodeAllRoomsRequest is AllRooms: {uid, requestId, type: 1}.
func encodeAllRoomsRequest(uid, requestID string) []byte {
	return requester(uid, requestID, typeAllRooms).bytes()
}

// encodeServerSideEmit is ServerSideEmit: {uid, requestId (with an answer
// wanted), type: 6, data: [event, ...args]}, binary as Node's Buffer JSON.
func encodeServerSideEmit(uid, requestID string, p *adapter.Packet) []byte {
	data := append(make([]byte, 0, 16+packetSize(p)), '[')
	data = jsonstr.Append(data, p.Event, false)
	for _, a := range p.Args {
		data = append(data, ',')
		data = append(data, bufferJSON(a, p.Attachments)...)
	}
	data = append(data, ']')
	return requester(uid, requestID, typeServerSideEmit).raw("data", data).bytes()
}

// encodeServerSideAnswer is a listener's answer to a server-side emit:
// {type: 6, requestId, data: answer} (no data when it answered nothing).
func encodeServerSideAnswer(requestID string, args, atts [][]byte) []byte {
	o := newJSONObject().int("type", typeServerSideEmit).str("requestId", requestID)
	if len(args) > 0 {
		o.raw("data", bufferJSON(args[0], atts))
	}
	return o.bytes()
}

// encodeClientCount is a node's count of the clients a broadcast with
// acknowledgement asked: {type: 8, requestId, clientCount}.
func encodeClientCount(requestID string, n int) []byte {
	return newJSONObject().int("type", typeBroadcastClientCount).str("requestId", requestID).int("clientCount", n).bytes()
}

// encodeRoomsResponse answers ALL_ROOMS: {requestId, rooms}.
func encodeRoomsResponse(requestID string, rooms []string) []byte {
	return newJSONObject().str("requestId", requestID).strs("rooms", rooms).bytes()
}

// encodeSocketIDsResponse answers SOCKETS: {requestId, sockets: [id...]}.
func encodeSocketIDsResponse(requestID string, ids []string) []byte {
	return newJSONObject().str("requestId", requestID).strs("sockets", ids).bytes()
}

// encodeDoneResponse answers a legacy (one socket id) join, leave or
// disconnect: {requestId}.
func encodeDoneResponse(requestID string) []byte {
	return newJSONObject().str("requestId", requestID).bytes()
}

// encodeFetchResponse answers REMOTE_FETCH: {requestId, sockets: [{id,
// handshake, rooms, data}]}; a socket without data leaves data out, as
// JSON.stringify does with undefined.
func encodeFetchResponse(requestID string, sockets []adapter.SocketInfo) []byte {
	b := newJSONObject().str("requestId", requestID)
	b.key("sockets")
	b.b = append(b.b, '[')
	for i, s := range sockets {
		if i > 0 {
			b.b = append(b.b, ',')
		}
		hs, data := s.Handshake, s.Data
		if s.Local != nil {
			hs, data = adapter.Describe(s.Local)
		}
		o := newJSONObject().str("id", s.ID)
		if hs != nil {
			o.raw("handshake", marshalHandshake(hs))
		}
		o.strs("rooms", s.Rooms)
		if len(data) > 0 {
			o.raw("data", data)
		}
		b.b = append(b.b, o.bytes()...)
	}
	b.b = append(b.b, ']')
	return b.bytes()
}

// marshalHandshake writes the handshake with its keys in Node's order and
// without HTML escaping (JSON.stringify escapes no '<', '>' or '&').
func marshalHandshake(hs *adapter.Handshake) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	h := *hs
	if len(h.Auth) == 0 {
		h.Auth = json.RawMessage("{}")
	}
	if err := enc.Encode(&h); err != nil {
		return []byte("{}")
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// bufferJSON replaces the binary placeholders of a tornadio argument with
// what JSON.stringify writes for a Node Buffer, {"type":"Buffer","data":
// [bytes...]}: JSON messages carry binary that way. tornadio writes each
// placeholder as {"_placeholder":true,"num":N}, text that cannot occur
// inside a JSON string (its quotes would be escaped there).
func bufferJSON(arg []byte, atts [][]byte) []byte {
	if len(atts) == 0 || !bytes.Contains(arg, []byte(`"_placeholder"`)) {
		return arg
	}
	out := arg
	for i, a := range atts {
		ph := []byte(`{"_placeholder":true,"num":` + strconv.Itoa(i) + `}`)
		if !bytes.Contains(out, ph) {
			continue
		}
		buf := append(make([]byte, 0, 32+4*len(a)), `{"type":"Buffer","data":[`...)
		for j, c := range a {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendUint(buf, uint64(c), 10)
		}
		buf = append(buf, "]}"...)
		out = bytes.ReplaceAll(out, ph, buf)
	}
	return out
}
