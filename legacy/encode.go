package legacy

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// AppendEncode appends v as one framed message, the way a handler's Send
// turns a Go value into the wire:
//
//   - nil gives an empty message, "~m~0~m~" (as null and undefined in the
//     reference);
//   - a string, or a []byte that is not a json.RawMessage, goes as text;
//   - a json.RawMessage goes as "~j~" and the JSON, compacted;
//   - any other value goes as "~j~" and its encoding/json encoding, compact
//     and without HTML escaping, like JavaScript's JSON.stringify.
//
// This differs from socket.io-node 0.6, which sent only plain objects as
// JSON and turned numbers and booleans into text with String(x) and an
// array into several messages; a Go caller who wants that writes
// AppendText(dst, strconv.Itoa(n)) or one AppendEncode per element.
// encoding/json escapes U+2028 and U+2029 where JSON.stringify does not; the
// decoded value is the same.
//
// On error (a value encoding/json cannot encode, invalid raw JSON) dst is
// returned unchanged.
func AppendEncode(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return AppendText(dst, ""), nil
	case string:
		return AppendText(dst, v), nil
	case json.RawMessage:
		return appendFramedJSON(dst, func(b *bytes.Buffer) error { return json.Compact(b, v) })
	case []byte:
		return AppendMessage(dst, v), nil
	}
	return appendFramedJSON(dst, func(b *bytes.Buffer) error {
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		return nil
	})
}

// Encode returns v as one framed message; see [AppendEncode].
func Encode(v any) ([]byte, error) { return AppendEncode(nil, v) }

// appendFramedJSON writes "~j~" and the JSON produced by write after dst,
// then moves it right to make room for the "~m~LEN~m~" header, so the JSON
// is encoded once, in place.
func appendFramedJSON(dst []byte, write func(*bytes.Buffer) error) ([]byte, error) {
	start := len(dst)
	b := bytes.NewBuffer(dst)
	b.WriteString(jsonMarker)
	if err := write(b); err != nil {
		return dst[:start], err
	}
	out := b.Bytes()
	var hdr [2*len(frameMarker) + 20]byte
	h := append(hdr[:0], frameMarker...)
	h = strconv.AppendInt(h, int64(UTF16Len(out[start:])), 10)
	h = append(h, frameMarker...)
	n := len(out)
	out = append(out, h...) // grow by len(h)
	copy(out[start+len(h):], out[start:n])
	copy(out[start:], h)
	return out, nil
}
