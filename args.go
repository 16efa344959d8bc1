package tornadio

import (
	"encoding/json"
	"fmt"

	"github.com/tornadio/tornadio/internal/callplan"
	"github.com/tornadio/tornadio/socketio"
)

// Args are the arguments of an event or an acknowledgement, kept as raw JSON
// and decoded on demand. Args are valid only during the callback that
// receives them; Decode copies.
type Args struct {
	raw         [][]byte
	attachments [][]byte
}

// Len is the number of arguments.
func (a Args) Len() int { return len(a.raw) }

// Raw returns argument i as raw JSON (a placeholder object for a binary one).
// The bytes are valid only during the callback.
func (a Args) Raw(i int) []byte { return a.raw[i] }

// Decode decodes argument i into v, like json.Unmarshal; binary attachments
// decode into *[]byte or into any as []byte.
func (a Args) Decode(i int, v any) error {
	if i >= len(a.raw) {
		return fmt.Errorf("tornadio: no argument %d", i)
	}
	return a.decodeInto(i, v)
}

// Values decodes every argument into Go values (any).
func (a Args) Values() ([]any, error) {
	out := make([]any, len(a.raw))
	for i := range a.raw {
		if err := a.decodeInto(i, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (a Args) decodeInto(i int, v any) error { return callplan.Decode(a.raw, a.attachments, i, v) }

// encodeArgs encodes user values as raw JSON arguments, moving []byte values
// into binary attachments.
func encodeArgs(args []any) (raw [][]byte, attachments [][]byte, err error) {
	raw = make([][]byte, len(args))
	for i, v := range args {
		if socketio.HasBinary(v) {
			v, attachments = socketio.Deconstruct(v, attachments)
		}
		switch x := v.(type) {
		case json.RawMessage:
			raw[i] = x
			continue
		case string:
			raw[i] = socketio.AppendJSONString(nil, x)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, nil, fmt.Errorf("tornadio: encode argument %d: %w", i, err)
		}
		raw[i] = b
	}
	return raw, attachments, nil
}
