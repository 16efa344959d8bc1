// Package msgpackparser is the Socket.IO packet encoding of
// socket.io-msgpack-parser (npm, 3.x), as a socketio.Parser for the
// server's WithParser option. Clients use it with
//
//	io(url, { parser: require("socket.io-msgpack-parser") })
//
// Each packet is one binary Engine.IO message: the MessagePack encoding
// (as notepack.io 2.2 writes it) of the packet object itself, a map of
// "type", "nsp", "data" and "id", whose binary values (Node Buffers) are
// MessagePack bin inside the data. There are no BINARY_EVENT or BINARY_ACK
// packets and no attachments travelling apart.
//
// Inside the server a packet stays in socketio's text form (JSON with
// placeholders, attachments beside it); the parser transcodes directly
// between the two, with no intermediate Go values: a bin becomes a
// placeholder and its attachment (a view of the message), a placeholder
// becomes a bin. Maps keep their key order both ways, integers take the
// smallest form notepack.io picks, other numbers are float64.
//
// Decoding checks a packet as socket.io-msgpack-parser does (type an
// integer 0-4, nsp a string, data absent or an object for CONNECT, absent
// for DISCONNECT, a string or an object for CONNECT_ERROR, an array
// otherwise, id absent or an integer) and refuses a message that is not a
// single MessagePack map or that has bytes after it; the server closes such
// a session, as Node does. Beyond that:
//   - an EVENT whose data is empty, or whose first element is not a string
//     or is a reserved event name ("connect", "disconnect", ...), is
//     dropped: the parser accepts it, as Node's does, but Node would
//     dispatch it under no name a handler can register (or as its own
//     reserved event), so tornadio ignores it and keeps the session;
//   - a negative ack id is refused (Node would answer it);
//   - a text message is refused: this encoding has none.
package msgpackparser

import (
	"github.com/tornadio/tornadio/internal/msgpack"
	"github.com/tornadio/tornadio/socketio"
)

// Parser is socket.io-msgpack-parser's encoding. The zero value is ready;
// it holds no state and is safe for concurrent use.
type Parser struct{}

var _ socketio.Parser = Parser{}

// Binary reports true: each packet is one binary message, its binary
// values inside.
func (Parser) Binary() bool { return true }

// AppendEvent appends {type: 2, data: [event, ...args], id, nsp}, in the
// key order of Node's Socket.emit (id only when it is not negative). The
// placeholders of args become bin values holding atts.
func (Parser) AppendEvent(dst []byte, nsp string, id int64, event string, args, atts [][]byte) ([]byte, error) {
	w := msgpack.NewWriter(dst)
	w.MapHeader(mapLen(3, id >= 0))
	w.String("type")
	w.Int(int64(socketio.Event))
	w.String("data")
	w.ArrayHeader(1 + len(args))
	w.String(event)
	if err := appendValues(&w, args, atts); err != nil {
		return dst, err
	}
	if id >= 0 {
		w.String("id")
		w.Int(id)
	}
	w.String("nsp")
	w.String(nsp)
	return w.Bytes(), nil
}

// AppendAck appends {id, type: 3, data: [...args], nsp}, in the key order
// of Node's Socket.ack.
func (Parser) AppendAck(dst []byte, nsp string, id int64, args, atts [][]byte) ([]byte, error) {
	w := msgpack.NewWriter(dst)
	w.MapHeader(4)
	w.String("id")
	w.Int(id)
	w.String("type")
	w.Int(int64(socketio.Ack))
	w.String("data")
	w.ArrayHeader(len(args))
	if err := appendValues(&w, args, atts); err != nil {
		return dst, err
	}
	w.String("nsp")
	w.String(nsp)
	return w.Bytes(), nil
}

// AppendPacket appends {type, data, id, nsp} (data when p.Data is not nil,
// id when it is not negative; an ACK's id first, as for AppendAck). The
// binary types are written as EVENT and ACK: this encoding carries binary
// values inside any packet. An empty namespace is written "/".
func (Parser) AppendPacket(dst []byte, p socketio.Packet, atts [][]byte) ([]byte, error) {
	t := p.Type
	switch t {
	case socketio.BinaryEvent:
		t = socketio.Event
	case socketio.BinaryAck:
		t = socketio.Ack
	}
	w := msgpack.NewWriter(dst)
	n := 2
	if p.Data != nil {
		n++
	}
	w.MapHeader(mapLen(n, p.ID >= 0))
	if t == socketio.Ack && p.ID >= 0 {
		w.String("id")
		w.Int(p.ID)
	}
	w.String("type")
	w.Int(int64(t))
	if p.Data != nil {
		w.String("data")
		if err := w.JSON(p.Data, atts); err != nil {
			return dst, err
		}
	}
	if t != socketio.Ack && p.ID >= 0 {
		w.String("id")
		w.Int(p.ID)
	}
	w.String("nsp")
	if len(p.Namespace) == 0 {
		w.String("/")
	} else {
		w.StringBytes(p.Namespace)
	}
	return w.Bytes(), nil
}

// mapLen is a packet map's size: n keys, and the id when there is one.
func mapLen(n int, hasID bool) int {
	if hasID {
		return n + 1
	}
	return n
}

// appendValues transcodes raw JSON values, their placeholders naming atts.
func appendValues(w *msgpack.Writer, args, atts [][]byte) error {
	for _, a := range args {
		if err := w.JSON(a, atts); err != nil {
			return err
		}
	}
	return nil
}
