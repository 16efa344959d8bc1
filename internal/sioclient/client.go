// Package sioclient is the Socket.IO side of one Engine.IO session: its
// messages in, decoded by the server's parser (socketio.Parser; the text
// parser assembles binary attachments) into packets and routed by namespace
// to the session's sockets; the answers to CONNECT out, encoded by the same
// parser.
//
// It is where a packet enters the Socket.IO layer: transports calls App's
// Open, Message and Close on the session's loop, and App calls the Hooks
// the root package supplies for what is the public API's business
// (namespace admission, the user's handlers). The package is generic over
// the root's socket type S, so that the root exports nothing for it.
package sioclient

import (
	"encoding/json"

	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/transports"
)

// InvalidNamespace is the message of the CONNECT_ERROR that refuses a
// namespace the server does not have.
const InvalidNamespace = "Invalid namespace"

// Client is the Socket.IO state of one Engine.IO session: its sockets, one
// per namespace, and the parser's state between its messages. On the session's
// loop.
type Client[S comparable] struct {
	Sess    *transports.Session
	app     *App[S]
	sockets []S                   // connected, one per namespace; usually one
	dec     socketio.DecoderState // what the parser keeps between messages
	sio     int8                  // Socket.IO protocol: 5, or 4 for Engine.IO v3 clients
	joined  bool

	// Waiting is the client's ticket in its loop's connect-timeout queue
	// while it waits for its first CONNECT (the hooks keep it; 0: none).
	Waiting uint32
}

// Protocol is the client's Socket.IO protocol revision: 5, or 4 for
// Engine.IO v3 clients.
func (c *Client[S]) Protocol() int { return int(c.sio) }

// Joined reports whether a CONNECT of the client has been accepted.
func (c *Client[S]) Joined() bool { return c.joined }

// Socket returns the client's socket in namespace nsp and whether there is
// one.
func (c *Client[S]) Socket(nsp string) (S, bool) {
	for _, s := range c.sockets {
		if c.app.hooks.NamespaceOf(s) == nsp {
			return s, true
		}
	}
	var none S
	return none, false
}

// Attach adds s to the client's sockets.
func (c *Client[S]) Attach(s S) {
	if c.sockets == nil {
		c.sockets = make([]S, 0, 1)
	}
	c.sockets = append(c.sockets, s)
}

// Detach takes s out of the client's sockets; it reports whether s was
// there.
func (c *Client[S]) Detach(s S) bool {
	for i, x := range c.sockets {
		if x == s {
			n := copy(c.sockets[i:], c.sockets[i+1:])
			var none S
			c.sockets[i+n] = none
			c.sockets = c.sockets[:i+n]
			return true
		}
	}
	return false
}

// Sockets returns a copy of the client's sockets.
func (c *Client[S]) Sockets() []S { return append([]S(nil), c.sockets...) }

// SendConnect answers a successful CONNECT to namespace nsp; pid is the
// private id of connection state recovery, or "".
func (c *Client[S]) SendConnect(nsp, sid, pid string) {
	if !c.joined {
		c.joined = true
		c.app.hooks.Settled(c)
	}
	sc := c.app.hooks.Scratch(c.Sess.Loop())
	var data []byte
	if c.sio >= 5 {
		data = append(sc.Payload[:0], `{"sid":`...)
		data = socketio.AppendJSONString(data, sid)
		if pid != "" {
			data = append(data, `,"pid":`...)
			data = socketio.AppendJSONString(data, pid)
		}
		data = append(data, '}')
		sc.Payload = data
	}
	c.send(sc, socketio.Packet{Type: socketio.Connect, Namespace: []byte(nsp), ID: -1, Data: data})
}

// ConnectError refuses a CONNECT: v5 sends CONNECT_ERROR with a message
// object (and data); v4 an ERROR packet with the data when there is some,
// else the message, as Node does for Engine.IO v3 clients. An unknown
// namespace is refused with a message object on both.
func (c *Client[S]) ConnectError(nsp, msg string, data any) {
	sc := c.app.hooks.Scratch(c.Sess.Loop())
	b := sc.Payload[:0]
	switch {
	case c.sio >= 5 || msg == InvalidNamespace:
		b = append(b, `{"message":`...)
		b = socketio.AppendJSONString(b, msg)
		if data != nil {
			if raw, err := json.Marshal(data); err == nil {
				b = append(b, `,"data":`...)
				b = append(b, raw...)
			}
		}
		b = append(b, '}')
	case data != nil:
		raw, err := json.Marshal(data)
		if err != nil {
			raw = socketio.AppendJSONString(nil, msg)
		}
		b = append(b, raw...)
	default:
		b = socketio.AppendJSONString(b, msg)
	}
	sc.Payload = b
	c.send(sc, socketio.Packet{Type: socketio.ConnectError, Namespace: []byte(nsp), ID: -1, Data: b})
}

// send encodes p, which has no attachments, with the server's parser into
// the loop's scratch and sends it. Its payload is JSON this package made,
// which every parser encodes: an error (a parser refusing it) sends
// nothing.
func (c *Client[S]) send(sc *Scratch, p socketio.Packet) {
	parser := c.app.parser
	b, err := parser.AppendPacket(sc.Buf[:0], p, nil)
	if err != nil {
		return
	}
	c.Sess.Send(b, parser.Binary())
	sc.Buf = b
}
