package pubsub

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/msgpack"
)

var errMalformed = errors.New("pubsub: malformed message")

// decodeBroadcast reads a broadcast tuple [uid, packet, opts] as Node's
// nodes and its emitter write it: keys in any order, fields it does not
// know skipped, numbers of any msgpack width. Binary arguments become
// placeholders and attachments (views of b).
func decodeBroadcast(b []byte) (uid string, p *adapter.Packet, opts *adapter.Options, err error) {
	r := msgpack.NewReader(b)
	n, err := r.ArrayHeader()
	if err != nil {
		return "", nil, nil, err
	}
	if n < 3 {
		return "", nil, nil, fmt.Errorf("%w: a tuple of %d", errMalformed, n)
	}
	if r.IsNil() {
		err = r.Nil()
	} else {
		uid, err = r.Str()
	}
	if err != nil {
		return "", nil, nil, err
	}
	if p, err = readPacket(&r); err != nil {
		return "", nil, nil, err
	}
	if opts, err = readOpts(&r); err != nil {
		return "", nil, nil, err
	}
	return uid, p, opts, nil
}

// readPacket reads Node's unencoded packet {type, data: [event, ...args],
// nsp, id?}.
func readPacket(r *msgpack.Reader) (*adapter.Packet, error) {
	n, err := r.MapHeader()
	if err != nil {
		return nil, err
	}
	p := &adapter.Packet{}
	seenData := false
	for range n {
		key, err := r.StrBytes()
		if err != nil {
			return nil, err
		}
		switch string(key) {
		case "data":
			seenData = true
			if err = readData(r, p); err != nil {
				return nil, err
			}
		case "nsp":
			if p.Nsp, err = r.Str(); err != nil {
				return nil, err
			}
		default:
			if err = r.Skip(); err != nil {
				return nil, err
			}
		}
	}
	if !seenData {
		return nil, fmt.Errorf("%w: a packet without data", errMalformed)
	}
	return p, nil
}

// readData reads [event, ...args]: each argument as JSON text.
func readData(r *msgpack.Reader, p *adapter.Packet) error {
	n, err := r.ArrayHeader()
	if err != nil {
		return err
	}
	if n < 1 {
		return fmt.Errorf("%w: an event without a name", errMalformed)
	}
	if p.Event, err = r.Str(); err != nil {
		return err
	}
	p.Args = make([][]byte, n-1)
	for i := range p.Args {
		var arg []byte
		if arg, p.Attachments, err = r.JSON(nil, p.Attachments); err != nil {
			return err
		}
		p.Args[i] = arg
	}
	return nil
}

// readOpts reads {rooms, except, flags}.
func readOpts(r *msgpack.Reader) (*adapter.Options, error) {
	opts := &adapter.Options{}
	if r.IsNil() {
		return opts, r.Nil()
	}
	n, err := r.MapHeader()
	if err != nil {
		return nil, err
	}
	for range n {
		key, err := r.StrBytes()
		if err != nil {
			return nil, err
		}
		switch string(key) {
		case "rooms":
			opts.Rooms, err = readRooms(r)
		case "except":
			opts.Except, err = readRooms(r)
		case "flags":
			err = readFlags(r, &opts.Flags)
		default:
			err = r.Skip()
		}
		if err != nil {
			return nil, err
		}
	}
	return opts, nil
}

// readRooms reads an array of room names; a number (Node allows numeric
// rooms) becomes its JavaScript text.
func readRooms(r *msgpack.Reader) ([]string, error) {
	if r.IsNil() {
		return nil, r.Nil()
	}
	n, err := r.ArrayHeader()
	if err != nil {
		return nil, err
	}
	rooms := make([]string, 0, n)
	for range n {
		kind, err := r.PeekKind()
		if err != nil {
			return nil, err
		}
		var room string
		if kind == msgpack.KindString {
			room, err = r.Str()
		} else {
			var text []byte
			text, _, err = r.JSON(nil, nil)
			room = string(text)
		}
		if err != nil {
			return nil, err
		}
		rooms = append(rooms, room)
	}
	return rooms, nil
}

