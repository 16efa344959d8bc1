package emitter

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/tornadio/tornadio/adapter/redis/internal/jsvalue"
	"github.com/tornadio/tornadio/internal/msgpack"
	"github.com/tornadio/tornadio/socketio"
)

// uid is the server uid the emitter puts on its broadcasts and server-side
// emits; nodes only compare it with their own, so it is a constant.
const uid = "emitter"

// Request types of the classic Redis adapter's request channel that the
// emitter sends.
const (
	requestRemoteJoin       = 2
	requestRemoteLeave      = 3
	requestRemoteDisconnect = 4
	requestServerSideEmit   = 6
)

// packetTypeEvent is Socket.IO's EVENT packet type. The packet inside a
// broadcast is the logical packet: binary arguments do not make it a
// BINARY_EVENT there, each node's own encoder does that.
const packetTypeEvent = 2

// ErrAckNotSupported is returned by ServerSideEmit when an argument is a
// function: as in Node's emitter, nothing can answer a process without a
// server.
var ErrAckNotSupported = errors.New("emitter: acknowledgements are not supported")

// reservedEvents are the event names a client reserves for itself; Emit
// refuses them.
var reservedEvents = map[string]bool{
	"connect":        true,
	"connect_error":  true,
	"disconnect":     true,
	"disconnecting":  true,
	"newListener":    true,
	"removeListener": true,
}

// flag is one broadcast flag, kept in the order it was first set: the flags
// travel as a map whose key order is that order.
type flag struct {
	name  string
	value bool
}

// broadcastMessage encodes the msgpack tuple a node of the classic adapter
// reads from a broadcast channel:
//
//	["emitter", {type: 2, data: [event, ...args], nsp}, {rooms, flags, except}]
//
// args are encoded as described in encodeArgs.
func broadcastMessage(nsp, event string, args []any, rooms, except []string, flags []flag) ([]byte, error) {
	raws, atts, err := encodeArgs(args)
	if err != nil {
		return nil, err
	}
	w := msgpack.NewWriter(make([]byte, 0, 64+len(event)))
	w.ArrayHeader(3)
	w.String(uid)

	w.MapHeader(3)
	w.String("type")
	w.Int(packetTypeEvent)
	w.String("data")
	w.ArrayHeader(1 + len(raws))
	if err := writeString(&w, event); err != nil {
		return nil, err
	}
	for i, raw := range raws {
		if err := w.JSON(raw, atts); err != nil {
			return nil, fmt.Errorf("emitter: argument %d: %w", i, err)
		}
	}
	w.String("nsp")
	if err := writeString(&w, nsp); err != nil {
		return nil, err
	}

	w.MapHeader(3)
	w.String("rooms")
	if err := writeStrings(&w, rooms); err != nil {
		return nil, err
	}
	w.String("flags")
	w.MapHeader(len(flags))
	for _, f := range flags {
		w.String(f.name)
		w.Bool(f.value)
	}
	w.String("except")
	if err := writeStrings(&w, except); err != nil {
		return nil, err
	}
	return w.Bytes(), nil
}

// writeString writes s as a str. A Go string that is not valid UTF-8 goes
// through JSON first, which replaces each bad byte with U+FFFD, so that the
// bytes are the ones a JavaScript string could have made.
func writeString(w *msgpack.Writer, s string) error {
	if utf8.ValidString(s) {
		w.String(s)
		return nil
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("emitter: encoding string: %w", err)
	}
	return w.JSON(raw, nil)
}

func writeStrings(w *msgpack.Writer, list []string) error {
	w.ArrayHeader(len(list))
	for _, s := range list {
		if err := writeString(w, s); err != nil {
			return err
		}
	}
	return nil
}

