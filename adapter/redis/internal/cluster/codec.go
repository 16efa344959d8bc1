package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/tornadio/tornadio/internal/jsonstr"
	"github.com/tornadio/tornadio/internal/msgpack"
)

// placeholderKey marks a Socket.IO binary placeholder in JSON data.
var placeholderKey = []byte(`"_placeholder"`)

// HasBinary reports whether m's data holds a binary value, as Node's
// hasBinary tells of the data object.
func (m *Message) HasBinary() bool {
	return len(m.Attachments) > 0 && bytes.Contains(m.Data, placeholderKey)
}

// Binary reports whether m goes on the wire as msgpack: its type may carry
// binary and its data does.
func (m *Message) Binary() bool { return m.Type.MayCarryBinary() && m.HasBinary() }

// AppendJSON appends m as the JSON object Node's transports stringify:
// keys type, data, uid, nsp (data left out when nil, uid when empty), with
// placeholders left in place.
func (m *Message) AppendJSON(b []byte) []byte {
	b = append(b, `{"type":`...)
	b = strconv.AppendInt(b, int64(m.Type), 10)
	if m.Data != nil {
		b = append(b, `,"data":`...)
		b = append(b, m.Data...)
	}
	if m.UID != "" {
		b = append(b, `,"uid":`...)
		b = jsonstr.Append(b, m.UID, false)
	}
	b = append(b, `,"nsp":`...)
	b = jsonstr.Append(b, m.Nsp, false)
	return append(b, '}')
}

// Encode returns m as the sharded adapter (and the streams adapter's
// pub/sub side, through EncodeMsgpack) puts it on Redis: JSON, or, when
// Binary, msgpack of the whole message with each placeholder as bin.
func (m *Message) Encode() ([]byte, error) {
	text := m.AppendJSON(make([]byte, 0, m.jsonLen()))
	if !m.Binary() {
		return text, nil
	}
	return toMsgpack(msgpack.NewWriter(make([]byte, 0, len(text))), text, m.Attachments)
}

// EncodeMsgpack returns m as msgpack whatever it holds, as the streams
// adapter's library (@msgpack/msgpack) writes it: its pub/sub messages are
// always msgpack.
func (m *Message) EncodeMsgpack() ([]byte, error) {
	text := m.AppendJSON(make([]byte, 0, m.jsonLen()))
	return toMsgpack(msgpack.NewSafeIntWriter(make([]byte, 0, len(text))), text, m.Attachments)
}

// jsonLen is about the length of m's JSON, uid and nsp quoted plainly.
func (m *Message) jsonLen() int { return 40 + len(m.Data) + len(m.UID) + len(m.Nsp) }

// EncodeData returns m's data alone, as the streams adapter stores it in a
// stream entry: its JSON, or msgpack of it (binary true, as @msgpack/msgpack
// writes it) when Binary.
func (m *Message) EncodeData() (data []byte, binary bool, err error) {
	if m.Data == nil {
		return nil, false, nil
	}
	if !m.Binary() {
		return m.Data, false, nil
	}
	data, err = toMsgpack(msgpack.NewSafeIntWriter(make([]byte, 0, len(m.Data))), m.Data, m.Attachments)
	return data, true, err
}

// toMsgpack transcodes a message's JSON text (with its attachments) with w.
func toMsgpack(w msgpack.Writer, text []byte, atts [][]byte) ([]byte, error) {
	if err := w.JSON(text, atts); err != nil {
		return nil, fmt.Errorf("cluster: message to msgpack: %w", err)
	}
	return w.Bytes(), nil
}

// Decode reads a message as Node's sharded and streams adapters send it:
// JSON when it starts with '{', msgpack otherwise. Numbers may be ints or
// floats; uid may be missing.
func Decode(raw []byte) (*Message, error) {
	text, atts, err := toJSON(raw)
	if err != nil {
		return nil, err
	}
	var wire struct {
		Type json.Number     `json:"type"`
		Data json.RawMessage `json:"data"`
		UID  string          `json:"uid"`
		Nsp  string          `json:"nsp"`
	}
	if err := json.Unmarshal(text, &wire); err != nil {
		return nil, fmt.Errorf("cluster: decode message: %w", err)
	}
	t, err := parseType(string(wire.Type))
	if err != nil {
		return nil, err
	}
	m := &Message{Type: t, UID: wire.UID, Nsp: wire.Nsp, Attachments: atts}
	if len(wire.Data) > 0 && string(wire.Data) != "null" {
		m.Data = wire.Data
	}
	return m, nil
}

// DecodeData reads the data of a stream entry (JSON when it starts with
// '{', msgpack otherwise) into JSON with placeholders and attachments.
func DecodeData(raw []byte) (data []byte, atts [][]byte, err error) {
	return toJSON(raw)
}

// ParseType reads a message type as a stream entry carries it (decimal
// text) or as JSON has it (a number, maybe with a fraction of zero).
func ParseType(s string) (MessageType, error) { return parseType(s) }

func parseType(s string) (MessageType, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int(f)) || f < 0 || f > 1<<20 {
		return 0, fmt.Errorf("cluster: bad message type %q", s)
	}
	return MessageType(int(f)), nil
}

func toJSON(raw []byte) ([]byte, [][]byte, error) {
	if len(raw) == 0 {
		return nil, nil, errors.New("cluster: empty message")
	}
	if raw[0] == '{' {
		return raw, nil, nil
	}
	r := msgpack.NewReader(raw)
	text, atts, err := r.JSON(make([]byte, 0, len(raw)+len(raw)/2), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: decode msgpack message: %w", err)
	}
	return text, atts, nil
}