// readFlags reads the flags a receiving node acts on (volatile, local,
// timeout, compress: false) and skips the others (broadcast, binary...).
func readFlags(r *msgpack.Reader, f *adapter.Flags) error {
	if r.IsNil() {
		return r.Nil()
	}
	n, err := r.MapHeader()
	if err != nil {
		return err
	}
	for range n {
		key, err := r.StrBytes()
		if err != nil {
			return err
		}
		kind, err := r.PeekKind()
		if err != nil {
			return err
		}
		switch {
		case string(key) == "volatile" && kind == msgpack.KindBool:
			f.Volatile, err = r.Bool()
		case string(key) == "local" && kind == msgpack.KindBool:
			f.Local, err = r.Bool()
		case string(key) == "compress" && kind == msgpack.KindBool:
			var on bool
			on, err = r.Bool()
			f.NoCompress = !on
		case string(key) == "timeout" && (kind == msgpack.KindInt || kind == msgpack.KindFloat):
			var ms int64
			ms, err = r.Int()
			f.Timeout = msDuration(ms)
		default:
			err = r.Skip()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// message is a request or a response in its JSON form, whatever the form
// it came in: every field any request type or response type has.
type message struct {
	UID         *string         `json:"uid"`
	RequestID   string          `json:"requestId"`
	Type        *float64        `json:"type"`
	Rooms       roomNames       `json:"rooms"`
	Opts        *wireOpts       `json:"opts"`
	Sid         string          `json:"sid"`
	Room        json.RawMessage `json:"room"`
	Close       bool            `json:"close"`
	Data        json.RawMessage `json:"data"`
	Packet      json.RawMessage `json:"packet"`
	ClientCount float64         `json:"clientCount"`
	Sockets     json.RawMessage `json:"sockets"`

	attachments [][]byte // the binary values the placeholders of a msgpack message refer to
}

// wireOpts is a request's selection.
type wireOpts struct {
	Rooms  roomNames `json:"rooms"`
	Except roomNames `json:"except"`
}

// selection is the request's selection as Node's receivers use it: rooms
// and except, no flags.
func (o *wireOpts) selection() *adapter.Options {
	return &adapter.Options{Rooms: o.Rooms, Except: o.Except}
}

// roomNames reads a JSON array of room names, numbers as their text.
type roomNames []string

func (rn *roomNames) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			s = string(v)
		}
		out = append(out, s)
	}
	*rn = out
	return nil
}

// decodeMessage reads a request or response: JSON when it starts with '{'
// (as Node tells them apart), msgpack otherwise, transcoded to JSON with
// each bin as a placeholder and an attachment.
func decodeMessage(b []byte) (*message, error) {
	m := &message{}
	text := b
	if len(b) == 0 || b[0] != '{' {
		r := msgpack.NewReader(b)
		var err error
		if text, m.attachments, err = r.JSON(nil, nil); err != nil {
			return nil, err
		}
	}
	if err := json.Unmarshal(text, m); err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformed, err)
	}
	return m, nil
}

// typ is the message's type; -1 without one (the answers to SOCKETS,
// ALL_ROOMS and REMOTE_FETCH have none).
func (m *message) typ() int {
	if m.Type == nil {
		return -1
	}
	return int(*m.Type)
}

// uid is the sender's uid; "" when it sent none (the emitter's
// SocketsJoin, SocketsLeave and DisconnectSockets).
func (m *message) uid() string {
	if m.UID == nil {
		return ""
	}
	return *m.UID
}

// eventPacket makes the packet of a data array [event, ...args].
func eventPacket(nsp string, data json.RawMessage, atts [][]byte) (*adapter.Packet, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil || len(items) == 0 {
		return nil, fmt.Errorf("%w: data is not [event, ...args]", errMalformed)
	}
	p := &adapter.Packet{Nsp: nsp, Attachments: atts}
	if err := json.Unmarshal(items[0], &p.Event); err != nil {
		return nil, fmt.Errorf("%w: the event name is not a string", errMalformed)
	}
	p.Args = make([][]byte, len(items)-1)
	for i, a := range items[1:] {
		p.Args[i] = a
	}
	return p, nil
}

// packetData is the data of a packet object {type, data, nsp}.
func packetData(raw json.RawMessage) (json.RawMessage, error) {
	var pk struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &pk); err != nil || pk.Data == nil {
		return nil, fmt.Errorf("%w: a packet without data", errMalformed)
	}
	return pk.Data, nil
}

// remoteSocket is one socket of a REMOTE_FETCH answer.
type remoteSocket struct {
	ID        string          `json:"id"`
	Handshake json.RawMessage `json:"handshake"`
	Rooms     roomNames       `json:"rooms"`
	Data      json.RawMessage `json:"data"`
}

// decodeSockets reads a REMOTE_FETCH answer's sockets. A handshake whose
// fields are not what tornadio expects (a header sent as an array) keeps
// the fields that are.
func decodeSockets(raw json.RawMessage) []adapter.SocketInfo {
	var list []remoteSocket
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil
	}
	out := make([]adapter.SocketInfo, 0, len(list))
	for _, s := range list {
		info := adapter.SocketInfo{ID: s.ID, Rooms: s.Rooms, Data: s.Data}
		if len(s.Handshake) > 0 && string(s.Handshake) != "null" {
			info.Handshake = &adapter.Handshake{}
			_ = json.Unmarshal(s.Handshake, info.Handshake)
		}
		out = append(out, info)
	}
	return out
}

// roomText is a legacy request's room: a string, or a number's text.
func roomText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return string(raw)
	}
	return ""
}

// msDuration is a JavaScript timeout in milliseconds as a Duration.
func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
