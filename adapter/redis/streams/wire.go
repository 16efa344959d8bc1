package streams

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
	"github.com/tornadio/tornadio/internal/msgpack"
)

// The two wire forms of a cluster message in this adapter: a stream entry
// for persistent messages, a whole msgpack message on pub/sub for ephemeral
// ones and every response.

var errNoNamespace = errors.New("stream entry without nsp")

// ephemeral reports whether m goes over pub/sub rather than the stream, as
// Node's isEphemeral: a broadcast with acknowledgement, a server-side emit,
// a socket fetch.
func ephemeral(m *cluster.Message) bool {
	switch m.Type {
	case cluster.Broadcast:
		return m.RequestID != ""
	case cluster.ServerSideEmit, cluster.FetchSockets:
		return true
	}
	return false
}

// entryValues are the fields of the stream entry of m, in the Node
// adapter's order: uid, nsp, type as a decimal string, then data when the
// message has any — JSON.stringify of it, or base64 of its msgpack
// (@msgpack/msgpack) when it holds binary and plaintext is not forced.
func entryValues(m *cluster.Message, onlyPlaintext bool) ([]any, error) {
	v := []any{"uid", m.UID, "nsp", m.Nsp, "type", strconv.Itoa(int(m.Type))}
	if m.Data == nil {
		return v, nil
	}
	if !onlyPlaintext && m.Binary() {
		w := msgpack.NewSafeIntWriter(nil) // @msgpack/msgpack, as Node's streams adapter
		if err := w.JSON(m.Data, m.Attachments); err != nil {
			return nil, fmt.Errorf("streams: encoding the data of a type %d message: %w", m.Type, err)
		}
		return append(v, "data", base64.StdEncoding.EncodeToString(w.Bytes())), nil
	}
	data := m.Data
	if len(m.Attachments) > 0 {
		var err error
		if data, err = buffersAsJSON(m.Data, m.Attachments); err != nil {
			return nil, fmt.Errorf("streams: encoding the data of a type %d message: %w", m.Type, err)
		}
	}
	return append(v, "data", string(data)), nil
}

// decodeEntry reads a stream entry's fields as the Node adapter does: an
// entry without nsp is skipped, type is parsed as an integer, data starting
// with "{" is JSON and anything else base64 msgpack.
func decodeEntry(values map[string]any) (*cluster.Message, error) {
	nsp, _ := values["nsp"].(string)
	if nsp == "" {
		return nil, errNoNamespace
	}
	uid, _ := values["uid"].(string)
	typ, _ := values["type"].(string)
	m := &cluster.Message{UID: uid, Nsp: nsp, Type: cluster.MessageType(parseIntPrefix(typ))}
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
	if m.Data, m.Attachments, err = r.JSON(nil, nil); err != nil {
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
func encodeEphemeral(m *cluster.Message) ([]byte, error) {
	b, err := m.EncodeMsgpack()
	if err != nil {
		return nil, fmt.Errorf("streams: encoding a type %d message: %w", m.Type, err)
	}
	return b, nil
}

// decodeEphemeral reads a pub/sub payload (msgpack; JSON is taken too).
func decodeEphemeral(b []byte) (*cluster.Message, error) { return cluster.Decode(b) }
