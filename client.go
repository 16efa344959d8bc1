package tornadio

import (
	"encoding/json"
	"net/url"

	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/transports"
)

const transportsParseError = transports.ReasonParseError

// client is the Socket.IO state of one Engine.IO session: its sockets by
// namespace and the binary packet being assembled. On the session's loop.
type client struct {
	srv       *Server
	sess      *transports.Session
	sockets   []*Socket // connected, one per namespace; usually one
	asm       *socketio.Assembler
	connected int32 // sockets ever attached and not detached
	sio       int8  // Socket.IO protocol: 5, or 4 for Engine.IO v3 clients
	joined    bool
}

// socket returns the client's socket in namespace nsp, or nil.
func (c *client) socket(nsp string) *Socket {
	for _, s := range c.sockets {
		if s.ns.name == nsp {
			return s
		}
	}
	return nil
}

func (c *client) add(s *Socket) {
	if c.sockets == nil {
		c.sockets = make([]*Socket, 0, 1)
	}
	c.sockets = append(c.sockets, s)
}

// remove takes s out of the client's sockets; it reports whether s was there.
func (c *client) remove(s *Socket) bool {
	for i, x := range c.sockets {
		if x == s {
			n := copy(c.sockets[i:], c.sockets[i+1:])
			c.sockets[i+n] = nil
			c.sockets = c.sockets[:i+n]
			return true
		}
	}
	return false
}

// assembler returns the binary packet assembler, made on first use.
func (c *client) assembler() *socketio.Assembler {
	if c.asm == nil {
		c.asm = &socketio.Assembler{}
	}
	return c.asm
}

// engineApp receives the Engine.IO events of the server's sessions.
type engineApp struct{ srv *Server }

func (a engineApp) Open(sess *transports.Session) error {
	if _, err := a.srv.allowRequest(sess); err != nil {
		return err
	}
	c := &client{srv: a.srv, sess: sess, sio: 5}
	if sess.Version() < 4 {
		c.sio = 4
	}
	sess.Data = c
	a.srv.watchConnect(c)
	if c.sio == 4 {
		// Socket.IO v4 connects the main namespace without being asked.
		if ns := a.srv.namespace("/"); ns != nil {
			ns.connect(c, nil)
		}
	}
	return nil
}

func (a engineApp) Message(sess *transports.Session, data []byte, binary bool) {
	c, ok := sess.Data.(*client)
	if !ok {
		return
	}
	if binary {
		if c.asm == nil || !c.asm.Pending() {
			sess.Close(transports.ReasonParseError)
			return
		}
		done, err := c.asm.Add(data)
		if err != nil {
			sess.Close(transports.ReasonParseError)
			return
		}
		if done {
			c.dispatch(c.asm.Packet(), c.asm.Attachments())
			c.asm.Reset()
		}
		return
	}
	if c.asm != nil && c.asm.Pending() {
		sess.Close(transports.ReasonParseError)
		return
	}
	// An event's or ack's arguments are split in the pass that validates
	// the packet, into the loop's scratch (see Socket.onEvent).
	sc := c.srv.scratch(sess.Loop())
	p, args, err := socketio.ParseArgs(data, int(c.sio), sc.args[:0])
	if err != nil {
		sess.Close(transports.ReasonParseError)
		return
	}
	if p.Type == socketio.BinaryEvent || p.Type == socketio.BinaryAck {
		c.assembler().Start(p)
		if !c.asm.Pending() {
			// No attachment to wait for: complete already, as in Node.
			c.dispatch(c.asm.Packet(), c.asm.Attachments())
			c.asm.Reset()
		}
		return
	}
	sc.args = args
	c.dispatchSplit(p, args)
}

func (a engineApp) Close(sess *transports.Session, reason string) {
	c, ok := sess.Data.(*client)
	if !ok {
		return
	}
	for _, sock := range c.socketList() {
		sock.close(DisconnectReason(reason))
	}
}

