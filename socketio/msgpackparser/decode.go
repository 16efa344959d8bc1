package msgpackparser

import (
	"errors"
	"fmt"
	"math"

	"github.com/tornadio/tornadio/internal/msgpack"
	"github.com/tornadio/tornadio/socketio"
)

// Errors of Decode, each wrapping socketio.ErrBadPacket (as does every
// other error of Decode: a message that is not one msgpack map).
var (
	// ErrTextMessage reports a text message: this encoding has none.
	ErrTextMessage = fmt.Errorf("%w: msgpack packets are binary messages", socketio.ErrBadPacket)
	// ErrType reports a type that is not an integer from 0 to 4.
	ErrType = fmt.Errorf("%w: invalid packet type", socketio.ErrBadPacket)
	// ErrNamespace reports a namespace that is absent or not a string.
	ErrNamespace = fmt.Errorf("%w: invalid namespace", socketio.ErrBadPacket)
	// ErrPayload reports data the packet's type does not allow.
	ErrPayload = fmt.Errorf("%w: invalid payload", socketio.ErrBadPacket)
	// ErrID reports an id that is not a non-negative integer.
	ErrID = fmt.Errorf("%w: invalid packet id", socketio.ErrBadPacket)
)

// undefined is notepack.io's encoding of JavaScript's undefined (fixext 1
// of type 0): a key holding it counts as absent, as in JavaScript.
const undefined = "\xd4\x00\x00"

// fields are the msgpack values of a packet map's keys, nil when absent (a
// key given twice keeps its last value, as in JavaScript).
type fields struct {
	typ, nsp, data, id []byte
}

// Decode reads one binary message: a packet map, checked as
// socket.io-msgpack-parser checks it (see the package doc), its data
// transcoded into out.Buf as JSON with placeholders and its bin values
// handed over as out.Attachments (views of msg). An EVENT's or ACK's
// arguments are split into out.Args. An EVENT the server would ignore
// (empty, unnamed, reserved name) reports false with no error. The parser
// keeps no state between messages; version is not read (protocol 5 and 4
// clients encode packets alike).
func (Parser) Decode(_ *socketio.DecoderState, msg []byte, binary bool, _ int, out *socketio.Decoded) (bool, error) {
	if !binary {
		return false, ErrTextMessage
	}
	f, err := readFields(msg)
	if err != nil {
		return false, err
	}
	t, err := integer(f.typ)
	if err != nil || t < int64(socketio.Connect) || t > int64(socketio.ConnectError) {
		return false, ErrType
	}
	p := socketio.Packet{Type: socketio.PacketType(t), ID: -1}
	r := msgpack.NewReader(f.nsp)
	if f.nsp == nil || !isKind(f.nsp, msgpack.KindString) {
		return false, ErrNamespace
	}
	if p.Namespace, err = r.StrBytes(); err != nil {
		return false, ErrNamespace
	}
	if f.id != nil {
		if p.ID, err = integer(f.id); err != nil || p.ID < 0 {
			return false, ErrID
		}
	}
	if !validData(p.Type, f.data) {
		return false, ErrPayload
	}
	out.Attachments = out.Attachments[:0]
	out.Args = out.Args[:0]
	out.Split = false
	if f.data != nil {
		r.Reset(f.data)
		buf, atts, err := r.JSON(out.Buf[:0], out.Attachments)
		out.Buf, out.Attachments = buf, atts
		if err != nil {
			return false, fmt.Errorf("%w: %w", ErrPayload, err)
		}
		p.Data = buf
	}
	p.Attachments = len(out.Attachments)
	out.Packet = p
	if p.Type != socketio.Event && p.Type != socketio.Ack {
		return true, nil
	}
	args, err := socketio.SplitArray(p.Data, out.Args)
	out.Args = args
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrPayload, err)
	}
	out.Split = true
	if p.Type == socketio.Event && (len(args) == 0 || !socketio.ValidEventName(args[0])) {
		return false, nil
	}
	return true, nil
}

// readFields reads the packet map, which must be the whole message, and
// finds the values of its four keys. Keys that are not strings, and other
// keys (socket.io-client sends "options"), are skipped.
func readFields(msg []byte) (fields, error) {
	var f fields
	r := msgpack.NewReader(msg)
	n, err := r.MapHeader()
	if err != nil {
		return f, fmt.Errorf("%w: not a map: %w", socketio.ErrBadPacket, err)
	}
	for range n {
		var key []byte
		if k, _ := r.PeekKind(); k == msgpack.KindString {
			key, err = r.StrBytes()
		} else {
			err = r.Skip()
		}
		if err != nil {
			return f, fmt.Errorf("%w: %w", socketio.ErrBadPacket, err)
		}
		v, err := r.RawValue()
		if err != nil {
			return f, fmt.Errorf("%w: %w", socketio.ErrBadPacket, err)
		}
		if string(v) == undefined {
			v = nil
		}
		switch string(key) {
		case "type":
			f.typ = v
		case "nsp":
			f.nsp = v
		case "data":
			f.data = v
		case "id":
			f.id = v
		}
	}
	if r.Len() != 0 {
		return f, fmt.Errorf("%w: %d bytes after the packet", socketio.ErrBadPacket, r.Len())
	}
	return f, nil
}

// errNotInteger reports a value that is not an integral number.
var errNotInteger = errors.New("not an integer")

// integer reads v, a whole msgpack value, as JavaScript's Number.isInteger
// sees it: an int of any width, or a float with no fraction, within int64.
func integer(v []byte) (int64, error) {
	if v == nil {
		return 0, errNotInteger
	}
	r := msgpack.NewReader(v)
	switch k, _ := r.PeekKind(); k {
	case msgpack.KindInt:
		return r.Int()
	case msgpack.KindFloat:
		f, err := r.Float64()
		if err != nil || f != math.Trunc(f) || math.IsInf(f, 0) || f < -1<<63 || f >= 1<<63 {
			return 0, errNotInteger
		}
		return int64(f), nil
	}
	return 0, errNotInteger
}

// validData applies socket.io-msgpack-parser's rule for a packet type's
// data (nil when absent).
func validData(t socketio.PacketType, data []byte) bool {
	switch t {
	case socketio.Connect:
		return data == nil || isKind(data, msgpack.KindMap)
	case socketio.Disconnect:
		return data == nil
	case socketio.ConnectError:
		return isKind(data, msgpack.KindString) || isKind(data, msgpack.KindMap)
	}
	return isKind(data, msgpack.KindArray)
}

// isKind reports whether v, a msgpack value or nil, is of kind k.
func isKind(v []byte, k msgpack.Kind) bool {
	if v == nil {
		return false
	}
	r := msgpack.NewReader(v)
	got, err := r.PeekKind()
	return err == nil && got == k
}
