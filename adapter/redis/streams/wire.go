package streams

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"github.com/tornadio/tornadio/adapter/redis/internal/msgpack"
)

// wireMessage is a ClusterAdapter message as this package moves it: Data is
// the message's data as JSON in which binary values are Socket.IO
// placeholders into Atts (nil Data: the message has none).
type wireMessage struct {
	UID  string
	Nsp  string
	Type int
	Data []byte
	Atts [][]byte
}

// The ClusterAdapter message types whose data may hold binary: only these
// are ever written as msgpack in a stream entry.
func mayContainBinary(typ int) bool {
	switch typ {
	case 3, 8, 9, 10, 12: // BROADCAST, FETCH_SOCKETS_RESPONSE, SERVER_SIDE_EMIT(_RESPONSE), BROADCAST_ACK
		return true
	}
	return false
}

var errNoNamespace = errors.New("stream entry without nsp")

// entryValues are the fields of the stream entry of m, in the Node
// adapter's order: uid, nsp, type as a decimal string, then data when the
// message has any — JSON.stringify of it, or base64 of its msgpack
// (@msgpack/msgpack) when it holds binary and plaintext is not forced.
func entryValues(m *wireMessage, onlyPlaintext bool) ([]any, error) {
	v := []any{"uid", m.UID, "nsp", m.Nsp, "type", strconv.Itoa(m.Type)}
	if m.Data == nil {
		return v, nil
	}
	if len(m.Atts) > 0 && !onlyPlaintext && mayContainBinary(m.Type) {
		var w msgpack.Writer
		if err := w.JSON(m.Data, m.Atts); err != nil {
			return nil, fmt.Errorf("streams: encoding the data of a type %d message: %w", m.Type, err)
		}
		return append(v, "data", base64.StdEncoding.EncodeToString(w.Bytes())), nil
	}
	data := m.Data
	if len(m.Atts) > 0 {
		var err error
		if data, err = buffersAsJSON(m.Data, m.Atts); err != nil {
			return nil, fmt.Errorf("streams: encoding the data of a type %d message: %w", m.Type, err)
		}
	}
	return append(v, "data", string(data)), nil
}

// decodeEntry reads a stream entry's fields as the Node adapter does: an
// entry without nsp is skipped, type is parsed as an integer, data starting
// with "{" is JSON and anything else base64 msgpack.
func decodeEntry(values map[string]any) (*wireMessage, error) {
	nsp, _ := values["nsp"].(string)
	if nsp == "" {
		return nil, errNoNamespace
	}
	uid, _ := values["uid"].(string)
	typ, _ := values["type"].(string)
	m := &wireMessage{UID: uid, Nsp: nsp, Type: parseIntPrefix(typ)}
	data, _ := values["data"].(string)
	if data == "" {
		return m, nil
	}
	if data[0] == '{' {
		m.Data = []byte(data)
		return m, nil
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, fmt.Errorf("streams: entry data neither JSON nor base64: %w", err)
	}
	r := msgpack.NewReader(raw)
	if m.Data, m.Atts, err = r.JSON(nil, nil); err != nil {
		return nil, fmt.Errorf("streams: entry data: %w", err)
	}
	return m, nil
}

// parseIntPrefix is JavaScript's parseInt(s, 10) for the integers the
// adapter meets: the leading decimal digits (with a sign), -1 when none.
func parseIntPrefix(s string) int {
	i, neg := 0, false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	start, n := i, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if i == start {
		return -1
	}
	if neg {
		return -n
	}
	return n
}

// encodeEphemeral is the pub/sub payload of m: the whole message as
// @msgpack/msgpack encodes Node's object {type, data, uid, nsp}, type as an
// integer.
func encodeEphemeral(m *wireMessage) ([]byte, error) {
	n := 3
	if m.Data != nil {
		n = 4
	}
	var w msgpack.Writer
	w.MapHeader(n)
	w.String("type")
	w.Int(int64(m.Type))
	if m.Data != nil {
		w.String("data")
		if err := w.JSON(m.Data, m.Atts); err != nil {
			return nil, fmt.Errorf("streams: encoding a type %d message: %w", m.Type, err)
		}
	}
	w.String("uid")
	w.String(m.UID)
	w.String("nsp")
	w.String(m.Nsp)
	return w.Bytes(), nil
}

// decodeEphemeral reads a pub/sub payload: a msgpack map with type, data,
// uid and nsp in any order (other keys ignored).
func decodeEphemeral(b []byte) (*wireMessage, error) {
	r := msgpack.NewReader(b)
	n, err := r.MapHeader()
	if err != nil {
		return nil, fmt.Errorf("streams: pub/sub message: %w", err)
	}
	m := &wireMessage{Type: -1}
	for range n {
		key, err := r.Str()
		if err != nil {
			return nil, fmt.Errorf("streams: pub/sub message key: %w", err)
		}
		switch key {
		case "type":
			var t int64
			t, err = r.Int()
			m.Type = int(t)
		case "data":
			m.Data, m.Atts, err = r.JSON(nil, nil)
		case "uid":
			if r.IsNil() {
				err = r.Nil()
			} else {
				m.UID, err = r.Str()
			}
		case "nsp":
			m.Nsp, err = r.Str()
		default:
			err = r.Skip()
		}
		if err != nil {
			return nil, fmt.Errorf("streams: pub/sub message %q: %w", key, err)
		}
	}
	return m, nil
}