// dispatch handles one complete Socket.IO packet.
func (c *client) dispatch(p socketio.Packet, atts [][]byte) { c.route(p, atts, nil, false) }

// dispatchSplit handles one text packet whose event or ack arguments are
// split already: args are views into the packet, valid during the call.
func (c *client) dispatchSplit(p socketio.Packet, args [][]byte) { c.route(p, nil, args, true) }

// route hands a packet to its namespace's socket; split tells that args
// holds an event's or ack's array elements.
func (c *client) route(p socketio.Packet, atts, args [][]byte, split bool) {
	nsp := p.NamespaceString()
	switch p.Type {
	case socketio.Connect:
		auth := p.Data
		if c.sio < 5 {
			// v4 carries the namespace's query in its name (/admin?token=x);
			// as in Node, the query is the socket's auth.
			name, query := socketio.SplitNamespaceQuery(p.Namespace)
			nsp = string(name)
			if nsp == "" {
				nsp = "/"
			}
			auth = queryAuth(query)
		}
		if c.socket(nsp) != nil {
			return
		}
		ns := c.srv.lookupNamespace(nsp, auth, c)
		if ns == nil {
			c.connectError(nsp, errInvalidNamespace, nil)
			return
		}
		ns.connect(c, auth)
	case socketio.Event, socketio.BinaryEvent:
		if sock := c.socket(nsp); sock != nil {
			sock.onEvent(p, atts, args, split)
		}
	case socketio.Ack, socketio.BinaryAck:
		if sock := c.socket(nsp); sock != nil {
			sock.onAck(p, atts, args, split)
		}
	case socketio.Disconnect:
		if sock := c.socket(nsp); sock != nil {
			sock.close(ReasonClientNamespaceDisconnect)
		}
	default:
		// CONNECT_ERROR is for servers to send.
		c.sess.Close(transports.ReasonParseError)
	}
}

// sendConnect answers a successful CONNECT; pid is the private id of
// connection state recovery, or "".
func (c *client) sendConnect(nsp, sid, pid string) {
	c.joined = true
	sc := c.srv.scratch(c.sess.Loop())
	b := sc.buf[:0]
	b = socketio.AppendPacket(b, socketio.Packet{Type: socketio.Connect, Namespace: []byte(nsp), ID: -1})
	if c.sio >= 5 {
		b = append(b, `{"sid":`...)
		b = socketio.AppendJSONString(b, sid)
		if pid != "" {
			b = append(b, `,"pid":`...)
			b = socketio.AppendJSONString(b, pid)
		}
		b = append(b, '}')
	}
	c.sess.Send(b, false)
	sc.buf = b
}

// connectError refuses a CONNECT: v5 sends CONNECT_ERROR with a message
// object (and data); v4 an ERROR packet with the data when there is some,
// else the message, as Node does for Engine.IO v3 clients. An unknown
// namespace is refused with a message object on both.
func (c *client) connectError(nsp, msg string, data any) {
	sc := c.srv.scratch(c.sess.Loop())
	b := sc.buf[:0]
	b = socketio.AppendPacket(b, socketio.Packet{Type: socketio.ConnectError, Namespace: []byte(nsp), ID: -1})
	switch {
	case c.sio >= 5 || msg == errInvalidNamespace:
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
	c.sess.Send(b, false)
	sc.buf = b
}

const errInvalidNamespace = "Invalid namespace"

// queryAuth turns a v4 namespace query into the auth object Node gives
// such sockets: {"key":"value",…}; nil when there is no query.
func queryAuth(query []byte) []byte {
	if len(query) == 0 {
		return nil
	}
	vals, err := url.ParseQuery(string(query))
	if err != nil {
		return nil
	}
	m := make(map[string]string, len(vals))
	for k, v := range vals {
		m[k] = v[len(v)-1]
	}
	b, _ := json.Marshal(m)
	return b
}

// socketList returns the client's sockets.
func (c *client) socketList() []*Socket {
	return append([]*Socket(nil), c.sockets...)
}