// encodeArgs turns Go values into JSON arguments plus binary attachments,
// the way tornadio's own Emit does: a []byte, at the top or nested in []any
// and map[string]any, becomes a Socket.IO placeholder naming an attachment
// (and so a msgpack bin on the wire); a json.RawMessage is taken as it is;
// anything else goes through encoding/json.
func encodeArgs(args []any) ([][]byte, [][]byte, error) {
	raws := make([][]byte, len(args))
	var atts [][]byte
	for i, v := range args {
		if socketio.HasBinary(v) {
			v, atts = socketio.Deconstruct(v, atts)
		}
		raw, err := marshalArg(v)
		if err != nil {
			return nil, nil, argError(i, err)
		}
		raws[i] = raw
	}
	return raws, atts, nil
}

// argError gives argument i's encoding error its context; a function
// argument's ErrAckNotSupported says enough by itself.
func argError(i int, err error) error {
	if errors.Is(err, ErrAckNotSupported) {
		return err
	}
	return fmt.Errorf("emitter: argument %d: %w", i, err)
}

// marshalArg encodes one argument as JSON; a function (an acknowledgement
// callback elsewhere in Socket.IO) is refused with ErrAckNotSupported.
func marshalArg(v any) ([]byte, error) {
	if raw, ok := v.(json.RawMessage); ok {
		if raw == nil {
			return []byte("null"), nil
		}
		return raw, nil
	}
	if v != nil && reflect.TypeOf(v).Kind() == reflect.Func {
		return nil, ErrAckNotSupported
	}
	return json.Marshal(v)
}

// requestOpts is the opts object of a REMOTE_JOIN/LEAVE/DISCONNECT request:
// rooms and except only, in that order.
type requestOpts struct {
	Rooms  []string `json:"rooms"`
	Except []string `json:"except"`
}

// roomsRequest encodes a REMOTE_JOIN or REMOTE_LEAVE request. Like Node's
// emitter's, it carries no uid (so no node mistakes it for its own echo and
// skips it) and no requestId (nobody answers).
func roomsRequest(typ int, rooms, except, target []string) ([]byte, error) {
	return stringify(struct {
		Type  int         `json:"type"`
		Opts  requestOpts `json:"opts"`
		Rooms []string    `json:"rooms"`
	}{typ, requestOpts{nonNil(rooms), nonNil(except)}, nonNil(target)})
}

// disconnectRequest encodes a REMOTE_DISCONNECT request.
func disconnectRequest(rooms, except []string, close bool) ([]byte, error) {
	return stringify(struct {
		Type  int         `json:"type"`
		Opts  requestOpts `json:"opts"`
		Close bool        `json:"close"`
	}{requestRemoteDisconnect, requestOpts{nonNil(rooms), nonNil(except)}, close})
}

// serverSideEmitRequest encodes a SERVER_SIDE_EMIT request without a
// requestId (no answer wanted): {"uid":"emitter","type":6,"data":[event,
// ...args]}. The request is JSON, as JSON.stringify writes it, so a []byte
// argument becomes what JSON.stringify makes of a Node Buffer:
// {"type":"Buffer","data":[bytes...]}.
func serverSideEmitRequest(event string, args []any) ([]byte, error) {
	data := make([]json.RawMessage, 1+len(args))
	ev, err := json.Marshal(event)
	if err != nil {
		return nil, fmt.Errorf("emitter: event name: %w", err)
	}
	data[0] = ev
	for i, v := range args {
		raw, err := marshalArg(bufferJSON(v))
		if err != nil {
			return nil, argError(i, err)
		}
		data[i+1] = raw
	}
	return stringify(struct {
		UID  string            `json:"uid"`
		Type int               `json:"type"`
		Data []json.RawMessage `json:"data"`
	}{uid, requestServerSideEmit, data})
}

// bufferJSON replaces each []byte in v (at the top or nested in []any and
// map[string]any) by the JSON of a Node Buffer, copying only the containers
// on the way.
func bufferJSON(v any) any {
	if !socketio.HasBinary(v) {
		return v
	}
	return jsvalue.MapBytes(v, func(x []byte) any {
		b := make([]byte, 0, 24+4*len(x))
		b = append(b, `{"type":"Buffer","data":[`...)
		for i, c := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, uint64(c), 10)
		}
		return json.RawMessage(append(b, "]}"...))
	})
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
