package tornadio

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/tornadio/tornadio/internal/callplan"
	"github.com/tornadio/tornadio/socketio"
)

// Args are the arguments of an event or an acknowledgement, kept as raw JSON
// and decoded on demand, with the binary attachments they refer to. Args
// are valid only during the callback that receives them; Decode copies.
//
// To pass received arguments on unchanged, give the Args value itself to
// Emit (of a Socket, an Emitter, a namespace or a broadcast) or to an Ack:
// an Args argument stands for the arguments it holds, spread in its place,
// so s.Emit("relay", args) sends exactly the arguments received and
// ack(args) answers with them, and s.Emit("relay", from, args) puts one
// more before them. Their JSON is copied as it came, not re-encoded, and
// their binary attachments go with them (the emit copies both, so the
// Args may be given during the callback and the emit sent later). To send
// them as one array argument instead, give args.Values().
type Args struct {
	raw         [][]byte
	attachments [][]byte
}

// Len is the number of arguments.
func (a Args) Len() int { return len(a.raw) }

// Raw returns argument i as raw JSON. A binary argument (or a binary
// value inside one) is a placeholder object,
// {"_placeholder":true,"num":n}, that means nothing without the Args'
// attachments: decode it with Decode (into a *[]byte, or an any that
// receives []byte), or pass it on with the Args value itself (see Args),
// not as a json.RawMessage of Raw. The bytes are valid only during the
// callback.
func (a Args) Raw(i int) []byte { return a.raw[i] }

// Decode decodes argument i into v, like json.Unmarshal; binary attachments
// decode into *[]byte or into any as []byte.
func (a Args) Decode(i int, v any) error {
	if i >= len(a.raw) {
		return fmt.Errorf("tornadio: no argument %d", i)
	}
	return a.decodeInto(i, v)
}

// Clone returns a copy of the Args that stays valid after the callback
// that received them returns: to keep them, or to emit them later from
// another goroutine.
func (a Args) Clone() Args {
	out := Args{raw: make([][]byte, len(a.raw)), attachments: make([][]byte, len(a.attachments))}
	for i, r := range a.raw {
		out.raw[i] = append([]byte(nil), r...)
	}
	for i, r := range a.attachments {
		out.attachments[i] = append([]byte(nil), r...)
	}
	return out
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
// into binary attachments. An Args value is spread into the arguments it
// holds, copied as they came (see Args).
func encodeArgs(args []any) (raw [][]byte, attachments [][]byte, err error) {
	raw = make([][]byte, 0, len(args))
	// The attachments of the first Args that has any go first, so that its
	// placeholders keep their numbers; the others' are renumbered.
	first := -1
	for i, v := range args {
		if a, ok := v.(Args); ok && len(a.attachments) > 0 {
			first = i
			attachments = copyEach(make([][]byte, 0, len(a.attachments)), a.attachments)
			break
		}
	}
	for i, v := range args {
		if a, ok := v.(Args); ok {
			if i == first || len(a.attachments) == 0 {
				raw = copyEach(raw, a.raw)
				continue
			}
			if raw, attachments, err = a.appendRenumbered(raw, attachments); err != nil {
				return nil, nil, fmt.Errorf("tornadio: encode argument %d: %w", i, err)
			}
			continue
		}
		if socketio.HasBinary(v) {
			v, attachments = socketio.Deconstruct(v, attachments)
		}
		switch x := v.(type) {
		case json.RawMessage:
			raw = append(raw, x)
			continue
		case string:
			raw = append(raw, socketio.AppendJSONString(nil, x))
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, nil, fmt.Errorf("tornadio: encode argument %d: %w", i, err)
		}
		raw = append(raw, b)
	}
	return raw, attachments, nil
}

// copyEach appends a copy of each of src to dst.
func copyEach(dst, src [][]byte) [][]byte {
	for _, b := range src {
		dst = append(dst, append([]byte(nil), b...))
	}
	return dst
}

// appendRenumbered appends a's arguments to raw and their attachments to
// atts, the placeholders renumbered to point past those already in atts:
// each argument with binary values is decoded and encoded again (numbers
// kept as written), the others are copied.
func (a Args) appendRenumbered(raw, atts [][]byte) ([][]byte, [][]byte, error) {
	for i, r := range a.raw {
		if !bytes.Contains(r, []byte(`"_placeholder"`)) && !bytes.Contains(r, []byte(`\u`)) {
			raw = append(raw, append([]byte(nil), r...))
			continue
		}
		d := json.NewDecoder(bytes.NewReader(r))
		d.UseNumber()
		var tree any
		if err := d.Decode(&tree); err != nil {
			return nil, nil, fmt.Errorf("argument %d: %w", i, err)
		}
		tree, err := socketio.Reconstruct(tree, a.attachments)
		if err != nil {
			return nil, nil, fmt.Errorf("argument %d: %w", i, err)
		}
		tree, atts = socketio.Deconstruct(tree, atts)
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(tree); err != nil {
			return nil, nil, fmt.Errorf("argument %d: %w", i, err)
		}
		raw = append(raw, bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	}
	return raw, atts, nil
}
